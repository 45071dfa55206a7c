import { describe, expect, it } from 'vitest';
import { aggregateNode } from '../../../schema/expr/aggregate-node.ts';
import { columnNode, starNode } from '../../../schema/expr/column-node.ts';
import type { SelectQuery } from '../../../schema/query/query-node.ts';
import { compareValues, MAX_SPLIT_ROWS, rangeSplit } from '../../../server/query/range-split.ts';

const table = { kind: 'table', name: 't' } as const;
const x = columnNode('x');
const aggregates = (...fns: ('count' | 'sum' | 'avg' | 'min' | 'max' | 'countDistinct')[]): SelectQuery => ({
  kind: 'select',
  from: table,
  selections: fns.map((fn, i) => ({
    expr: aggregateNode(fn, fn === 'count' ? starNode() : x),
    alias: `a${i}`,
  })),
});
const page = (limit: number, offset = 0): SelectQuery => ({
  kind: 'select',
  from: table,
  selections: [{ expr: x, alias: 'c0' }],
  orderBy: [{ expr: x, direction: 'asc' }],
  limit,
  offset,
});

describe('rangeSplit', () => {
  it('splits pages and plain aggregates, nothing else', () => {
    expect(rangeSplit(page(20))).toBeDefined();
    expect(rangeSplit(page(MAX_SPLIT_ROWS - 10, 10))).toBeDefined();
    expect(rangeSplit(page(MAX_SPLIT_ROWS, 1))).toBeUndefined();
    expect(rangeSplit({ ...page(20), orderBy: [] })).toBeUndefined();
    expect(rangeSplit({ ...page(20), distinctOn: [x] })).toBeUndefined();
    expect(rangeSplit(aggregates('count', 'sum', 'avg', 'min', 'max'))).toBeDefined();
    expect(rangeSplit(aggregates('count', 'countDistinct'))).toBeUndefined();
    expect(rangeSplit({ ...aggregates('count'), groupBy: [x] })).toBeUndefined();
    expect(
      rangeSplit({ ...aggregates('count'), from: { kind: 'subquery', alias: 'b', query: page(5) } }),
    ).toBeUndefined();
  });

  it('restricts each part to its row-id range', () => {
    const split = rangeSplit(page(20, 5));
    const part = split?.part(100, 200);
    expect(part?.limit).toBe(25);
    expect(part?.offset).toBe(0);
    expect(JSON.stringify(part?.where)).toContain('"op":"gt"');
    expect(JSON.stringify(part?.where)).toContain('"op":"lte"');
    expect(split?.part(undefined, undefined).where).toBeUndefined();
  });

  it('merges partial aggregates: counts and sums add, avg from sums and counts, NULL parts ignored', () => {
    const split = rangeSplit(aggregates('count', 'sum', 'avg', 'min', 'max'));
    const merged = split?.merge([
      [{ a0: 2, a1: 10, a2$sum: 10, a2$n: 2, a3: 'b', a4: '\u{1F600}' }],
      [{ a0: 0, a1: null, a2$sum: null, a2$n: 0, a3: null, a4: null }],
      [{ a0: 3, a1: 5, a2$sum: 5, a2$n: 3, a3: '\u{1F600}', a4: '\uFFFD' }],
    ]);
    // U+1F600 sorts after U+FFFD by code point (and UTF-8 bytes), though its first UTF-16 unit is smaller.
    expect(merged).toEqual({ rows: [{ a0: 5, a1: 15, a2: 3, a3: 'b', a4: '\u{1F600}' }] });
    const empty = split?.merge([[{ a0: 0, a1: null, a2$sum: null, a2$n: 0, a3: null, a4: null }]]);
    expect(empty).toEqual({ rows: [{ a0: 0, a1: null, a2: null, a3: null, a4: null }] });
  });

  it('keeps 64-bit sums exact and gives up past 64 bits', () => {
    const split = rangeSplit(aggregates('sum'));
    const big = 2n ** 62n;
    expect(split?.merge([[{ a0: big }], [{ a0: big - 1n }]])).toEqual({ rows: [{ a0: 2n ** 63n - 1n }] });
    expect(split?.merge([[{ a0: big }], [{ a0: big }]])).toBeUndefined();
  });

  it('re-reads a page by the candidates of every part, or answers nothing when none matched', () => {
    const split = rangeSplit(page(2));
    expect(split?.merge([[], []])).toEqual({ rows: [] });
    const outcome = split?.merge([[{ c0: 1, __split_id: 4 }], [{ c0: 0, __split_id: 9n }]]);
    const where = outcome && 'finish' in outcome ? outcome.finish.where : undefined;
    expect(where?.kind).toBe('in');
    const values =
      where?.kind === 'in' ? where.values.map((v) => (v.kind === 'literal' ? v.value : v.kind)) : [];
    expect(values).toEqual([4, 9n]);
  });
});

describe('compareValues', () => {
  it('orders numbers by value, strings by code point, bytes by bytes, numbers before strings before bytes', () => {
    expect(compareValues(2, 10n)).toBeLessThan(0);
    expect(compareValues(-1.5, -2)).toBeGreaterThan(0);
    expect(compareValues('Z', 'a')).toBeLessThan(0);
    expect(compareValues('\uFFFD', '\u{1F600}')).toBeLessThan(0);
    expect(compareValues('ab', 'a')).toBeGreaterThan(0);
    expect(compareValues(Buffer.from([1, 2]), Buffer.from([1, 3]))).toBeLessThan(0);
    expect(compareValues(5, 'a')).toBeLessThan(0);
    expect(compareValues('a', Buffer.from([0]))).toBeLessThan(0);
  });
});
