import type { z } from 'zod';
import { SchemaError } from '../errors.ts';
import type { DatasetSchema, FieldSpec, FieldType, ObjectType } from './field-type.ts';
import { flattenSchema } from './flatten.ts';
import { chainqlMeta, zodDescription } from './vector.ts';

/** Options of {@link fromZod}. */
export interface FromZodOptions {
  /** Description of the whole row type. Default: the zod object's own description, if any. */
  readonly description?: string;
}

type AnyZod = z.core.$ZodType;
// zod v4 keeps every construct's parameters in `_zod.def`; the union of all defs is too wide to
// narrow usefully here, so the walker reads the few properties it needs through this view.
interface DefView {
  readonly type: string;
  readonly innerType?: AnyZod;
  readonly options?: readonly AnyZod[];
  readonly shape?: Readonly<Record<string, AnyZod>>;
  readonly element?: AnyZod;
  readonly keyType?: AnyZod;
  readonly valueType?: AnyZod;
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly values?: readonly unknown[];
  readonly format?: string;
  readonly checks?: readonly AnyZod[];
}

const defOf = (schema: AnyZod): DefView => schema._zod.def as unknown as DefView;

/** Why a zod construct is not storable; keyed by `_zod.def.type`. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  transform: 'transforms are not supported: chainql stores declared types; transform values before saving',
  pipe: 'pipes/transforms (.transform, .pipe, z.preprocess, codecs) are not supported: chainql stores declared types',
  function: 'functions cannot be stored',
  tuple: 'tuples are not supported: use an object or an array',
  map: 'z.map is not supported: use z.record(z.string(), …)',
  set: 'z.set is not supported: use z.array(…)',
  any: 'z.any() has no storable type',
  unknown: 'z.unknown() has no storable type',
  never: 'z.never() has no storable type',
  void: 'z.void() has no storable type',
  undefined: 'z.undefined() on its own has no storable type',
  null: 'z.null() on its own has no storable type',
  symbol: 'symbols cannot be stored',
  intersection: 'intersections are not supported: merge the objects with .extend() instead',
  lazy: 'z.lazy (recursive types) is not supported',
  promise: 'promises cannot be stored',
  custom: 'z.custom/z.instanceof has no storable type',
  catch: '.catch() is not supported',
  nan: 'z.nan() is not supported',
  template_literal: 'template literal types are not supported: use z.string()',
  file: 'z.file() is not supported: use chainql File records',
  success: 'z.success() is not supported',
};

/**
 * Describes a zod v4 object as a serialisable {@link DatasetSchema}.
 *
 * Supported: string (any format), number (float), int (`z.int()`, `z.number().int()`), boolean,
 * bigint, date (→ datetime), `z.enum`, `z.literal` (one value; several string values → enum), optional /
 * nullable / nullish / `.default()` (→ optional), unions with `z.null()`/`z.undefined()`, unions of
 * string literals (→ enum), arrays (of any supported type, items may be nullable), records with string
 * keys, nested objects at any depth, `vector(n)`, `.readonly()`. Refinements (min, max, regex, …) and
 * default values are not part of the description. Descriptions (`.describe()`, `.meta`) are kept.
 * @throws SchemaError naming the dot path of the first unsupported construct or invalid field name
 *   (array items appear as `tags[]`, record values as `scores{}`).
 */
export function fromZod(schema: z.ZodObject, opts: FromZodOptions = {}): DatasetSchema {
  if (defOf(schema).type !== 'object') {
    throw new SchemaError('fromZod expects a z.object(…) row type', '');
  }
  const description = opts.description ?? zodDescription(schema);
  const result: DatasetSchema = {
    format: 1,
    fields: objectFields(schema, ''),
    ...(description === undefined ? {} : { description }),
  };
  flattenSchema(result); // validates field names, emptiness and column-name collisions
  return result;
}

function objectFields(schema: AnyZod, path: string): Record<string, FieldSpec> {
  const fields: Record<string, FieldSpec> = {};
  for (const [name, child] of Object.entries(defOf(schema).shape ?? {})) {
    fields[name] = fieldSpec(child, path === '' ? name : `${path}.${name}`);
  }
  return fields;
}

interface Unwrapped {
  readonly core: AnyZod;
  readonly nullable: boolean;
  readonly optional: boolean;
  readonly description: string | undefined;
}

/** Peels optional/nullable/default/readonly wrappers (outermost decides) and null-unions. */
function unwrap(schema: AnyZod): Unwrapped {
  let current = schema;
  let nullable = false;
  let optional: boolean | undefined;
  let description = zodDescription(current);
  for (;;) {
    const def = defOf(current);
    let next: AnyZod | undefined;
    if (def.type === 'optional') {
      optional ??= true;
      next = def.innerType;
    } else if (def.type === 'default' || def.type === 'prefault') {
      optional ??= true;
      next = def.innerType;
    } else if (def.type === 'nonoptional') {
      optional ??= false;
      next = def.innerType;
    } else if (def.type === 'nullable') {
      nullable = true;
      next = def.innerType;
    } else if (def.type === 'readonly') {
      next = def.innerType;
    } else if (def.type === 'union') {
      next = unionCore(def.options ?? [], (n, o) => {
        nullable ||= n;
        if (o) optional ??= true;
      });
    }
    if (next === undefined) break;
    current = next;
    description ??= zodDescription(current);
  }
  return { core: current, nullable, optional: optional ?? false, description };
}

/** A union of one type with null/undefined is that type; anything else is left to `fieldType`. */
function unionCore(
  options: readonly AnyZod[],
  mark: (nullable: boolean, optional: boolean) => void,
): AnyZod | undefined {
  const rest = options.filter((o) => !['null', 'undefined'].includes(defOf(o).type));
  const only = rest[0];
  if (rest.length !== 1 || only === undefined) return undefined;
  mark(
    options.some((o) => defOf(o).type === 'null'),
    options.some((o) => defOf(o).type === 'undefined'),
  );
  return only;
}

function fieldSpec(schema: AnyZod, path: string): FieldSpec {
  const { core, nullable, optional, description } = unwrap(schema);
  return {
    type: fieldType(core, path),
    nullable,
    optional,
    ...(description === undefined ? {} : { description }),
  };
}

function fieldType(schema: AnyZod, path: string): FieldType {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return { kind: 'string' };
    case 'number':
      return { kind: isInt(schema) ? 'int' : 'float' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'bigint':
      return { kind: 'bigint' };
    case 'date':
      return { kind: 'datetime' };
    case 'enum':
      return enumType(Object.values(def.entries ?? {}), path);
    case 'literal':
      return literalType(def.values ?? [], path);
    case 'object':
      return objectType(schema, path);
    case 'array':
      return arrayType(schema, path);
    case 'record':
      return recordType(def, path);
    case 'union':
      return unionType(def.options ?? [], path);
    default:
      throw unsupported(path, UNSUPPORTED[def.type] ?? `zod type '${def.type}' is not supported`);
  }
}

function unsupported(path: string, why: string): SchemaError {
  return new SchemaError(`Field '${path}': ${why}`, path);
}

function isInt(schema: AnyZod): boolean {
  const classic = (schema as { isInt?: unknown }).isInt;
  if (typeof classic === 'boolean') return classic;
  const def = defOf(schema);
  const formats = [def.format, ...(def.checks ?? []).map((c) => defOf(c).format)];
  return formats.some((f) => f?.includes('int') === true);
}

function enumType(values: readonly unknown[], path: string): FieldType {
  if (values.length === 0) throw unsupported(path, 'an enum needs at least one value');
  const strings = values.filter((v): v is string => typeof v === 'string');
  if (strings.length !== values.length) throw unsupported(path, 'only enums of strings are supported');
  return { kind: 'enum', values: strings };
}

function literalType(values: readonly unknown[], path: string): FieldType {
  if (values.length > 1) return enumType(values, path);
  const value = values[0];
  if (typeof value === 'string' || typeof value === 'boolean') return { kind: 'literal', value };
  if (typeof value === 'number' && Number.isFinite(value)) return { kind: 'literal', value };
  throw unsupported(
    path,
    `literal ${String(value)} is not supported (use a string, finite number or boolean)`,
  );
}

function unionType(options: readonly AnyZod[], path: string): FieldType {
  const cores = options.map((o) => defOf(o));
  if (cores.every((d) => d.type === 'literal' || d.type === 'enum')) {
    const values = cores.flatMap((d) =>
      d.type === 'enum' ? Object.values(d.entries ?? {}) : (d.values ?? []),
    );
    if (values.every((v) => typeof v === 'string')) return enumType([...new Set(values)], path);
  }
  if (cores.some((d) => d.type === 'object')) throw unsupported(path, 'unions of objects are not supported');
  throw unsupported(path, 'unions are only supported with z.null()/z.undefined() or of string literals');
}

function objectType(schema: AnyZod, path: string): ObjectType {
  const fields = objectFields(schema, path);
  const tag = chainqlMeta(schema)?.tag;
  return tag === undefined ? { kind: 'object', fields } : { kind: 'object', fields, tag };
}

function arrayType(schema: AnyZod, path: string): FieldType {
  const def = defOf(schema);
  const meta = chainqlMeta(schema);
  if (meta?.kind === 'vector') {
    const dimensions = meta.dimensions ?? lengthCheck(def);
    return dimensions === undefined ? { kind: 'vector' } : { kind: 'vector', dimensions };
  }
  const item = unwrap(def.element as AnyZod);
  if (item.optional) throw unsupported(`${path}[]`, 'array items cannot be optional; use .nullable()');
  const items = fieldType(item.core, `${path}[]`);
  return item.nullable ? { kind: 'array', items, itemsNullable: true } : { kind: 'array', items };
}

function lengthCheck(def: DefView): number | undefined {
  for (const check of def.checks ?? []) {
    const c = check._zod.def as unknown as { check?: string; length?: number };
    if (c.check === 'length_equals' && typeof c.length === 'number') return c.length;
  }
  return undefined;
}

function recordType(def: DefView, path: string): FieldType {
  if (def.keyType === undefined || defOf(def.keyType).type !== 'string') {
    throw unsupported(path, 'record keys must be z.string()');
  }
  const value = unwrap(def.valueType as AnyZod);
  if (value.optional) throw unsupported(`${path}{}`, 'record values cannot be optional; use .nullable()');
  const values = fieldType(value.core, `${path}{}`);
  return value.nullable ? { kind: 'record', values, valuesNullable: true } : { kind: 'record', values };
}
