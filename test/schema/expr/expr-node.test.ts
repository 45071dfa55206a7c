import { describe, expect, it } from 'vitest';
import {
  agg,
  C,
  childNodes,
  containsAggregate,
  func,
  isExprNode,
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

  it('isExprNode tells nodes from raw values', () => {
    expect(isExprNode(C('a').node)).toBe(true);
    expect(isExprNode({ kind: 'nope' })).toBe(false);
    expect(isExprNode(new Date())).toBe(false);
    expect(isExprNode(['column'])).toBe(false);
  });
});
