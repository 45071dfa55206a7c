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
  // Generated straight-line code (like the row encoder): one function per schema, no call per field.
  // Only temporaries and indexes into `helpers` enter the source; keys go through JSON.stringify.
  const context: Context = { helpers: [], temporaries: 0 };
  const body = expression(schema as unknown as ZodLike, 'value', context, 0);
  if (body === undefined) return undefined;
  const temporaries = Array.from({ length: context.temporaries }, (_, i) => `t${i}`);
  const declare = temporaries.length > 0 ? `let ${temporaries.join(', ')};\n` : '';
  const factory = new Function('h', `return function fastCheck(value) {\n${declare}return ${body};\n};`);
  return factory(context.helpers) as FastCheck;
}

interface Context {
  /** Values the generated code reads as `h[i]` (sets of allowed values, array element checks). */
  readonly helpers: unknown[];
  temporaries: number;
}

function helper(context: Context, value: unknown): string {
  context.helpers.push(value);
  return `h[${context.helpers.length - 1}]`;
}

/** A boolean JS expression over `input` (an expression without side effects), or undefined. */
function expression(
  schema: ZodLike | undefined,
  input: string,
  context: Context,
  depth: number,
): string | undefined {
  const def = schema?._zod?.def;
  if (!def || depth > 32) return undefined;
  const noChecks = def.checks === undefined || def.checks.length === 0;
  switch (def.type) {
    case 'string':
      return noChecks && def.check === undefined ? `typeof ${input} === 'string'` : undefined;
    case 'boolean':
      return noChecks ? `typeof ${input} === 'boolean'` : undefined;
    case 'number':
      if (!noChecks) return undefined;
      if (def.format === 'safeint' && def.check === 'number_format') return `Number.isSafeInteger(${input})`;
      return def.format === undefined && def.check === undefined
        ? `(typeof ${input} === 'number' && Number.isFinite(${input}))`
        : undefined;
    case 'date':
      // z.coerce.date() copies a Date; the copy encodes to the same value.
      return noChecks ? `(${input} instanceof Date && !Number.isNaN(${input}.getTime()))` : undefined;
    case 'enum':
    case 'literal': {
      // zod's own set of accepted values (native enums' reverse mappings already left out).
      const allowed = schema?._zod?.values;
      return allowed instanceof Set ? `${helper(context, allowed)}.has(${input})` : undefined;
    }
    case 'nullable':
    case 'optional': {
      const inner = expression(def.innerType, input, context, depth + 1);
      const empty = def.type === 'nullable' ? 'null' : 'undefined';
      return inner && `(${input} === ${empty} || ${inner})`;
    }
    case 'array': {
      if (!noChecks) return undefined;
      const element = compileFastCheck(def.element as unknown as z.ZodType);
      if (!element) return undefined;
      const check = (v: unknown): boolean => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
      return `${helper(context, check)}(${input})`;
    }
    case 'object': {
      if (def.catchall !== undefined || !def.shape || !noChecks) return undefined;
      const t = `t${context.temporaries++}`;
      const parts = [`typeof (${t} = ${input}) === 'object'`, `${t} !== null`, `!Array.isArray(${t})`];
      for (const [key, field] of Object.entries(def.shape)) {
        // Read each field once into its own temporary, so nested checks never re-read a getter.
        const f = `t${context.temporaries++}`;
        const inner = expression(field, f, context, depth + 1);
        if (inner === undefined) return undefined;
        parts.push(`((${f} = ${t}[${JSON.stringify(key)}]), ${inner})`);
      }
      return `(${parts.join(' && ')})`;
    }
    default:
      return undefined;
  }
}
