import { SchemaError } from '../errors.ts';
import { COLUMN_SEPARATOR, type Column, type SegmentNullability } from './column.ts';
import type { DatasetSchema, FieldSpec, FieldType } from './field-type.ts';
import { RESERVED_NAMES } from './system-columns.ts';

/** Field names become SQL column and GraphQL field names, so they must be plain identifiers. */
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * One {@link Column} per leaf of the row type, in field order: nested object fields are expanded
 * depth-first, their paths joined with `.` and their column names with `__`
 * (`det.box.w` → `det__box__w`). A column is `nullable` when its leaf or any enclosing object is
 * nullable or optional; `segments` records each level's own flags for row decoders.
 * System columns are not included (see `SYSTEM_COLUMNS`).
 * @throws SchemaError (with the offending `path`) when the schema or a nested object has no fields,
 *   a field name is not an identifier, contains `__`, is the reserved top-level name `sys`, or two
 *   fields map to the same column name (SQL column names compare case-insensitively).
 */
export function flattenSchema(schema: DatasetSchema): Column[] {
  const columns: Column[] = [];
  const byName = new Map<string, string>();
  if (Object.keys(schema.fields).length === 0) {
    throw new SchemaError('A dataset schema needs at least one field', '');
  }
  const walk = (
    fields: Readonly<Record<string, FieldSpec>>,
    prefix: string,
    parents: SegmentNullability[],
  ) => {
    for (const [name, spec] of Object.entries(fields)) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      checkFieldName(name, path, prefix === '');
      const segments = [...parents, { nullable: spec.nullable, optional: spec.optional }];
      if (spec.type.kind === 'object') {
        if (Object.keys(spec.type.fields).length === 0) {
          throw new SchemaError(`Object field '${path}' has no fields`, path);
        }
        walk(spec.type.fields, path, segments);
        continue;
      }
      checkNestedNames(spec.type, path);
      const columnName = path.split('.').join(COLUMN_SEPARATOR);
      const clash = byName.get(columnName.toLowerCase());
      if (clash !== undefined) {
        throw new SchemaError(
          `Field '${path}' collides with field '${clash}': both are stored as column '${columnName}' (column names are case-insensitive)`,
          path,
        );
      }
      byName.set(columnName.toLowerCase(), path);
      columns.push({
        path,
        name: columnName,
        type: spec.type,
        nullable: segments.some((s) => s.nullable || s.optional),
        segments,
        ...(spec.description === undefined ? {} : { description: spec.description }),
      });
    }
  };
  walk(schema.fields, '', []);
  return columns;
}

/**
 * Checks one field name.
 * @param topLevel whether the field sits directly in the row (where `sys` is reserved).
 * @throws SchemaError naming `path` when the name is not an identifier, contains `__` or is reserved.
 */
export function checkFieldName(name: string, path: string, topLevel: boolean): void {
  if (!NAME_PATTERN.test(name)) {
    throw new SchemaError(
      `Invalid field name '${name}' at '${path}': names must match [A-Za-z_][A-Za-z0-9_]* because they become SQL column and GraphQL field names`,
      path,
    );
  }
  if (name.includes(COLUMN_SEPARATOR)) {
    throw new SchemaError(
      `Invalid field name '${name}' at '${path}': '__' is reserved as the separator of nested fields in column names`,
      path,
    );
  }
  if (topLevel && RESERVED_NAMES.includes(name.toLowerCase())) {
    throw new SchemaError(
      `Field name '${name}' is reserved for the system columns sys.id and sys.rand; rename the field`,
      path,
    );
  }
}

/** Objects inside arrays/records are stored as JSON but still surface as GraphQL types: check them too. */
function checkNestedNames(type: FieldType, path: string): void {
  if (type.kind === 'array') checkNestedNames(type.items, `${path}[]`);
  else if (type.kind === 'record') checkNestedNames(type.values, `${path}{}`);
  else if (type.kind === 'object') {
    const entries = Object.entries(type.fields);
    if (entries.length === 0) throw new SchemaError(`Object at '${path}' has no fields`, path);
    for (const [name, spec] of entries) {
      const child = `${path}.${name}`;
      checkFieldName(name, child, false);
      checkNestedNames(spec.type, child);
    }
  }
}
