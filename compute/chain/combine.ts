import { SchemaError } from '../../schema/errors.ts';
import { and, columnNode, type ExprNode, lit } from '../../schema/expr/index.ts';
import type { Selection, SelectQuery } from '../../schema/query/index.ts';
import { pathToColumnName } from '../../schema/record/column.ts';
import { flattenSchema } from '../../schema/record/index.ts';
import { expressionLeafType } from './expr-types.ts';
import { asMember, columnEquals, scopeColumns } from './planner.ts';
import type { Relation } from './relation.ts';
import { mergeSchemas, requirePath } from './schema-ops.ts';
import type { JoinKey } from './steps.ts';

/** Joins two relations on key pairs; right-side fields whose names clash get `rightPrefix`. */
export function joinRelations(
  left: Relation,
  right: Relation,
  on: readonly JoinKey[],
  joinType: 'inner' | 'left' | 'full',
  rightPrefix: string,
): Relation {
  if (on.length === 0) throw new SchemaError('join() needs at least one key.', '');
  checkKeys(left, right, on);
  const { schema, renamed } = mergeSchemas(
    left.schema,
    right.schema,
    rightPrefix,
    joinType !== 'inner',
    joinType === 'full',
  );
  const selections: Selection[] = [
    { expr: systemColumn('sys.id', joinType), alias: 'sys__id' },
    { expr: systemColumn('sys.rand', joinType), alias: 'sys__rand' },
  ];
  for (const column of flattenSchema(left.schema)) {
    selections.push({ expr: columnNode(column.path, 'l'), alias: column.name });
  }
  for (const column of flattenSchema(right.schema)) {
    const [top, ...rest] = column.path.split('.');
    const target = [renamed.get(top!) ?? top!, ...rest].join('.');
    selections.push({ expr: columnNode(column.path, 'r'), alias: pathToColumnName(target) });
  }
  const query: SelectQuery = {
    kind: 'select',
    from: {
      kind: 'join',
      joinType,
      left: { kind: 'subquery', query: left.query, alias: 'l' },
      right: { kind: 'subquery', query: right.query, alias: 'r' },
      on: conjunction(on.map((key) => columnEquals(key.left, 'l', key.right, 'r'))),
    },
    selections,
  };
  return { query, schema, order: undefined, lineage: [...left.lineage, ...right.lineage] };
}

function systemColumn(name: string, joinType: string): ExprNode {
  if (joinType !== 'full') return columnNode(name, 'l');
  return {
    kind: 'function',
    name: 'coalesce',
    args: [columnNode(name, 'l'), columnNode(name, 'r')],
  } as ExprNode;
}

function conjunction(nodes: ExprNode[]): ExprNode {
  return nodes.length === 1 ? nodes[0]! : and(...nodes).node;
}

function checkKeys(left: Relation, right: Relation, on: readonly JoinKey[]): void {
  const leftColumns = scopeColumns(left.schema);
  const rightColumns = scopeColumns(right.schema);
  for (const key of on) {
    requirePath(left.schema, key.left);
    requirePath(right.schema, key.right);
    const a = expressionLeafType(columnNode(key.left), leftColumns).type.kind;
    const b = expressionLeafType(columnNode(key.right), rightColumns).type.kind;
    if (family(a) !== family(b)) {
      throw new SchemaError(
        `join key '${key.left}' (${a}) cannot be matched with '${key.right}' (${b}).`,
        key.left,
      );
    }
  }
}

function family(kind: string): string {
  if (kind === 'int' || kind === 'float' || kind === 'bigint') return 'number';
  if (kind === 'enum') return 'string';
  return kind;
}

/** `UNION ALL` of two relations with the same columns (names and types); columns follow the left side. */
export function unionRelations(left: Relation, right: Relation): Relation {
  const leftColumns = scopeColumns(left.schema);
  const rightColumns = new Map(scopeColumns(right.schema).map((column) => [column.name, column]));
  const problems: string[] = [];
  for (const column of leftColumns) {
    const other = rightColumns.get(column.name);
    if (!other) problems.push(`'${column.path}' is missing on the right`);
    else if (family(other.type.kind) !== family(column.type.kind)) {
      problems.push(
        `'${column.path}' is ${column.type.kind} on the left but ${other.type.kind} on the right`,
      );
    }
    rightColumns.delete(column.name);
  }
  for (const extra of rightColumns.values()) problems.push(`'${extra.path}' exists only on the right`);
  if (problems.length > 0) {
    throw new SchemaError(
      `union() needs chains with the same columns: ${problems.join('; ')}.`,
      problems[0]!,
    );
  }
  const pass = leftColumns.map((column) => ({ expr: columnNode(column.path), alias: column.name }));
  return {
    query: { kind: 'set', op: 'unionAll', left: asMember(left, pass), right: asMember(right, pass) },
    schema: left.schema,
    order: undefined,
    lineage: [...left.lineage, ...right.lineage],
  };
}

/** Rows of `left` with no match in `right` on the key pairs (default: every common leaf column). */
export function subtractRelations(
  left: Relation,
  right: Relation,
  on: readonly JoinKey[] | undefined,
): Relation {
  const keys =
    on ??
    (() => {
      const rightPaths = new Set(flattenSchema(right.schema).map((column) => column.path));
      return flattenSchema(left.schema)
        .filter((column) => rightPaths.has(column.path))
        .map((column) => ({ left: column.path, right: column.path }));
    })();
  if (keys.length === 0) throw new SchemaError('subtract() found no common columns; pass `on`.', '');
  checkKeys(left, right, keys);
  const rightKeys: SelectQuery = {
    kind: 'select',
    from: { kind: 'subquery', query: right.query, alias: 's' },
    selections: [
      ...keys.map((key, i) => ({ expr: columnNode(key.right), alias: `chainql_k${i}` })),
      { expr: lit(1).node, alias: 'chainql_match' },
    ],
    distinct: true,
  };
  const query: SelectQuery = {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'subquery', query: left.query, alias: 'l' },
      right: { kind: 'subquery', query: rightKeys, alias: 'r' },
      on: conjunction(keys.map((key, i) => columnEquals(key.left, 'l', `chainql_k${i}`, 'r'))),
    },
    selections: scopeColumns(left.schema).map((column) => ({
      expr: columnNode(column.path, 'l'),
      alias: column.name,
    })),
    where: { kind: 'isNull', operand: columnNode('chainql_match', 'r'), negated: false } as ExprNode,
  };
  return { query, schema: left.schema, order: undefined, lineage: [...left.lineage, ...right.lineage] };
}
