/**
 * Property-based differential test: random nested records and random filter / order / offset / limit
 * chains, run through the SQL compiler on real SQLite and compared with an independent evaluation in
 * JavaScript that implements SQL three-valued logic and Hasura's null ordering.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { and, C, type Expr, not, or, readRecords } from '../../../compute/index.ts';
import { tempSession } from '../../helpers/temp-session.ts';

const Rec = z.object({
  id: z.int(),
  a: z.int().nullable(),
  s: z.string().nullable(),
  b: z.boolean(),
  n: z.object({ x: z.number().nullable(), y: z.object({ z: z.int() }) }),
});
type Rec = z.infer<typeof Rec>;

type Value = number | string | boolean | null;
type Truth = boolean | null;

/** A generated filter: the chain expression and its JS meaning. */
interface Case {
  readonly expr: Expr;
  readonly evaluate: (row: Rec) => Truth;
  readonly text: string;
}

const paths = ['a', 's', 'b', 'n.x', 'n.y.z'] as const;
type Path = (typeof paths)[number];

function get(row: Rec, path: Path): Value {
  switch (path) {
    case 'a':
      return row.a;
    case 's':
      return row.s;
    case 'b':
      return row.b;
    case 'n.x':
      return row.n.x;
    case 'n.y.z':
      return row.n.y.z;
  }
}

const alphabet = ['a', 'b', 'B', 'é', 'z', '_'];
const str = fc.array(fc.constantFrom(...alphabet), { maxLength: 3 }).map((chars) => chars.join(''));
const int = fc.integer({ min: -3, max: 3 });
const float = fc.constantFrom(-1.5, 0, 0.25, 1, 2.5);

const record = (id: number) =>
  fc.record({
    id: fc.constant(id),
    a: fc.option(int, { nil: null }),
    s: fc.option(str, { nil: null }),
    b: fc.boolean(),
    n: fc.record({ x: fc.option(float, { nil: null }), y: fc.record({ z: int }) }),
  });

const records = fc
  .integer({ min: 0, max: 25 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => record(i + 1))))
  .map((rows) => rows as Rec[]);

function compare(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return Buffer.compare(x, y);
  }
  const x = typeof a === 'boolean' ? Number(a) : (a as number);
  const y = typeof b === 'boolean' ? Number(b) : (b as number);
  return x < y ? -1 : x > y ? 1 : 0;
}

const ops = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const;
const opTest: Record<(typeof ops)[number], (c: number) => boolean> = {
  eq: (c) => c === 0,
  ne: (c) => c !== 0,
  gt: (c) => c > 0,
  gte: (c) => c >= 0,
  lt: (c) => c < 0,
  lte: (c) => c <= 0,
};

function literalFor(path: Path): fc.Arbitrary<Value> {
  if (path === 's') return str;
  if (path === 'b') return fc.boolean();
  if (path === 'n.x') return float;
  return int;
}

const comparison: fc.Arbitrary<Case> = fc
  .constantFrom(...paths)
  .chain((path) => fc.tuple(fc.constant(path), fc.constantFrom(...ops), literalFor(path)))
  .map(([path, op, value]) => ({
    expr: C(path)[op](value as never),
    evaluate: (row: Rec) => {
      const v = get(row, path);
      return v === null ? null : opTest[op](compare(v, value));
    },
    text: `${path} ${op} ${JSON.stringify(value)}`,
  }));

const nullCheck: fc.Arbitrary<Case> = fc
  .tuple(fc.constantFrom<Path>('a', 's', 'n.x'), fc.boolean())
  .map(([path, negated]) => ({
    expr: negated ? C(path).isNotNull() : C(path).isNull(),
    evaluate: (row: Rec) => (get(row, path) === null) !== negated,
    text: `${path} ${negated ? 'is not null' : 'is null'}`,
  }));

const inList: fc.Arbitrary<Case> = fc.array(int, { maxLength: 3 }).map((values) => ({
  expr: C('a').in(values),
  evaluate: (row: Rec) => (values.length === 0 ? false : row.a === null ? null : values.includes(row.a)),
  text: `a in ${JSON.stringify(values)}`,
}));

function likeToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((ch) =>
    ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  return new RegExp(`^${body.join('')}$`, 's');
}

const like: fc.Arbitrary<Case> = fc
  .tuple(str, fc.constantFrom('%', '', '_'), fc.boolean())
  .map(([head, tail, prefix]) => {
    const pattern = prefix ? `${head}${tail}` : `%${head}`;
    const re = likeToRegExp(pattern);
    return {
      expr: C('s').like(pattern),
      evaluate: (row: Rec) => (row.s === null ? null : re.test(row.s)),
      text: `s like ${JSON.stringify(pattern)}`,
    };
  });

const leaf = fc.oneof(comparison, comparison, nullCheck, inList, like);

const { predicate } = fc.letrec<{ predicate: Case }>((tie) => ({
  predicate: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('predicate'), tie('predicate')).map(([l, r]) => ({
      expr: and(l.expr, r.expr),
      evaluate: (row: Rec) => kleeneAnd(l.evaluate(row), r.evaluate(row)),
      text: `(${l.text} and ${r.text})`,
    })),
    fc.tuple(tie('predicate'), tie('predicate')).map(([l, r]) => ({
      expr: or(l.expr, r.expr),
      evaluate: (row: Rec) => kleeneOr(l.evaluate(row), r.evaluate(row)),
      text: `(${l.text} or ${r.text})`,
    })),
    tie('predicate').map((inner) => ({
      expr: not(inner.expr),
      evaluate: (row: Rec) => {
        const v = inner.evaluate(row);
        return v === null ? null : !v;
      },
      text: `not ${inner.text}`,
    })),
  ),
}));

function kleeneAnd(a: Truth, b: Truth): Truth {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

function kleeneOr(a: Truth, b: Truth): Truth {
  if (a === true || b === true) return true;
  if (a === null || b === null) return null;
  return false;
}

const orderKeys = fc.array(fc.tuple(fc.constantFrom(...paths), fc.boolean()), { maxLength: 2 });

function jsOrder(keys: readonly (readonly [Path, boolean])[]) {
  return (x: Rec, y: Rec): number => {
    for (const [path, desc] of keys) {
      const a = get(x, path);
      const b = get(y, path);
      if (a === null && b === null) continue;
      // asc: nulls last; desc: nulls first (Hasura / PostgreSQL).
      if (a === null) return desc ? -1 : 1;
      if (b === null) return desc ? 1 : -1;
      const c = compare(a, b);
      if (c !== 0) return desc ? -c : c;
    }
    return x.id - y.id;
  };
}

let session: Awaited<ReturnType<typeof tempSession>>;
beforeAll(async () => {
  session = await tempSession();
});
afterAll(async () => {
  await session.cleanup();
});

describe('differential: SQL chain vs JS evaluation', () => {
  it('agrees on 1,000 random nested datasets and filter/order/offset/limit chains', async () => {
    await fc.assert(
      fc.asyncProperty(
        records,
        predicate,
        orderKeys,
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        async (rows, filter, keys, offset, limit) => {
          let chain = readRecords(rows, Rec, { session })
            .filter(filter.expr)
            .orderBy([...keys.map(([path, desc]) => ({ key: path, desc })), { key: 'id' }]);
          if (offset !== undefined) chain = chain.offset(offset);
          if (limit !== undefined) chain = chain.limit(limit);
          const actual = (await chain.collect()).map((row) => row.id);
          const kept = rows.filter((row) => filter.evaluate(row) === true).sort(jsOrder(keys));
          const start = offset ?? 0;
          const expected = kept
            .slice(start, limit === undefined ? undefined : start + limit)
            .map((row) => row.id);
          expect(actual, filter.text).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  }, 300_000);
});
