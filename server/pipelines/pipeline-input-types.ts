import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  type GraphQLScalarType,
  GraphQLString,
} from 'graphql';
import { z } from 'zod';
import type { Pipeline } from '../../compute/pipelines/index.ts';
import { JsonScalar } from '../graphql/scalars.ts';

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  default?: unknown;
  description?: string;
}

/**
 * The GraphQL input type of a pipeline's zod input, named `<pipeline>_input` (nested objects
 * `<pipeline>_input_<field>`): integer → Int, number → Float, string (and string enums) → String,
 * boolean → Boolean, arrays → lists, objects → input objects, anything else → JSON. Fields the zod schema
 * requires (without a default) are non-null. zod still validates every launch, so refinements
 * (min/max, enums, formats) are reported as BAD_USER_INPUT naming the field.
 * @param json the `JSON` scalar of the schema the type goes into (default the one in `scalars.ts`).
 */
export function pipelineInputType(
  pipeline: Pipeline,
  json: GraphQLScalarType = JsonScalar,
): GraphQLInputType {
  const schema = z.toJSONSchema(pipeline.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const type = convert(schema, `${pipeline.name}_input`, json);
  return type instanceof GraphQLInputObjectType ? type : json;
}

function convert(schema: JsonSchema, name: string, json: GraphQLScalarType): GraphQLInputType {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'integer':
      return GraphQLInt;
    case 'number':
      return GraphQLFloat;
    case 'string':
      return GraphQLString;
    case 'boolean':
      return GraphQLBoolean;
    case 'array':
      return new GraphQLList(schema.items ? convert(schema.items, `${name}_item`, json) : json);
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length === 0) return json;
      const required = new Set(schema.required ?? []);
      return new GraphQLInputObjectType({
        name,
        ...(schema.description ? { description: schema.description } : {}),
        fields: () =>
          Object.fromEntries(
            properties.map(([field, spec]) => {
              const inner = convert(spec, `${name}_${field}`, json);
              const nonNull = required.has(field) && spec.default === undefined;
              return [
                field,
                {
                  type: nonNull ? new GraphQLNonNull(inner) : inner,
                  ...(spec.description ? { description: spec.description } : {}),
                },
              ];
            }),
          ),
      });
    }
    default:
      return json;
  }
}
