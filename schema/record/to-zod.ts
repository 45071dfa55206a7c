import { z } from 'zod';
import type { DatasetSchema, FieldSpec, FieldType } from './field-type.ts';
import { CHAINQL_META_KEY, vector } from './vector.ts';

/**
 * Rebuilds a validating zod object from a stored schema, so rows can be validated and served
 * without the code that produced them. `fromZod(toZod(s))` deep-equals `s` for every schema that
 * `fromZod` produces. Refinements and default values are not stored, so they are not rebuilt;
 * optional fields are `.optional()`, nullable ones `.nullable()`, descriptions `.describe()`d.
 */
export function toZod(schema: DatasetSchema): z.ZodObject {
  const object = objectSchema(schema.fields);
  return schema.description === undefined ? object : object.describe(schema.description);
}

function objectSchema(fields: Readonly<Record<string, FieldSpec>>): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(fields)) shape[name] = fieldSchema(spec);
  return z.object(shape);
}

function fieldSchema(spec: FieldSpec): z.ZodType {
  let schema = typeSchema(spec.type);
  if (spec.nullable) schema = schema.nullable();
  if (spec.optional) schema = schema.optional();
  return spec.description === undefined ? schema : schema.describe(spec.description);
}

function typeSchema(type: FieldType): z.ZodType {
  switch (type.kind) {
    case 'string':
      return z.string();
    case 'float':
      return z.number();
    case 'int':
      return z.int();
    case 'boolean':
      return z.boolean();
    case 'bigint':
      return z.bigint();
    case 'datetime':
      return z.date();
    case 'enum':
      return z.enum(type.values as [string, ...string[]]);
    case 'literal':
      return z.literal(type.value);
    case 'vector':
      return vector(type.dimensions);
    case 'array': {
      const items = typeSchema(type.items);
      return z.array(type.itemsNullable ? items.nullable() : items);
    }
    case 'record': {
      const values = typeSchema(type.values);
      return z.record(z.string(), type.valuesNullable ? values.nullable() : values);
    }
    case 'object': {
      const object = objectSchema(type.fields);
      return type.tag === undefined ? object : object.meta({ [CHAINQL_META_KEY]: { tag: type.tag } });
    }
  }
}
