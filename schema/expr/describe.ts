/**
 * Renders an expression as builder-style text (`C('det.confidence').gt(0.9)`) so error messages can name
 * the offending expression the way the user wrote it.
 */
import { type ExprNode, type NodeVisitor, visitNode } from './expr-node.ts';
import type { LiteralValue } from './literal-node.ts';

function describeValue(value: LiteralValue): string {
  if (value === null) return 'null';
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  if (typeof value === 'string') return JSON.stringify(value).replace(/^"|"$/g, "'");
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) {
    const items = value.slice(0, 4).map((v) => describeValue(v as LiteralValue));
    return `[${items.join(', ')}${value.length > 4 ? ', …' : ''}]`;
  }
  return String(value);
}

const MATCH_METHOD = {
  like: 'like',
  ilike: 'ilike',
  glob: 'glob',
  regexp: 'regexp',
  iregexp: 'iregexp',
} as const;

const describer: NodeVisitor<string> = {
  column: (n) => (n.table ? `C('${n.path}', { table: '${n.table}' })` : `C('${n.path}')`),
  star: () => '*',
  literal: (n) => describeValue(n.value),
  comparison: (n) => `${describeNode(n.left)}.${n.op}(${describeNode(n.right)})`,
  logical: (n) => `${n.op}(${n.operands.map(describeNode).join(', ')})`,
  not: (n) => `not(${describeNode(n.operand)})`,
  in: (n) =>
    `${describeNode(n.operand)}.${n.negated ? 'notIn' : 'in'}([${n.values.map(describeNode).join(', ')}])`,
  isNull: (n) => `${describeNode(n.operand)}.${n.negated ? 'isNotNull' : 'isNull'}()`,
  match: (n) => {
    const call = `${MATCH_METHOD[n.op]}(${describeNode(n.pattern)})`;
    if (!n.negated) return `${describeNode(n.operand)}.${call}`;
    return n.op === 'like' || n.op === 'ilike'
      ? `${describeNode(n.operand)}.not${call[0]?.toUpperCase()}${call.slice(1)}`
      : `not(${describeNode(n.operand)}.${call})`;
  },
  arithmetic: (n) => `${describeNode(n.left)}.${n.op}(${describeNode(n.right)})`,
  negate: (n) => `${describeNode(n.operand)}.neg()`,
  function: (n) => `func.${n.name}(${n.args.map(describeNode).join(', ')})`,
  case: (n) => {
    const arms = n.whens.map((w) => `[${describeNode(w.condition)}, ${describeNode(w.value)}]`).join(', ');
    return `caseWhen([${arms}]${n.else ? `, ${describeNode(n.else)}` : ''})`;
  },
  rowNumber: (n) =>
    `rowNumber(partitionBy: [${n.partitionBy.map(describeNode).join(', ')}], orderBy: [${n.orderBy
      .map((o) => `${describeNode(o.expr)} ${o.direction}`)
      .join(', ')}])`,
  aggregate: (n) =>
    `agg.${n.fn}(${n.arg.kind === 'star' ? '' : describeNode(n.arg)}${n.separator ? `, ${describeNode(n.separator)}` : ''})`,
};

/** Builder-style text for `node`, e.g. `C('price').mul(2).gt(10)`. Never throws. */
export function describeNode(node: ExprNode): string {
  return visitNode(describer, node, undefined);
}
