import { columnNode, type ExprNode } from '../expr/index.ts';
import type { Column } from '../record/column.ts';
import type { DatasetSchema } from '../record/field-type.ts';
import { flattenSchema } from '../record/flatten.ts';
import { SYSTEM_COLUMNS } from '../record/system-columns.ts';
import type { Selection } from './query-node.ts';

/** Columns an expression over `schema` may reference: system columns plus every leaf. */
export function scopeColumns(schema: DatasetSchema): Column[] {
  return [...SYSTEM_COLUMNS, ...flattenSchema(schema)];
}

/** Selections that pass every column of `schema` through unchanged (optionally table-qualified). */
export function passThrough(schema: DatasetSchema, table?: string): Selection[] {
  return scopeColumns(schema).map((column) => ({ expr: columnNode(column.path, table), alias: column.name }));
}

/** `left.<a> = right.<b>` on two qualified columns. */
export function columnEquals(
  leftPath: string,
  leftTable: string,
  rightPath: string,
  rightTable: string,
): ExprNode {
  return {
    kind: 'comparison',
    op: 'eq',
    left: columnNode(leftPath, leftTable),
    right: columnNode(rightPath, rightTable),
  } as ExprNode;
}
