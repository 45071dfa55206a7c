import { describe, expect, it } from 'vitest';
import {
  agg,
  C,
  childNodes,
  containsAggregate,
  type ExprNode,
  func,
  isExprNode,
  mapChildren,
  NODE_KINDS_LIST,
  type NodeVisitor,
  visitNode,
} from '../../../schema/expr/index.ts';

describe('expression nodes', () => {
  it('a visitor must handle every node kind (checked by tsc)', () => {
    // @ts-expect-error — a visitor missing kinds does not compile
    const partial: NodeVisitor<string> = { column: (n) => n.path };
    expect(partial.column({ kind: 'column', path: 'a' }, undefined)).toBe('a');

    const all = Object.fromEntries(
      NODE_KINDS_LIST.map((k) => [k, () => k]),
    ) as unknown as NodeVisitor<string>;
    expect(visitNode(all, C('x').gt(1).node, undefined)).toBe('comparison');
    expect(visitNode(all, agg.count().node, undefined)).toBe('aggregate');
  });

  it('childNodes lists operands in SQL order, containsAggregate finds nested aggregates', () => {
    const e = func.coalesce(C('a'), C('b').add(1));
    expect(childNodes(e.node).map((n) => n.kind)).toEqual(['column', 'arithmetic']);
    expect(containsAggregate(e.node)).toBe(false);
    expect(containsAggregate(agg.sum('a').gt(C('b')).node)).toBe(true);
  });

  it('mapChildren rewrites the direct children of every node kind and keeps an unchanged node', () => {
    const col = (path: string): ExprNode => ({ kind: 'column', path });
    const one: Record<ExprNode['kind'], ExprNode> = {
      column: col('a'),
      star: { kind: 'star' },
      literal: { kind: 'literal', value: 1 },
      comparison: { kind: 'comparison', op: 'gt', left: col('a'), right: col('b') },
      logical: { kind: 'logical', op: 'and', operands: [col('a'), col('b')] },
      not: { kind: 'not', operand: col('a') },
      in: { kind: 'in', operand: col('a'), values: [col('b'), col('c')], negated: false },
      isNull: { kind: 'isNull', operand: col('a'), negated: true },
      match: { kind: 'match', op: 'like', operand: col('a'), pattern: col('b'), negated: false },
      arithmetic: { kind: 'arithmetic', op: 'add', left: col('a'), right: col('b') },
      negate: { kind: 'negate', operand: col('a') },
      function: { kind: 'function', name: 'coalesce', args: [col('a'), col('b')] },
      case: { kind: 'case', whens: [{ condition: col('a'), value: col('b') }], else: col('c') },
      aggregate: { kind: 'aggregate', fn: 'concat', arg: col('a'), separator: col('b') },
      rowNumber: {
        kind: 'rowNumber',
        partitionBy: [col('a')],
        orderBy: [{ expr: col('b'), direction: 'asc', nulls: 'last' }],
      },
    } as Record<ExprNode['kind'], ExprNode>;
    expect(Object.keys(one).sort()).toEqual([...NODE_KINDS_LIST].sort());
    const upper = (n: ExprNode): ExprNode =>
      n.kind === 'column' ? { kind: 'column', path: n.path.toUpperCase() } : n;
    for (const node of Object.values(one)) {
      expect(mapChildren(node, (c) => c)).toBe(node);
      const mapped = mapChildren(node, upper);
      expect(mapped.kind).toBe(node.kind);
      expect(childNodes(mapped)).toEqual(childNodes(node).map(upper));
      if (childNodes(node).length > 0) expect(mapped).not.toBe(node);
    }
  });

  it('isExprNode tells nodes from raw values', () => {
    expect(isExprNode(C('a').node)).toBe(true);
    expect(isExprNode({ kind: 'nope' })).toBe(false);
    expect(isExprNode(new Date())).toBe(false);
    expect(isExprNode(['column'])).toBe(false);
  });
});
