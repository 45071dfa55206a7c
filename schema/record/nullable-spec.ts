import type { FieldSpec, FieldType } from './field-type.ts';

/** A copy of a field spec (and, for objects, every nested field) that accepts NULL. */
export function nullable(spec: FieldSpec): FieldSpec {
  return { ...spec, nullable: true, type: nullableType(spec.type) };
}

function nullableType(type: FieldType): FieldType {
  if (type.kind !== 'object') return type;
  const fields: Record<string, FieldSpec> = {};
  for (const [name, spec] of Object.entries(type.fields)) fields[name] = nullable(spec);
  return { ...type, fields };
}
