import { z } from 'zod';
import { SchemaError } from '../errors.ts';
import type { DatasetSchema, FieldSpec, FieldType } from './field-type.ts';
import { flattenSchema } from './flatten.ts';

/** zod description of one stored field type (the JSON document format, version 1). */
const fieldTypeJson: z.ZodType<FieldType> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('string') }),
    z.object({ kind: z.literal('float') }),
    z.object({ kind: z.literal('int') }),
    z.object({ kind: z.literal('boolean') }),
    z.object({ kind: z.literal('bigint') }),
    z.object({ kind: z.literal('datetime') }),
    z.object({ kind: z.literal('enum'), values: z.array(z.string()).min(1) }),
    z.object({ kind: z.literal('literal'), value: z.union([z.string(), z.number(), z.boolean()]) }),
    z.object({ kind: z.literal('vector'), dimensions: z.int().positive().optional() }),
    z.object({ kind: z.literal('array'), items: fieldTypeJson, itemsNullable: z.boolean().optional() }),
    z.object({ kind: z.literal('record'), values: fieldTypeJson, valuesNullable: z.boolean().optional() }),
    z.object({
      kind: z.literal('object'),
      fields: z.record(z.string(), fieldSpecJson),
      tag: z.string().optional(),
    }),
  ]),
);

/** zod description of one stored field. */
const fieldSpecJson: z.ZodType<FieldSpec> = z.lazy(() =>
  z.object({
    type: fieldTypeJson,
    nullable: z.boolean(),
    optional: z.boolean(),
    description: z.string().optional(),
  }),
);

/** zod description of a stored dataset schema document. */
export const datasetSchemaJson: z.ZodType<DatasetSchema> = z.object({
  format: z.literal(1),
  fields: z.record(z.string(), fieldSpecJson),
  description: z.string().optional(),
});

/** Serialises a dataset schema to JSON text (field order preserved). */
export function schemaToJson(schema: DatasetSchema): string {
  return JSON.stringify(schema);
}

/**
 * Parses and validates a stored schema document.
 * @throws SchemaError when the text is not JSON, does not match the document format (the error's
 *   `path` names the offending JSON location, e.g. `fields.det.type.kind`), or breaks the field
 *   name rules of `flattenSchema`.
 */
export function schemaFromJson(text: string): DatasetSchema {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new SchemaError(`Schema JSON is not valid JSON: ${(cause as Error).message}`, '', { cause });
  }
  const parsed = datasetSchemaJson.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    throw new SchemaError(
      `Malformed schema JSON at '${path || '(root)'}': ${issue?.message ?? 'invalid'}`,
      path,
      {
        cause: parsed.error,
      },
    );
  }
  flattenSchema(parsed.data);
  return parsed.data;
}
