import type { ResultColumn } from '../../clients/database/index.ts';
import type { SchemaError } from '../../schema/errors.ts';
import type { DatasetSchema, FieldSpec, FieldType } from '../../schema/record/field-type.ts';
import { COLUMN_SEPARATOR, checkFieldName } from '../../schema/record/index.ts';
import { inferSchema } from '../formats/infer-schema.ts';
import { DatabaseSchemaError } from './database-read-errors.ts';

/** Where one field of the chain's rows comes from: a result column, placed at `path` as a whole value. */
export interface FieldBinding {
  /** Dot path of the field (`det.confidence`, or `meta` for a JSON column holding an object). */
  readonly path: string;
  /** The result column holding its value. */
  readonly column: string;
  /** The column's position in result rows. */
  readonly index: number;
  /** True for a leaf field; false for a nested object read whole from a JSON column. */
  readonly leaf: boolean;
}

/** The chain's row type for a query and where each field comes from. */
export interface ReadLayout {
  readonly schema: DatasetSchema;
  readonly bindings: readonly FieldBinding[];
}

/**
 * Infers the row type of a query result. Column names nest on `__` (`det__confidence` →
 * `det.confidence`), the naming `toDatabase` writes, so a written table reads back nested. Types come
 * from the engine's column types; JSON columns and SQLite columns without a declared type are inferred
 * from `samples` (the first rows). Every field is nullable (result metadata does not say otherwise).
 * @throws DatabaseSchemaError naming the column when its name cannot be a field name (alias it in SQL).
 */
export function inferLayout(
  target: string,
  columns: readonly ResultColumn[],
  samples: readonly (readonly unknown[])[],
): ReadLayout {
  const fields: Record<string, FieldSpec> = {};
  const bindings: FieldBinding[] = [];
  for (const [index, column] of columns.entries()) {
    const segments = column.name.split(COLUMN_SEPARATOR);
    const path = segments.join('.');
    try {
      for (const [i, segment] of segments.entries()) {
        checkFieldName(segment, segments.slice(0, i + 1).join('.'), i === 0);
      }
    } catch (error) {
      throw new DatabaseSchemaError(
        target,
        `result column ${JSON.stringify(column.name)} cannot be a field name (${(error as SchemaError).message}); give it an alias in the query (SELECT … AS some_name)`,
      );
    }
    const type =
      column.type.kind === 'leaf' ? column.type.type : sampledType(target, column.name, index, samples);
    place(target, fields, segments, { type, nullable: true, optional: false }, column.name);
    bindings.push({ path, column: column.name, index, leaf: true });
  }
  return { schema: { format: 1, fields }, bindings };
}

/** The type of one column inferred from its values in the sample (JSON documents, untyped SQLite values). */
function sampledType(
  target: string,
  column: string,
  index: number,
  samples: readonly (readonly unknown[])[],
): FieldType {
  const schema = inferSchema(
    samples.map((row, i) => ({ value: { value: row[index] }, line: i + 1 })),
    { source: 'json', dates: false, file: `${target} column ${JSON.stringify(column)}` },
  );
  return storable(schema.fields.value?.type ?? { kind: 'string' });
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * JSON objects become nested fields when their keys can be field names; otherwise (`"key with space"`,
 * `a__b`) they are records — of the shared value type when all values have one, else JSON text (string).
 */
function storable(type: FieldType): FieldType {
  switch (type.kind) {
    case 'array':
      return { ...type, items: storable(type.items) };
    case 'record':
      return { ...type, values: storable(type.values) };
    case 'object': {
      const entries = Object.entries(type.fields).map(
        ([key, spec]) => [key, { ...spec, type: storable(spec.type) }] as const,
      );
      if (entries.every(([key]) => FIELD_NAME.test(key) && !key.includes(COLUMN_SEPARATOR))) {
        return { kind: 'object', fields: Object.fromEntries(entries) };
      }
      let kinds = new Set(entries.map(([, spec]) => JSON.stringify(spec.type)));
      // Numbers widen as in inference: int + float → float.
      if ([...kinds].every((k) => k === '{"kind":"int"}' || k === '{"kind":"float"}'))
        kinds = new Set(['{"kind":"float"}']);
      if (kinds.size > 1) return { kind: 'string' };
      const values: FieldType =
        kinds.size === 0 ? { kind: 'string' } : (JSON.parse([...kinds][0]!) as FieldType);
      return entries.some(([, spec]) => spec.nullable)
        ? { kind: 'record', values, valuesNullable: true }
        : { kind: 'record', values };
    }
    default:
      return type;
  }
}

function place(
  target: string,
  fields: Record<string, FieldSpec>,
  segments: readonly string[],
  spec: FieldSpec,
  column: string,
): void {
  let level = fields;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i]!;
    // Own keys only: a column named `constructor` or `toString` is a field like any other.
    const existing = Object.hasOwn(level, key) ? level[key] : undefined;
    if (existing === undefined) {
      const nested: Record<string, FieldSpec> = {};
      level[key] = { type: { kind: 'object', fields: nested }, nullable: false, optional: false };
      level = nested;
    } else if (existing.type.kind === 'object') {
      level = existing.type.fields as Record<string, FieldSpec>;
    } else {
      throw new DatabaseSchemaError(
        target,
        `result column ${JSON.stringify(column)} nests under ${JSON.stringify(segments.slice(0, i + 1).join(COLUMN_SEPARATOR))}, which is a column of its own; alias one of them`,
      );
    }
  }
  const last = segments[segments.length - 1]!;
  if (Object.hasOwn(level, last)) {
    throw new DatabaseSchemaError(
      target,
      `result column ${JSON.stringify(column)} clashes with another column of the same path; alias one of them`,
    );
  }
  level[last] = spec;
}

/**
 * Binds a given schema to the query's columns: each field reads the column named like its flattened
 * name (`det.confidence` ← `det__confidence`; exact match first, then a unique case-insensitive one,
 * since PostgreSQL folds unquoted names to lower case). A nested object may also come whole from one
 * JSON column named like the object. Columns the schema does not name are ignored.
 * @throws DatabaseSchemaError naming the field and the available columns when a required field has no column.
 */
export function bindLayout(
  target: string,
  columns: readonly ResultColumn[],
  schema: DatasetSchema,
): ReadLayout {
  const exact = new Map(columns.map((column, index) => [column.name, index]));
  const folded = new Map<string, number | null>();
  for (const [index, column] of columns.entries()) {
    const key = column.name.toLowerCase();
    folded.set(key, folded.has(key) ? null : index);
  }
  const find = (name: string): number | undefined =>
    exact.get(name) ?? folded.get(name.toLowerCase()) ?? undefined;
  const bindings: FieldBinding[] = [];
  const walk = (fields: Readonly<Record<string, FieldSpec>>, prefix: string[]) => {
    for (const [key, spec] of Object.entries(fields)) {
      const segments = [...prefix, key];
      const index = find(segments.join(COLUMN_SEPARATOR));
      if (index !== undefined) {
        const column = columns[index]!.name;
        bindings.push({ path: segments.join('.'), column, index, leaf: spec.type.kind !== 'object' });
        continue;
      }
      if (spec.type.kind === 'object') {
        walk(spec.type.fields, segments);
        continue;
      }
      if (spec.optional) continue;
      throw new DatabaseSchemaError(
        target,
        `the query returns no column ${JSON.stringify(segments.join(COLUMN_SEPARATOR))} for field '${segments.join('.')}' (columns: ${columns.map((c) => c.name).join(', ')})`,
      );
    }
  };
  walk(schema.fields, []);
  return { schema, bindings };
}
