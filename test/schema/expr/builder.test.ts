import { describe, expect, it } from 'vitest';
import {
  agg,
  and,
  avg,
  C,
  caseWhen,
  columnNode,
  count,
  describeNode,
  Expr,
  func,
  InvalidExpressionError,
  lit,
  literalNode,
  max,
  min,
  not,
  or,
  sum,
  toNode,
} from '../../../schema/expr/index.ts';

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || value instanceof Date) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

describe('expression builder', () => {
  it('builds the documented node shapes', () => {
    expect(C('det.confidence').gt(0.9).node).toEqual({
      kind: 'comparison',
      op: 'gt',
      left: { kind: 'column', path: 'det.confidence' },
      right: { kind: 'literal', value: 0.9 },
    });
    expect(C('x', { table: 'l' }).node).toEqual({ kind: 'column', path: 'x', table: 'l' });
    expect(C('n').notIn([1]).node).toMatchObject({
      kind: 'in',
      negated: true,
      values: [{ kind: 'literal', value: 1 }],
    });
    expect(C('n').isNotNull().node).toEqual({
      kind: 'isNull',
      operand: { kind: 'column', path: 'n' },
      negated: true,
    });
    expect(C('n').neg().node).toEqual({ kind: 'negate', operand: { kind: 'column', path: 'n' } });
    expect(and(C('a').eq(1), C('b').eq(2)).node).toMatchObject({ kind: 'logical', op: 'and' });
    expect(or().node).toEqual({ kind: 'logical', op: 'or', operands: [] });
    expect(C('s').notLike('a%').node).toMatchObject({ kind: 'match', op: 'like', negated: true });
    expect(C('s').notIlike('a%').node).toMatchObject({ kind: 'match', op: 'ilike', negated: true });
  });

  it('produces deeply frozen nodes, so a shared expression cannot be changed behind a chain', () => {
    const tags = ['a', 'b'];
    const e = caseWhen([[C('flag').eq(true), func.concat(C('name'), '!')]], lit(tags));
    expect(isDeepFrozen(e.node)).toBe(true);
    expect(Object.isFrozen(e)).toBe(true);
    tags.push('c');
    expect((e.node as unknown as { else: { value: string[] } }).else.value).toEqual(['a', 'b']);
    expect(() => {
      (e.node as { kind: string }).kind = 'literal';
    }).toThrow(TypeError);
  });

  it('in func.* a bare string is a literal; in aggregates it is a column path', () => {
    expect(func.lower('Name').node).toEqual({
      kind: 'function',
      name: 'lower',
      args: [{ kind: 'literal', value: 'Name' }],
    });
    expect(sum('response.usage.prompt_tokens').node).toEqual({
      kind: 'aggregate',
      fn: 'sum',
      arg: { kind: 'column', path: 'response.usage.prompt_tokens' },
    });
    for (const [f, fn] of [
      [avg, 'avg'],
      [min, 'min'],
      [max, 'max'],
      [agg.anyValue, 'anyValue'],
      [agg.collect, 'collect'],
    ] as const) {
      expect(f('x').node).toEqual({ kind: 'aggregate', fn, arg: { kind: 'column', path: 'x' } });
    }
    expect(count().node).toEqual({ kind: 'aggregate', fn: 'count', arg: { kind: 'star' } });
    expect(agg.concat('name', ', ').node).toMatchObject({
      fn: 'concat',
      separator: { kind: 'literal', value: ', ' },
    });
  });

  it('toNode accepts builders, nodes and raw values', () => {
    const node = columnNode('a');
    expect(toNode(node)).toBe(node);
    expect(toNode(new Expr(node))).toBe(node);
    expect(toNode(new Date(5))).toEqual(literalNode(new Date(5)));
    expect(toNode([1, 2])).toEqual({ kind: 'literal', value: [1, 2] });
    expect(() => toNode({ foo: 1 } as never)).toThrow(InvalidExpressionError);
    expect(() => toNode(undefined as never)).toThrow('Cannot use undefined');
  });

  it('rejects malformed expressions with clear messages', () => {
    expect(() => C('')).toThrow("Invalid column path ''");
    expect(() => C('a..b')).toThrow(InvalidExpressionError);
    expect(() => func.coalesce()).toThrow('func.coalesce() takes at least 1 argument(s), got 0.');
    expect(() => caseWhen([])).toThrow('caseWhen() needs at least one [condition, value] arm.');
    expect(() => sum({ kind: 'star' })).toThrow("Only count() accepts '*', not sum().");
  });

  it('describes expressions the way they were written', () => {
    const e = and(C('det.confidence').gt(0.9), not(C('name').ilike('a%')), C('n').in([1, 'x']));
    expect(describeNode(e.node)).toBe(
      "and(C('det.confidence').gt(0.9), not(C('name').ilike('a%')), C('n').in([1, 'x']))",
    );
    expect(describeNode(agg.count().node)).toBe('agg.count()');
    expect(describeNode(C('name').notIlike('a%').node)).toBe("C('name').notIlike('a%')");
    expect(describeNode(func.cosineDistance(C('emb'), [1, 2, 3, 4, 5]).node)).toBe(
      "func.cosineDistance(C('emb'), [1, 2, 3, 4, …])",
    );
  });
});
