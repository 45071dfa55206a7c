import type { SchemaElement as ReadSchemaElement, SchemaTree } from 'hyparquet';
import type { SchemaElement } from 'hyparquet-writer';
import type { DatasetSchema, FieldSpec, FieldType } from '../../schema/record/field-type.ts';
import { schemaFromJson } from '../../schema/record/schema-json.ts';

/** Key-value metadata entry under which writeParquet stores the exact chainql schema (JSON). */
export const SCHEMA_METADATA_KEY = 'chainql.schema';

/**
 * chainql row type → Parquet schema (flat, pre-order, as hyparquet-writer expects).
 *
 * Mapping: string/enum → BYTE_ARRAY UTF8; int and bigint → INT64; float → DOUBLE; boolean → BOOLEAN;
 * datetime → INT64 TIMESTAMP_MILLIS (UTC, millisecond precision); literal → the column type of its
 * value; nested objects → Parquet groups (structs); arrays and vectors → 3-level LISTs (items may be
 * objects); records → BYTE_ARRAY JSON. Nullable or optional
 * fields (and nullable array items) are OPTIONAL, others REQUIRED.
 */
export function toParquetSchema(schema: DatasetSchema): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'root', num_children: Object.keys(schema.fields).length }];
  for (const [name, spec] of Object.entries(schema.fields)) {
    pushType(out, name, spec.type, spec.nullable || spec.optional ? 'OPTIONAL' : 'REQUIRED');
  }
  return out;
}

function pushType(
  out: SchemaElement[],
  name: string,
  type: FieldType,
  repetition_type: 'OPTIONAL' | 'REQUIRED',
): void {
  switch (type.kind) {
    case 'object': {
      const entries = Object.entries(type.fields);
      out.push({ name, repetition_type, num_children: entries.length });
      for (const [child, spec] of entries) {
        pushType(out, child, spec.type, spec.nullable || spec.optional ? 'OPTIONAL' : 'REQUIRED');
      }
      return;
    }
    case 'array':
    case 'vector':
      out.push({ name, repetition_type, converted_type: 'LIST', num_children: 1 });
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      if (type.kind === 'vector') pushType(out, 'element', { kind: 'float' }, 'REQUIRED');
      else pushType(out, 'element', type.items, type.itemsNullable ? 'OPTIONAL' : 'REQUIRED');
      return;
    case 'string':
    case 'enum':
      out.push({ name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'UTF8' });
      return;
    case 'literal':
      if (typeof type.value === 'string')
        out.push({ name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'UTF8' });
      else if (typeof type.value === 'boolean') out.push({ name, repetition_type, type: 'BOOLEAN' });
      else out.push({ name, repetition_type, type: 'DOUBLE' });
      return;
    case 'int':
    case 'bigint':
      out.push({ name, repetition_type, type: 'INT64' });
      return;
    case 'float':
      out.push({ name, repetition_type, type: 'DOUBLE' });
      return;
    case 'boolean':
      out.push({ name, repetition_type, type: 'BOOLEAN' });
      return;
    case 'datetime':
      out.push({ name, repetition_type, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' });
      return;
    case 'record':
      out.push({ name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'JSON' });
      return;
  }
}

/**
 * A chainql value → the JS value hyparquet-writer expects for the column built by
 * {@link toParquetSchema}: ints become `bigint` (INT64), literal numbers stay numbers, nested
 * objects and arrays are converted recursively, absent values become `null`.
 */
export function toParquetValue(value: unknown, type: FieldType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'int':
    case 'bigint':
      return typeof value === 'bigint' ? value : BigInt(value as number);
    case 'object': {
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, spec] of Object.entries(type.fields))
        out[key] = toParquetValue(source[key], spec.type);
      return out;
    }
    case 'array':
      return (value as unknown[]).map((item) => toParquetValue(item, type.items));
    default:
      return value;
  }
}

/**
 * Parquet schema tree → chainql row type, for files chainql did not write.
 *
 * INT32/INT64 → int (values outside the safe integer range fail on read: pass an explicit schema
 * with `bigint`), DATE/TIMESTAMP/INT96 → datetime, FLOAT/DOUBLE/DECIMAL/FLOAT16 → float, BOOLEAN →
 * boolean, BYTE_ARRAY (UTF8, ENUM, JSON, UUID, plain) → string, LIST (and bare repeated fields) →
 * array, MAP → record, other groups → nested objects. OPTIONAL → nullable.
 */
export function fromParquetSchema(root: SchemaTree): DatasetSchema {
  return { format: 1, fields: fieldsOf(root.children) };
}

function fieldsOf(children: readonly SchemaTree[]): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = {};
  for (const child of children) out[child.element.name] = specOf(child);
  return out;
}

function specOf(node: SchemaTree): FieldSpec {
  const repetition = node.element.repetition_type;
  if (repetition === 'REPEATED') {
    // Legacy bare repeated field: a non-null list of its type.
    return { type: { kind: 'array', items: typeOf(node) }, nullable: false, optional: false };
  }
  return { type: typeOf(node), nullable: repetition === 'OPTIONAL', optional: false };
}

function isListGroup(element: ReadSchemaElement): boolean {
  return element.converted_type === 'LIST' || element.logical_type?.type === 'LIST';
}

function isMapGroup(element: ReadSchemaElement): boolean {
  return (
    element.converted_type === 'MAP' ||
    element.converted_type === 'MAP_KEY_VALUE' ||
    element.logical_type?.type === 'MAP'
  );
}

function typeOf(node: SchemaTree): FieldType {
  const { element, children } = node;
  if (children.length > 0) {
    if (isListGroup(element) && children.length === 1) {
      const repeated = children[0] as SchemaTree;
      // 3-level list: repeated group with a single element child; otherwise 2-level.
      const item =
        repeated.children.length === 1 && !isListGroup(repeated.element) && repeated.element.name !== 'array'
          ? (repeated.children[0] as SchemaTree)
          : repeated;
      if (item === repeated && repeated.children.length === 0)
        return { kind: 'array', items: leafType(repeated.element) };
      return item.element.repetition_type === 'OPTIONAL'
        ? { kind: 'array', items: typeOf(item), itemsNullable: true }
        : { kind: 'array', items: typeOf(item) };
    }
    if (isMapGroup(element) && children.length === 1) {
      const entry = children[0] as SchemaTree;
      const valueNode = entry.children[1];
      return { kind: 'record', values: valueNode ? typeOf(valueNode) : { kind: 'string' } };
    }
    return { kind: 'object', fields: fieldsOf(children) };
  }
  return leafType(element);
}

function leafType(element: ReadSchemaElement): FieldType {
  const converted = element.converted_type;
  const logical = element.logical_type?.type;
  if (converted === 'DECIMAL' || logical === 'DECIMAL' || logical === 'FLOAT16') return { kind: 'float' };
  switch (element.type) {
    case 'BOOLEAN':
      return { kind: 'boolean' };
    case 'INT32':
      return converted === 'DATE' || logical === 'DATE' ? { kind: 'datetime' } : { kind: 'int' };
    case 'INT64':
      if (converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS' || logical === 'TIMESTAMP') {
        return { kind: 'datetime' };
      }
      return { kind: 'int' };
    case 'INT96':
      return { kind: 'datetime' };
    case 'FLOAT':
    case 'DOUBLE':
      return { kind: 'float' };
    default:
      return { kind: 'string' };
  }
}

/**
 * Reads the chainql schema embedded by writeParquet, if present and valid (`schemaFromJson`);
 * `undefined` otherwise.
 */
export function embeddedSchema(
  metadata: readonly { key: string; value?: string }[] | undefined,
): DatasetSchema | undefined {
  const entry = metadata?.find((kv) => kv.key === SCHEMA_METADATA_KEY);
  if (entry?.value === undefined) return undefined;
  try {
    return schemaFromJson(entry.value);
  } catch {
    // A damaged or foreign `chainql.schema` entry: fall back to the Parquet schema.
    return undefined;
  }
}
