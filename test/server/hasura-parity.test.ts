import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChainqlApp } from '../../server/app.ts';
import { appFor, gql, gqlData, openStore, type TestStore } from './fixtures.ts';

// Hasura parity items of issue 17 that live in the query compiler: distinct_on, LIKE patterns ending in the
// escape character, 64-bit integers, and filters too large to compile (depth, predicate count, long _in).

const Shot = z.object({
  name: z.string(),
  kind: z.string().nullable(),
  score: z.number(),
  det: z.object({ label: z.string() }),
  emb: z.array(z.number()),
});
const SHOTS: z.input<typeof Shot>[] = [
  { name: 'a', kind: 'cat', score: 0.2, det: { label: 'x' }, emb: [1, 0] },
  { name: 'b', kind: 'cat', score: 0.9, det: { label: 'y' }, emb: [0, 1] },
  { name: 'c', kind: 'dog', score: 0.5, det: { label: 'x' }, emb: [1, 1] },
  { name: 'd', kind: 'dog', score: 0.7, det: { label: 'x' }, emb: [0, 0] },
  { name: 'e', kind: null, score: 0.1, det: { label: 'y' }, emb: [1, 2] },
  { name: 'f', kind: null, score: 0.3, det: { label: 'y' }, emb: [2, 1] },
  { name: 'back\\slash', kind: 'cat', score: 0.4, det: { label: 'z' }, emb: [3, 1] },
];

const TWO_31 = 2 ** 31;
const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 2^53 - 1
const Count = z.object({ id: z.string(), n: z.int(), big: z.bigint() });
const COUNTS: z.input<typeof Count>[] = [
  { id: 'p31', n: TWO_31, big: 2n ** 62n },
  { id: 'm31', n: -TWO_31 - 1, big: -(2n ** 63n) },
  { id: 'p53', n: MAX_SAFE, big: 2n ** 63n - 1n },
  { id: 'm53', n: -MAX_SAFE, big: 2n ** 53n + 1n },
  { id: 'one', n: MAX_SAFE, big: 1n },
];

import { WAREHOUSES } from '../helpers/temp-session.ts';

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let store: TestStore;
  let app: ChainqlApp;

  beforeAll(async () => {
    store = await openStore(warehouse);
    await store.save('shots', SHOTS, Shot);
    await store.save('counts', COUNTS, Count);
    app = await appFor(store, { limits: { maxFilterDepth: 64, maxFilterPredicates: 10_000 } });
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  const names = (rows: { name: string }[]) => rows.map((r) => r.name);

  describe('distinct_on (Hasura/PostgreSQL DISTINCT ON)', () => {
    it('keeps the first row of each distinct value in order_by order (NULLs are one value)', async () => {
      const data = await gqlData(
        app,
        '{ shots(distinct_on: [kind], order_by: [{kind: asc}, {score: desc}]) { name kind score } }',
      );
      expect(data.shots).toEqual([
        { name: 'b', kind: 'cat', score: 0.9 },
        { name: 'd', kind: 'dog', score: 0.7 },
        { name: 'f', kind: null, score: 0.3 },
      ]);
    });

    it('applies where first and limit/offset after, on nested fields too', async () => {
      const data = await gqlData(
        app,
        `{ first: shots(distinct_on: det__label, order_by: [{det: {label: desc}}, {score: asc}], limit: 2) { name }
         paged: shots(distinct_on: [kind], where: {score: {_lt: 0.8}}, order_by: [{kind: asc}, {score: desc}], offset: 1) { name } }`,
      );
      expect(names(data.first)).toEqual(['back\\slash', 'e']);
      expect(names(data.paged)).toEqual(['d', 'f']);
    });

    it('accepts the distinct_on fields in any order at the head of order_by', async () => {
      const data = await gqlData(
        app,
        '{ shots(distinct_on: [kind, det__label], order_by: [{det: {label: asc}}, {kind: asc}, {score: desc}]) { name } }',
      );
      expect(names(data.shots).sort()).toEqual(
        ['b', 'back\\slash', 'c', 'd', 'f', 'a'].sort().filter((n) => n !== 'c'),
      );
    });

    it('is BAD_USER_INPUT when the distinct_on fields do not lead order_by', async () => {
      const result = await gql(app, '{ shots(distinct_on: [kind], order_by: [{score: desc}]) { name } }');
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/distinct_on fields \(kind\) must lead order_by/);
    });
  });

  describe('LIKE patterns', () => {
    it.each(['_like', '_ilike', '_nlike', '_nilike'])(
      '%s: a pattern ending in the escape character is BAD_USER_INPUT',
      async (op) => {
        const result = await gql(app, `{ shots(where: {name: {${op}: "back\\\\"}}) { name } }`);
        expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(result.errors?.[0]?.message).toMatch(/ends with the escape character/);
      },
    );

    it('an escaped backslash at the end is a literal backslash', async () => {
      const data = await gqlData(app, String.raw`{ shots(where: {name: {_like: "back\\\\%"}}) { name } }`);
      expect(names(data.shots)).toEqual(['back\\slash']);
    });
  });

  describe('64-bit integers', () => {
    it('reads int values at ±2^31 and ±2^53 exactly as numbers, and bigint beyond as strings', async () => {
      const data = await gqlData(app, '{ counts { id n big } }');
      expect(data.counts).toEqual([
        { id: 'p31', n: TWO_31, big: String(2n ** 62n) },
        { id: 'm31', n: -TWO_31 - 1, big: String(-(2n ** 63n)) },
        { id: 'p53', n: MAX_SAFE, big: String(2n ** 63n - 1n) },
        { id: 'm53', n: -MAX_SAFE, big: String(2n ** 53n + 1n) },
        { id: 'one', n: MAX_SAFE, big: '1' },
      ]);
    });

    it('filters exactly with literals and variables (numbers or decimal strings)', async () => {
      const ids = async (where: string, variables?: Record<string, unknown>) => {
        const declared = [where.includes('$v') ? '$v: bigint' : '', where.includes('$b') ? '$b: BigInt' : '']
          .filter((d) => d !== '')
          .join(', ');
        const query = `query${declared ? `(${declared})` : ''} { counts(where: ${where}) { id } }`;
        return ((await gqlData(app, query, variables)).counts as { id: string }[]).map((r) => r.id);
      };
      expect(await ids('{n: {_eq: 2147483648}}')).toEqual(['p31']);
      expect(await ids('{n: {_lt: -2147483648}}')).toEqual(['m31', 'm53']);
      expect(await ids('{n: {_eq: $v}}', { v: MAX_SAFE })).toEqual(['p53', 'one']);
      expect(await ids('{n: {_eq: $v}}', { v: '-9007199254740991' })).toEqual(['m53']);
      expect(await ids('{n: {_in: [2147483648, -9007199254740991]}}')).toEqual(['p31', 'm53']);
      expect(await ids('{big: {_eq: $b}}', { b: '9223372036854775807' })).toEqual(['p53']);
      expect(await ids('{big: {_gt: "9007199254740992"}}')).toEqual(['p31', 'p53', 'm53']);
    });

    it('aggregates without losing precision: sums beyond 2^53 come back as exact decimal strings', async () => {
      const data = await gqlData(
        app,
        `{ all: counts_aggregate { aggregate { count sum { n } min { n big } max { n big } } }
         two: counts_aggregate(where: {id: {_in: ["p53", "one"]}}) { aggregate { sum { n } } }
         small: counts_aggregate(where: {id: {_in: ["p31", "m31"]}}) { aggregate { sum { n } } }
         big: counts_aggregate(where: {id: {_in: ["p31", "one"]}}) { aggregate { sum { big } } } }`,
      );
      expect(data.all.aggregate).toEqual({
        count: 5,
        sum: { n: MAX_SAFE - 1 },
        min: { n: -MAX_SAFE, big: String(-(2n ** 63n)) },
        max: { n: MAX_SAFE, big: String(2n ** 63n - 1n) },
      });
      expect(data.two.aggregate.sum.n).toBe(String(2n * BigInt(MAX_SAFE)));
      expect(data.small.aggregate.sum.n).toBe(-1);
      expect(data.big.aggregate.sum.big).toBe(String(2n ** 62n + 1n));
    });

    it('sums past 64 bits never wrap: exact on ClickHouse (128-bit), INTEGER_OVERFLOW on SQLite', async () => {
      const result = await gql(
        app,
        `{ counts_aggregate(where: {id: {_in: ["p31", "p53"]}}) { aggregate { sum { big } avg { big } } } }`,
      );
      if (warehouse === 'clickhouse') {
        expect(result.errors).toBeUndefined();
        expect(result.data?.counts_aggregate).toEqual({
          aggregate: {
            sum: { big: String(2n ** 62n + 2n ** 63n - 1n) },
            avg: { big: Number(2n ** 62n + 2n ** 63n - 1n) / 2 },
          },
        });
      } else {
        expect(result.errors?.[0]?.extensions?.code).toBe('INTEGER_OVERFLOW');
        expect(result.errors?.[0]?.message).toMatch(/exceeds the 64-bit range/);
      }
      // An average alone does not overflow on either engine.
      const avg = await gqlData(
        app,
        `{ counts_aggregate(where: {id: {_in: ["p31", "p53"]}}) { aggregate { avg { big } } } }`,
      );
      expect(avg.counts_aggregate.aggregate.avg.big).toBeCloseTo(Number(2n ** 62n + 2n ** 63n - 1n) / 2, -6);
    });

    it('rejects values outside the 64-bit range and non-integers as validation errors', async () => {
      const over = await gql(app, '{ counts(where: {n: {_eq: 9223372036854775808}}) { id } }');
      expect(over.errors?.[0]?.message).toMatch(/outside the 64-bit range/);
      const frac = await gql(app, 'query($v: bigint) { counts(where: {n: {_eq: $v}}) { id } }', { v: 1.5 });
      expect(frac.errors?.[0]?.message).toMatch(/64-bit Int cannot represent non-integer value: 1.5/);
    });
  });

  describe('filters too large to compile', () => {
    it('a where nested 3,000 levels deep is BAD_USER_INPUT naming the limit', async () => {
      // Built as text: JSON.stringify itself recurses once per level.
      const where = `${'{"_not":'.repeat(1500)}${'{"_and":['.repeat(1500)}{"name":{"_eq":"a"}}${']}'.repeat(1500)}${'}'.repeat(1500)}`;
      const query = JSON.stringify('query($w: shots_bool_exp) { shots(where: $w) { name } }');
      const response = await app.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"query":${query},"variables":{"w":${where}}}`,
      });
      const result = (await response.json()) as {
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/deeper than 64 levels.*\(server limit maxFilterDepth\)/);
      // The same depth inline in the query text stops at the token limit instead, never "Unexpected error.".
      const inline = `{ shots(where: ${'{_not: '.repeat(3000)}{name: {_eq: "a"}}${'}'.repeat(3000)}) { name } }`;
      const text = await gql(app, inline);
      expect(text.errors?.[0]?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
      expect(text.errors?.[0]?.message).not.toBe('Unexpected error.');
    });

    it('_and with 50,000 items is BAD_USER_INPUT naming the limit', async () => {
      const w = { _and: Array.from({ length: 50_000 }, (_, i) => ({ score: { _gt: -i } })) };
      const result = await gql(app, 'query($w: shots_bool_exp) { shots(where: $w) { name } }', { w });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(
        /more than 10000 predicates \(server limit maxFilterPredicates\)/,
      );
    });

    it('_and with 5,000 items (past SQLite expression depth if compiled flat) runs', async () => {
      const w = { _and: Array.from({ length: 5_000 }, (_, i) => ({ score: { _gt: -i - 1 } })) };
      const data = await gqlData(app, 'query($w: shots_bool_exp) { shots(where: $w) { name } }', { w });
      expect(data.shots).toHaveLength(SHOTS.length);
    });

    it('_in and _nin with 100,000 values in a variable run (the list is bound as one value)', async () => {
      const values = Array.from({ length: 100_000 }, (_, i) => `n${i}`);
      const data = await gqlData(
        app,
        'query($in: [String!], $nin: [String!]) { in: shots(where: {name: {_in: $in}}) { name } nin: shots(where: {name: {_nin: $nin}}) { name } }',
        { in: [...values, 'c', 'e'], nin: [...values, 'a'] },
      );
      expect(names(data.in)).toEqual(['c', 'e']);
      expect(names(data.nin)).toEqual(['b', 'c', 'd', 'e', 'f', 'back\\slash']);
    });

    it('the limits are configurable', async () => {
      const strict = await appFor(store, { limits: { maxFilterDepth: 2, maxFilterPredicates: 2 } });
      try {
        const deep = await gql(strict, '{ shots(where: {_not: {_not: {name: {_eq: "a"}}}}) { name } }');
        expect(deep.errors?.[0]?.message).toMatch(/deeper than 2 levels/);
        const many = await gql(strict, '{ shots(where: {name: {_eq: "a", _neq: "b", _gt: "0"}}) { name } }');
        expect(many.errors?.[0]?.message).toMatch(/more than 2 predicates/);
        expect(
          (await gqlData(strict, '{ shots(where: {_not: {name: {_eq: "a"}}}) { name } }')).shots,
        ).toHaveLength(6);
      } finally {
        await strict.close();
      }
    });
  });

  describe('vector distances', () => {
    it('a zero vector has no cosine distance (null), on either side', async () => {
      const data = await gqlData(
        app,
        `{ zeroQuery: shots_nearest(field: "emb", vector: [0, 0], k: 2) { name distance }
         zeroRow: shots_nearest(field: "emb", vector: [1, 0], k: 7) { name distance } }`,
      );
      expect(data.zeroQuery.map((r: { distance: unknown }) => r.distance)).toEqual([null, null]);
      const d = data.zeroRow.find((r: { name: string }) => r.name === 'd');
      expect(d.distance).toBeNull();
      expect(data.zeroRow[0]).toEqual({ name: 'a', distance: 0 });
      expect(data.zeroRow.at(-1).name).toBe('d');
    });
  });
});
