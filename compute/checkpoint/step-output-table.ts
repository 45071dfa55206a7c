import { z } from 'zod';
import type { ColumnDefinition, WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { InvalidArgumentError } from '../../schema/errors.ts';
import type { DatasetSchema, FieldSpec } from '../../schema/record/field-type.ts';
import { flattenSchema, fromZod, SYSTEM_COLUMNS, sqlType } from '../../schema/record/index.ts';
import { nullable } from '../../schema/record/nullable-spec.ts';
import type { UdfStep } from '../udf/index.ts';

/** Name of the typed error field added by steps with `onError: 'store'`. */
export const ERROR_FIELD = 'udf_error';

/** Outputs of one input row get ids `inputId · 2^20 + index`: deterministic and in input order. */
export const OUTPUTS_PER_INPUT = 2 ** 20;

/** The typed error field of `onError: 'store'` steps. */
export const ERROR_SPEC: FieldSpec = {
  nullable: true,
  optional: false,
  description: 'Error of the UDF on this row (onError: "store"); null when the row succeeded.',
  type: {
    kind: 'object',
    fields: {
      name: { type: { kind: 'string' }, nullable: false, optional: false },
      message: { type: { kind: 'string' }, nullable: false, optional: false },
      code: { type: { kind: 'string' }, nullable: true, optional: true },
      stack: { type: { kind: 'string' }, nullable: true, optional: true },
      attempts: { type: { kind: 'int' }, nullable: false, optional: false },
    },
  },
};

/**
 * What a step produces per output row: its declared fields (all nullable when `allNullable`) plus the
 * error field with `onError: 'store'`.
 * @throws InvalidArgumentError when a storing step declares a field named like the error field.
 */
export function producedSchema(step: UdfStep, allNullable: boolean): DatasetSchema {
  const store = step.options.onError === 'store';
  const declared = fromZod(z.object(step.outputShape));
  const fields: Record<string, FieldSpec> = {};
  for (const [name, spec] of Object.entries(declared.fields))
    fields[name] = allNullable ? nullable(spec) : spec;
  if (store) {
    if (ERROR_FIELD in fields) {
      throw new InvalidArgumentError(
        `A UDF with onError: 'store' cannot output a field named '${ERROR_FIELD}'.`,
      );
    }
    fields[ERROR_FIELD] = ERROR_SPEC;
  }
  return { ...declared, fields };
}

/** A non-null integer id column. */
export function idColumn(name: string) {
  return { path: name, name, type: { kind: 'int' as const }, nullable: false };
}

/** Output table columns of a step (system columns, outputs, the error field when stored, `chainql_input`). */
export function outputColumns(step: UdfStep, warehouse: WarehouseDriver): ColumnDefinition[] {
  const columns = [...SYSTEM_COLUMNS, ...flattenSchema(producedSchema(step, true))].map((column) => ({
    name: column.name,
    sqlType: sqlType(column, warehouse.dialect),
    nullable: column.nullable,
  }));
  return [
    ...columns,
    {
      name: 'chainql_input',
      sqlType: sqlType(idColumn('chainql_input'), warehouse.dialect),
      nullable: false,
    },
  ];
}
