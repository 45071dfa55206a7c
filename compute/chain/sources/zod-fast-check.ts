import type { z } from 'zod';

/** True when the value certainly passes the zod schema unchanged (apart from keys the schema does not name). */
export type FastCheck = (value: unknown) => boolean;

/** The parts of zod 4's `schema._zod.def` this module reads. */
interface ZodDefLike {
  readonly type: string;
  readonly checks?: readonly unknown[];
  readonly check?: string;
  readonly format?: string;
  readonly coerce?: boolean;
  readonly shape?: Readonly<Record<string, ZodLike>>;
  readonly catchall?: ZodLike;
  readonly innerType?: ZodLike;
  readonly element?: ZodLike;
}

interface ZodLike {
  readonly _zod?: { readonly def?: ZodDefLike; readonly values?: unknown };
}

/**
 * Compiles a conservative pre-check for a zod schema, so rows that already have exactly the declared
 * shape skip `safeParse` and its copy of every object. Accepting a value means zod would accept it and
 * return an equal value (same fields, same leaf values; zod would only drop keys the schema does not
 * name, which the row encoder never reads). Anything else — a failing row, a value that needs
 * coercion — goes to zod, which then produces the real output or error.
 *
 * Covered: object (default "strip" mode), string, number (no checks, or `z.int()`), boolean, date,
 * enum, literal, nullable, optional, array (no length checks). Returns undefined when the schema uses
 * anything else (refinements, transforms, defaults, unions, records, strict objects, …): then every row
 * goes through zod.
 */
export function compileFastCheck(schema: z.ZodType): FastCheck | undefined {
  return compile(schema as unknown as ZodLike, 0);
}

function compile(schema: ZodLike | undefined, depth: number): FastCheck | undefined {
  const def = schema?._zod?.def;
  if (!def || depth > 32) return undefined;
  const noChecks = def.checks === undefined || def.checks.length === 0;
  switch (def.type) {
    case 'string':
      return noChecks && def.check === undefined ? (v) => typeof v === 'string' : undefined;
    case 'boolean':
      return noChecks ? (v) => typeof v === 'boolean' : undefined;
    case 'number':
      if (!noChecks) return undefined;
      if (def.format === 'safeint' && def.check === 'number_format') return (v) => Number.isSafeInteger(v);
      return def.format === undefined && def.check === undefined
        ? (v) => typeof v === 'number' && Number.isFinite(v)
        : undefined;
    case 'date':
      // z.coerce.date() copies a Date; the copy encodes to the same value.
      return noChecks ? (v) => v instanceof Date && !Number.isNaN(v.getTime()) : undefined;
    case 'enum':
    case 'literal': {
      // zod's own set of accepted values (native enums' reverse mappings already left out).
      const allowed = schema?._zod?.values;
      return allowed instanceof Set ? (v) => allowed.has(v) : undefined;
    }
    case 'nullable': {
      const inner = compile(def.innerType, depth + 1);
      return inner && ((v) => v === null || inner(v));
    }
    case 'optional': {
      const inner = compile(def.innerType, depth + 1);
      return inner && ((v) => v === undefined || inner(v));
    }
    case 'array': {
      const element = compile(def.element, depth + 1);
      if (!element || !noChecks) return undefined;
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case 'object':
      return compileObject(def, depth);
    default:
      return undefined;
  }
}

function compileObject(def: ZodDefLike, depth: number): FastCheck | undefined {
  if (def.catchall !== undefined || !def.shape || !(def.checks === undefined || def.checks.length === 0)) {
    return undefined;
  }
  const keys: string[] = [];
  const checks: FastCheck[] = [];
  for (const [key, field] of Object.entries(def.shape)) {
    const check = compile(field, depth + 1);
    if (!check) return undefined;
    keys.push(key);
    checks.push(check);
  }
  const count = keys.length;
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const row = v as Record<string, unknown>;
    for (let i = 0; i < count; i++) if (!checks[i]!(row[keys[i]!])) return false;
    return true;
  };
}
