/**
 * The expression tree: the union of all node kinds and an exhaustive visitor.
 * Adding a node kind to `ExprNode` makes every `NodeVisitor` implementation fail to compile until it handles it.
 */
import type { AggregateNode } from './aggregate-node.ts';
import type { ArithmeticNode, NegateNode } from './arithmetic-nodes.ts';
import type { ColumnNode, StarNode } from './column-node.ts';
import type { CaseNode, FunctionNode } from './function-nodes.ts';
import type { LiteralNode } from './literal-node.ts';
import type {
  ComparisonNode,
  InNode,
  IsNullNode,
  LogicalNode,
  MatchNode,
  NotNode,
} from './predicate-nodes.ts';
import type { RowNumberNode } from './window-node.ts';

/** Any expression node. */
export type ExprNode =
  | ColumnNode
  | StarNode
  | LiteralNode
  | ComparisonNode
  | LogicalNode
  | NotNode
  | InNode
  | IsNullNode
  | MatchNode
  | ArithmeticNode
  | NegateNode
  | FunctionNode
  | CaseNode
  | AggregateNode
  | RowNumberNode;

/** The literal `kind` of every node. */
export type NodeKind = ExprNode['kind'];

/** The node type for one kind. */
export type NodeOfKind<K extends NodeKind> = Extract<ExprNode, { kind: K }>;

/** One handler per node kind; `C` is a per-call context (e.g. a compiler's parameter list). */
export type NodeVisitor<R, C = void> = { readonly [K in NodeKind]: (node: NodeOfKind<K>, context: C) => R };

/** Dispatches `node` to the handler for its kind. */
export function visitNode<R, C>(visitor: NodeVisitor<R, C>, node: ExprNode, context: C): R {
  const handler = visitor[node.kind] as (n: ExprNode, c: C) => R;
  return handler(node, context);
}

const NODE_KINDS: Readonly<Record<NodeKind, true>> = {
  column: true,
  star: true,
  literal: true,
  comparison: true,
  logical: true,
  not: true,
  in: true,
  isNull: true,
  match: true,
  arithmetic: true,
  negate: true,
  function: true,
  case: true,
  aggregate: true,
  rowNumber: true,
};

/** Every node kind (handy for tests that must cover them all). */
export const NODE_KINDS_LIST: readonly NodeKind[] = Object.freeze(Object.keys(NODE_KINDS) as NodeKind[]);

/** True when `value` looks like an expression node (an object with a known `kind`). */
export function isExprNode(value: unknown): value is ExprNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    Object.hasOwn(NODE_KINDS, (value as { kind: string }).kind)
  );
}

/** The direct children of a node, in evaluation (and parameter) order. */
export function childNodes(node: ExprNode): readonly ExprNode[] {
  switch (node.kind) {
    case 'column':
    case 'star':
    case 'literal':
      return [];
    case 'comparison':
    case 'arithmetic':
      return [node.left, node.right];
    case 'logical':
      return node.operands;
    case 'not':
    case 'negate':
    case 'isNull':
      return [node.operand];
    case 'in':
      return [node.operand, ...node.values];
    case 'match':
      return [node.operand, node.pattern];
    case 'function':
      return node.args;
    case 'case':
      return [...node.whens.flatMap((w) => [w.condition, w.value]), ...(node.else ? [node.else] : [])];
    case 'aggregate':
      return node.separator ? [node.arg, node.separator] : [node.arg];
    case 'rowNumber':
      return [...node.partitionBy, ...node.orderBy.map((o) => o.expr)];
  }
}

/**
 * `node` with every direct child replaced by `map(child)`; the node itself when no child changed. The
 * counterpart of {@link childNodes} for rewrites (e.g. widening integer sums inside arithmetic).
 */
export function mapChildren(node: ExprNode, map: (child: ExprNode) => ExprNode): ExprNode {
  const all = (nodes: readonly ExprNode[]): readonly ExprNode[] => {
    const mapped = nodes.map(map);
    return mapped.every((n, i) => n === nodes[i]) ? nodes : mapped;
  };
  const same = (next: ExprNode): ExprNode => {
    const before = childNodes(node);
    const after = childNodes(next);
    return after.every((n, i) => n === before[i]) ? node : next;
  };
  switch (node.kind) {
    case 'column':
    case 'star':
    case 'literal':
      return node;
    case 'comparison':
    case 'arithmetic':
      return same({ ...node, left: map(node.left), right: map(node.right) });
    case 'logical':
      return same({ ...node, operands: all(node.operands) });
    case 'not':
    case 'negate':
    case 'isNull':
      return same({ ...node, operand: map(node.operand) });
    case 'in':
      return same({ ...node, operand: map(node.operand), values: all(node.values) });
    case 'match':
      return same({ ...node, operand: map(node.operand), pattern: map(node.pattern) });
    case 'function':
      return same({ ...node, args: all(node.args) });
    case 'case':
      return same({
        ...node,
        whens: node.whens.map((w) => ({ condition: map(w.condition), value: map(w.value) })),
        ...(node.else ? { else: map(node.else) } : {}),
      });
    case 'aggregate':
      return same({
        ...node,
        arg: map(node.arg),
        ...(node.separator ? { separator: map(node.separator) } : {}),
      });
    case 'rowNumber':
      return same({
        ...node,
        partitionBy: all(node.partitionBy),
        orderBy: node.orderBy.map((o) => ({ ...o, expr: map(o.expr) })),
      });
  }
}

/** True when the tree contains an aggregate (used to reject aggregates in `where`). */
export function containsAggregate(node: ExprNode): boolean {
  return node.kind === 'aggregate' || childNodes(node).some(containsAggregate);
}
