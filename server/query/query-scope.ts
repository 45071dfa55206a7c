import { type ColumnNode, columnNode } from '../../schema/expr/column-node.ts';
import type { ExprNode } from '../../schema/expr/expr-node.ts';
import { literalNode } from '../../schema/expr/literal-node.ts';
import type { TableSource } from '../../schema/query/query-node.ts';
import { pathToColumnName } from '../../schema/record/column.ts';
import type { FieldSpec } from '../../schema/record/field-type.ts';
import type { DatasetModel, LeafModel } from '../model/dataset-model.ts';
import type { ServedVersion } from '../registry-view.ts';
import { ServedVersionNotFoundError } from '../server-errors.ts';

/** The table one GraphQL root field reads: a dataset version, and how each leaf of the served type reads. */
export interface QueryScope {
  readonly ds: DatasetModel;
  readonly version: ServedVersion;
  /** The version's table as a query source. */
  readonly table: TableSource;
  /**
   * The expression reading a leaf: its column, or NULL when this version's schema lacks it (older versions
   * are served through the newest version's types).
   */
  readonly col: (leaf: LeafModel) => ExprNode;
}

/** The row id column every stored row has (`sys__id`, see schema/record/system-columns.ts). */
export const ID_COLUMN: ColumnNode = columnNode('sys.id');

const NULL = literalNode(null);

/**
 * Resolves the `version:` argument (default: newest) to a scope.
 * @throws ServedVersionNotFoundError when the dataset has no such version.
 */
export function scopeFor(ds: DatasetModel, version: string | null | undefined): QueryScope {
  const v =
    version === null || version === undefined ? ds.latest : ds.versions.find((x) => x.version === version);
  if (v === undefined) throw new ServedVersionNotFoundError(ds.name, String(version));
  const present = v === ds.latest ? undefined : columnsOf(v.schema.fields, '');
  const columns = new Map<LeafModel, ExprNode>();
  return {
    ds,
    version: v,
    table: Object.freeze({ kind: 'table', name: v.table }),
    col: (leaf) => {
      let node = columns.get(leaf);
      if (node === undefined) {
        node = present === undefined || present.has(leaf.column) ? columnNode(leaf.path) : NULL;
        columns.set(leaf, node);
      }
      return node;
    },
  };
}

function columnsOf(
  fields: Readonly<Record<string, FieldSpec>>,
  prefix: string,
  out = new Set<string>(),
): Set<string> {
  for (const [name, spec] of Object.entries(fields)) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (spec.type.kind === 'object') columnsOf(spec.type.fields, path, out);
    else out.add(pathToColumnName(path));
  }
  return out;
}
