import { SchemaError, UnknownColumnError } from '../../schema/errors.ts';
import type { DatasetSchema, FieldSpec, LeafType } from '../../schema/record/field-type.ts';
import { nullable } from '../../schema/record/nullable-spec.ts';
import { suggestPaths } from '../../schema/record/suggest-paths.ts';

export { nullable };

/**
 * Pure operations on dataset schemas used by the chain planner to compute each step's output type
 * before any SQL runs. Paths are dot paths (`det.confidence`); a path may name a leaf or a nested object.
 */

type Fields = Readonly<Record<string, FieldSpec>>;

/** Every dot path in a schema, objects and leaves, in declaration order (used for suggestions). */
export function allPaths(schema: DatasetSchema): string[] {
  const out: string[] = [];
  const walk = (fields: Fields, prefix: string): void => {
    for (const [name, spec] of Object.entries(fields)) {
      const path = prefix ? `${prefix}.${name}` : name;
      out.push(path);
      if (spec.type.kind === 'object') walk(spec.type.fields, path);
    }
  };
  walk(schema.fields, '');
  return out;
}

/** The field spec at a dot path, or undefined. */
export function fieldAt(schema: DatasetSchema, path: string): FieldSpec | undefined {
  let fields: Fields | undefined = schema.fields;
  let spec: FieldSpec | undefined;
  for (const part of path.split('.')) {
    spec = fields?.[part];
    if (!spec) return undefined;
    fields = spec.type.kind === 'object' ? spec.type.fields : undefined;
  }
  return spec;
}

/** Throws `UnknownColumnError` (with the closest paths) when `path` is not in the schema. */
export function requirePath(schema: DatasetSchema, path: string): FieldSpec {
  const spec = fieldAt(schema, path);
  if (!spec) throw new UnknownColumnError(path, suggestPaths(path, allPaths(schema)));
  return spec;
}

/** Keeps only the given paths (leaves or whole objects), preserving nesting and the order given. */
export function pickPaths(schema: DatasetSchema, paths: readonly string[]): DatasetSchema {
  let fields: Record<string, FieldSpec> = {};
  for (const path of paths) {
    const spec = requirePath(schema, path);
    fields = setPath(fields, path.split('.'), spec, schema);
  }
  return { ...schema, fields };
}

/** Removes the given paths; removing the last leaf of an object removes the object. */
export function omitPaths(schema: DatasetSchema, paths: readonly string[]): DatasetSchema {
  for (const path of paths) requirePath(schema, path);
  const drop = new Set(paths);
  const walk = (fields: Fields, prefix: string): Record<string, FieldSpec> => {
    const out: Record<string, FieldSpec> = {};
    for (const [name, spec] of Object.entries(fields)) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (drop.has(path)) continue;
      if (spec.type.kind === 'object') {
        const inner = walk(spec.type.fields, path);
        if (Object.keys(inner).length > 0) out[name] = { ...spec, type: { ...spec.type, fields: inner } };
      } else {
        out[name] = spec;
      }
    }
    return out;
  };
  const fields = walk(schema.fields, '');
  if (Object.keys(fields).length === 0)
    throw new SchemaError('A chain cannot remove every column.', paths.join(', '));
  return { ...schema, fields };
}

/** Adds (or replaces) a field at a dot path, creating intermediate objects as needed. */
export function withField(schema: DatasetSchema, path: string, spec: FieldSpec): DatasetSchema {
  return { ...schema, fields: setPath({ ...schema.fields }, path.split('.'), spec, schema) };
}

/** Merges two schemas' top-level fields; `right` fields whose names clash get `prefix`. */
export function mergeSchemas(
  left: DatasetSchema,
  right: DatasetSchema,
  prefix: string,
  rightNullable: boolean,
  leftNullable: boolean,
): { schema: DatasetSchema; renamed: Map<string, string> } {
  const fields: Record<string, FieldSpec> = {};
  for (const [name, spec] of Object.entries(left.fields)) fields[name] = leftNullable ? nullable(spec) : spec;
  const renamed = new Map<string, string>();
  for (const [name, spec] of Object.entries(right.fields)) {
    let target = name;
    if (target in fields) {
      target = `${prefix}${name}`;
      if (target in fields) {
        throw new SchemaError(
          `Join output has two fields named '${target}'; choose another rightPrefix.`,
          target,
        );
      }
    }
    renamed.set(name, target);
    fields[target] = rightNullable ? nullable(spec) : spec;
  }
  return { schema: { format: 1, fields }, renamed };
}

/** A leaf field spec. */
export function leafSpec(type: LeafType, isNullable: boolean): FieldSpec {
  return { type, nullable: isNullable, optional: false };
}

function setPath(
  fields: Record<string, FieldSpec>,
  parts: readonly string[],
  spec: FieldSpec,
  source: DatasetSchema,
): Record<string, FieldSpec> {
  const [head, ...rest] = parts;
  if (head === undefined) return fields;
  if (rest.length === 0) {
    fields[head] = spec;
    return fields;
  }
  const existing = fields[head];
  const inner: Record<string, FieldSpec> =
    existing?.type.kind === 'object' ? { ...existing.type.fields } : ({} as Record<string, FieldSpec>);
  const base: FieldSpec = existing?.type.kind === 'object' ? existing : (fieldAt(source, head) ?? leafLess());
  fields[head] = { ...base, type: { kind: 'object', fields: setPath(inner, rest, spec, source) } };
  return fields;
}

function leafLess(): FieldSpec {
  return { type: { kind: 'object', fields: {} }, nullable: false, optional: false };
}
