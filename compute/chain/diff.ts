import { SchemaError } from '../../schema/errors.ts';
import {
  arithmeticNode,
  caseNode,
  columnNode,
  comparisonNode,
  type ExprNode,
  isNullNode,
  literalNode,
  logicalNode,
} from '../../schema/expr/index.ts';
import type { Selection, SelectQuery } from '../../schema/query/index.ts';
import type { Column } from '../../schema/record/index.ts';
import { flattenSchema } from '../../schema/record/index.ts';
import { asMember, leavesOf } from './planner.ts';
import type { Relation } from './relation.ts';
import { withField } from './schema-ops.ts';

/** The statuses of a diff row. */
export type DiffStatus = 'added' | 'deleted' | 'modified' | 'same';

/** Options of `chain.diff(other, options)`. */
export interface DiffOptions {
  /** Fields identifying a row on both sides (dot paths), e.g. `'file.path'` or `['id']`. Required. */
  readonly on: string | readonly string[];
  /**
   * Fields whose difference makes a matched row `modified` (compared NULL-safely). Default: every leaf
   * field both sides have, except the `on` fields.
   */
  readonly compare?: string | readonly string[];
  /** Name of the added status field. Default `diff`. */
  readonly status?: string;
}

/** A diff step as stored in a plan (hashed like any step). */
export interface DiffSpec {
  readonly on: readonly string[];
  readonly compare: readonly string[] | undefined;
  readonly status: string;
}

function list(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

/** Normalises `DiffOptions` (on and compare as lists, the status name defaulted). */
export function diffSpec(options: DiffOptions): DiffSpec {
  return {
    on: list(options.on),
    compare: options.compare === undefined ? undefined : list(options.compare),
    status: options.status ?? 'diff',
  };
}

function all(nodes: readonly ExprNode[]): ExprNode {
  if (nodes.length === 0) return literalNode(true);
  return nodes.length === 1 ? nodes[0]! : logicalNode('and', nodes);
}

function sameValue(column: Column): ExprNode {
  const a = columnNode(column.path, 'n');
  const b = columnNode(column.path, 'o');
  return logicalNode('or', [comparisonNode('eq', a, b), logicalNode('and', [isNullNode(a), isNullNode(b)])]);
}

/**
 * `left.diff(right)`: every row of `left` with status `added` (no row of `right` has its `on` key),
 * `modified` (the matched row differs in a compare field) or `same`, plus every row of `right` whose key
 * is not in `left` with status `deleted` (values from `right`). One `UNION ALL` of two outer joins, run in
 * the warehouse. The result has `left`'s schema plus a `status` string field; `sys.id` is `2·id` for left
 * rows and `2·id + 1` for deleted rows, so it stays unique and follows both sides' order. Keys should be
 * unique on each side (a duplicated key on the other side repeats the row, as a join does).
 *
 * @throws SchemaError when a key or compare field is missing on a side, a leaf of `left` is missing in
 *   `right` (deleted rows could not be written), or the status name is already a field.
 */
export function diffRelations(left: Relation, right: Relation, spec: DiffSpec): Relation {
  if (spec.on.length === 0) throw new SchemaError('diff() needs at least one `on` field.', '');
  if (left.schema.fields[spec.status] !== undefined) {
    throw new SchemaError(
      `diff() would add the status field '${spec.status}', but the chain already has it; pass { status: '…' }.`,
      spec.status,
    );
  }
  const on = leavesOf(left.schema, spec.on);
  leavesOf(right.schema, spec.on);
  const rightLeaves = new Map(flattenSchema(right.schema).map((column) => [column.name, column]));
  const leftLeaves = flattenSchema(left.schema);
  for (const column of leftLeaves) {
    const other = rightLeaves.get(column.name);
    if (!other || other.type.kind !== column.type.kind) {
      throw new SchemaError(
        `diff() needs '${column.path}' (${column.type.kind}) on both sides; the other chain ${other ? `has it as ${other.type.kind}` : 'lacks it'}.`,
        column.path,
      );
    }
  }
  const onNames = new Set(on.map((column) => column.name));
  const compare =
    spec.compare === undefined
      ? leftLeaves.filter((column) => !onNames.has(column.name))
      : leavesOf(left.schema, spec.compare);
  if (spec.compare !== undefined) leavesOf(right.schema, spec.compare);

  const keyMatch = all(
    on.map((column) => comparisonNode('eq', columnNode(column.path, 'n'), columnNode(column.path, 'o'))),
  );
  const id = (alias: string, odd: boolean): ExprNode => {
    const doubled = arithmeticNode('mul', columnNode('sys.id', alias), literalNode(2));
    return odd ? arithmeticNode('add', doubled, literalNode(1)) : doubled;
  };
  const rows = (alias: string, status: ExprNode, odd: boolean): Selection[] => [
    { expr: id(alias, odd), alias: 'sys__id' },
    { expr: columnNode('sys.rand', alias), alias: 'sys__rand' },
    ...leftLeaves.map((column) => ({ expr: columnNode(column.path, alias), alias: column.name })),
    { expr: status, alias: spec.status },
  ];
  const firstKey = columnNode(on[0]!.path, 'o');
  const leftSide: SelectQuery = {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'subquery', query: left.query, alias: 'n' },
      right: { kind: 'subquery', query: right.query, alias: 'o' },
      on: keyMatch,
    },
    selections: rows(
      'n',
      caseNode(
        [
          { condition: isNullNode(firstKey), value: literalNode('added') },
          { condition: all(compare.map(sameValue)), value: literalNode('same') },
        ],
        literalNode('modified'),
      ),
      false,
    ),
  };
  const deleted: SelectQuery = {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'subquery', query: right.query, alias: 'o' },
      right: { kind: 'subquery', query: left.query, alias: 'n' },
      on: keyMatch,
    },
    selections: rows('o', literalNode('deleted'), true),
    where: isNullNode(columnNode(on[0]!.path, 'n')),
  };
  const schema = withField(left.schema, spec.status, {
    type: { kind: 'enum', values: ['added', 'deleted', 'modified', 'same'] },
    nullable: false,
    optional: false,
    description: 'How the row differs from the other chain: added, deleted, modified or same.',
  } as Parameters<typeof withField>[2]);
  const pass = [...flattenSchema(schema)].map((column) => ({
    expr: columnNode(column.path),
    alias: column.name,
  }));
  const system = [
    { expr: columnNode('sys.id'), alias: 'sys__id' },
    { expr: columnNode('sys.rand'), alias: 'sys__rand' },
  ];
  const member = (query: SelectQuery) =>
    asMember({ query, schema, order: undefined, lineage: [] }, [...system, ...pass]);
  return {
    query: { kind: 'set', op: 'unionAll', left: member(leftSide), right: member(deleted) },
    schema,
    order: undefined,
    lineage: [...left.lineage, ...right.lineage],
  };
}
