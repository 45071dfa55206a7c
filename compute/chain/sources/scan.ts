import { columnNode } from '../../../schema/expr/index.ts';
import type { SelectQuery } from '../../../schema/query/index.ts';
import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import { flattenSchema, SYSTEM_COLUMNS } from '../../../schema/record/index.ts';

/** A full scan of a row table: the system columns plus every leaf column of `schema`. */
export function scanTable(table: string, schema: DatasetSchema): SelectQuery {
  const columns = [...SYSTEM_COLUMNS, ...flattenSchema(schema)];
  return {
    kind: 'select',
    from: { kind: 'table', name: table },
    selections: columns.map((column) => ({ expr: columnNode(column.path), alias: column.name })),
  };
}
