import type { DatasetSchema, FieldSpec, FieldType } from '../../schema/record/field-type.ts';
import { InconsistentTypesError } from './format-errors.ts';
import { classifyText, parseIsoDate, type TextKind } from './text-values.ts';

/** One parsed sample row and the 1-based line it came from (for error messages). */
export interface SampleRow {
  readonly value: Readonly<Record<string, unknown>>;
  readonly line: number;
}

/** Options of {@link inferSchema}. */
export interface InferSchemaOptions {
  /**
   * How strings are read. `'csv'`: every cell is text, so `"12"` is an int, `"true"` a boolean.
   * `'json'`: JSON already carries numbers and booleans; strings stay strings (but see `dates`).
   */
  readonly source: 'csv' | 'json';
  /**
   * Detect ISO-8601 dates (`2024-05-01`, `2024-05-01T10:00:00Z`): a field becomes `datetime` when
   * every non-empty sampled value parses as one. Default `true`, so files written by chainql (which
   * writes dates as ISO text) read back as dates. Set `false` to keep such fields as strings.
   */
  readonly dates?: boolean;
  /** File name used in error messages. */
  readonly file: string;
}

/** Intermediate type lattice: `null` means "only nulls seen so far". */
type Node =
  | { readonly kind: 'null' }
  | { readonly kind: 'scalar'; readonly scalar: TextKind }
  | { readonly kind: 'array'; readonly items: Node; readonly itemsNullable: boolean }
  | { readonly kind: 'object'; readonly fields: ReadonlyMap<string, NodeField> };

interface NodeField {
  readonly node: Node;
  readonly nullable: boolean;
}

const NULL_NODE: Node = { kind: 'null' };

/**
 * Infers a dataset schema from sampled rows (usually the first 1000 rows of a file).
 *
 * - numbers: `int` when every value is a safe integer, else `float`; CSV integers beyond the safe
 *   range are `bigint` (JSON has already lost their precision, so they are `float` there);
 * - `boolean`, `string`, `datetime` (see `dates`), nested objects (JSON objects, or CSV headers with
 *   `.`/`__` after nesting), arrays (item types unified; `itemsNullable` when a sampled item is null);
 * - a field is nullable when any sample is `null`, missing, or an empty CSV cell; a field with only
 *   nulls is a nullable `string`;
 * - conflicting scalars widen: int+float → float, int+bigint → bigint, datetime+string → string,
 *   any other mix → string.
 *
 * @throws InconsistentTypesError when one field mixes an object, an array and/or a scalar across
 *   rows; the error names the field path and the line of the sample that conflicts.
 */
export function inferSchema(samples: Iterable<SampleRow>, options: InferSchemaOptions): DatasetSchema {
  const ctx: Ctx = { file: options.file, line: 0, dates: options.dates ?? true, source: options.source };
  let root: Node = { kind: 'object', fields: new Map() };
  let first = true;
  for (const sample of samples) {
    ctx.line = sample.line;
    const node = nodeOf(sample.value, '', ctx);
    root = first ? node : unify(root, node, '', ctx);
    first = false;
  }
  if (root.kind !== 'object') throw new Error('inferSchema: rows must be objects');
  return { format: 1, fields: toFields(root.fields) };
}

interface Ctx {
  readonly file: string;
  line: number;
  readonly dates: boolean;
  readonly source: 'csv' | 'json';
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function nodeOf(value: unknown, path: string, ctx: Ctx): Node {
  if (value === null || value === undefined) return NULL_NODE;
  switch (typeof value) {
    case 'boolean':
      return { kind: 'scalar', scalar: 'boolean' };
    case 'number':
      return { kind: 'scalar', scalar: Number.isSafeInteger(value) ? 'int' : 'float' };
    case 'bigint':
      return { kind: 'scalar', scalar: 'bigint' };
    case 'string':
      return nodeOfString(value, ctx);
    default:
      break;
  }
  if (value instanceof Date) return { kind: 'scalar', scalar: 'datetime' };
  if (Array.isArray(value)) {
    let items: Node = NULL_NODE;
    let itemsNullable = false;
    for (const item of value) {
      if (item === null || item === undefined) itemsNullable = true;
      items = unify(items, nodeOf(item, `${path}[]`, ctx), `${path}[]`, ctx);
    }
    return { kind: 'array', items, itemsNullable };
  }
  if (typeof value === 'object') {
    const fields = new Map<string, NodeField>();
    for (const [key, child] of Object.entries(value)) {
      const node = nodeOf(child, join(path, key), ctx);
      fields.set(key, { node, nullable: node.kind === 'null' });
    }
    return { kind: 'object', fields };
  }
  return { kind: 'scalar', scalar: 'string' };
}

function nodeOfString(text: string, ctx: Ctx): Node {
  if (ctx.source === 'csv') {
    // An empty cell was turned into null by the CSV reader; a quoted "" is an empty string.
    if (text === '') return { kind: 'scalar', scalar: 'string' };
    return { kind: 'scalar', scalar: classifyText(text, ctx.dates) };
  }
  if (ctx.dates && parseIsoDate(text) !== undefined) return { kind: 'scalar', scalar: 'datetime' };
  return { kind: 'scalar', scalar: 'string' };
}

function widenScalar(a: TextKind, b: TextKind): TextKind {
  if (a === b) return a;
  const pair = new Set([a, b]);
  if (pair.has('int') && pair.has('float')) return 'float';
  if (pair.has('int') && pair.has('bigint')) return 'bigint';
  if (pair.has('bigint') && pair.has('float')) return 'float';
  return 'string';
}

function shapeName(node: Node): string {
  if (node.kind === 'scalar') return `a ${node.scalar}`;
  return node.kind === 'array' ? 'an array' : `an ${node.kind}`;
}

function unify(a: Node, b: Node, path: string, ctx: Ctx): Node {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (a.kind === 'scalar' && b.kind === 'scalar')
    return { kind: 'scalar', scalar: widenScalar(a.scalar, b.scalar) };
  if (a.kind === 'array' && b.kind === 'array')
    return {
      kind: 'array',
      items: unify(a.items, b.items, `${path}[]`, ctx),
      itemsNullable: a.itemsNullable || b.itemsNullable,
    };
  if (a.kind === 'object' && b.kind === 'object') {
    const fields = new Map<string, NodeField>();
    for (const [key, fa] of a.fields) {
      const fb = b.fields.get(key);
      fields.set(
        key,
        fb === undefined
          ? { node: fa.node, nullable: true }
          : { node: unify(fa.node, fb.node, join(path, key), ctx), nullable: fa.nullable || fb.nullable },
      );
    }
    for (const [key, fb] of b.fields) {
      if (!a.fields.has(key)) fields.set(key, { node: fb.node, nullable: true });
    }
    return { kind: 'object', fields };
  }
  throw new InconsistentTypesError(
    ctx.file,
    path === '' ? '(row)' : path,
    `is ${shapeName(a)} in earlier rows but ${shapeName(b)} here; pass an explicit schema to read it`,
    { line: ctx.line },
  );
}

function toFieldType(node: Node): FieldType {
  switch (node.kind) {
    case 'null':
      return { kind: 'string' };
    case 'scalar':
      return { kind: node.scalar };
    case 'array':
      return node.itemsNullable
        ? { kind: 'array', items: toFieldType(node.items), itemsNullable: true }
        : { kind: 'array', items: toFieldType(node.items) };
    case 'object':
      // An object that never had a key cannot become columns: keep it as a JSON record.
      if (node.fields.size === 0) return { kind: 'record', values: { kind: 'string' } };
      return { kind: 'object', fields: toFields(node.fields) };
  }
}

function toFields(fields: ReadonlyMap<string, NodeField>): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = {};
  for (const [key, field] of fields) {
    out[key] = {
      type: toFieldType(field.node),
      nullable: field.nullable || field.node.kind === 'null',
      optional: false,
    };
  }
  return out;
}
