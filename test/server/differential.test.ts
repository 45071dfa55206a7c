import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../compute/chain/read.ts';
import type { ChainqlApp } from '../../server/app.ts';
import { appFor, gql, openStore, type TestStore } from './fixtures.ts';
import {
  DIRECTIONS,
  type Leaf,
  nest,
  pick,
  randomRow,
  randomSchema,
  randomWhere,
  rng,
  selection,
  valueAt,
} from './random-queries.ts';
import { compareValues, type Kind, runReference } from './reference-evaluator.ts';

/**
 * Differential test: random nested datasets and random where/order_by/limit/offset queries, answered by
 * the GraphQL API (compiled SQL on SQLite) and by an independent in-JS evaluator of Hasura semantics.
 * CASES_PER_DATASET × DATASETS ≥ 1000 cases per run; the seed is printed on a mismatch.
 */
const SEED = Number(process.env.CHAINQL_DIFF_SEED ?? 20261125);
const DATASETS = 3;
const CASES_PER_DATASET = 350;
const ROWS = 60;

describe('differential: GraphQL over SQLite vs an in-JS Hasura evaluator', () => {
  let store: TestStore;
  let app: ChainqlApp;
  const datasets: {
    name: string;
    leaves: Leaf[];
    rows: Record<string, unknown>[];
    kinds: Map<string, Kind>;
  }[] = [];

  beforeAll(async () => {
    store = await openStore();
    const r = rng(SEED);
    for (let d = 0; d < DATASETS; d++) {
      const { schema, leaves } = randomSchema(r);
      const rows = Array.from({ length: ROWS }, () => randomRow(r, schema));
      await readRecords(rows, schema, { session: store.session }).save(`diff${d}`);
      datasets.push({
        name: `diff${d}`,
        leaves,
        rows: [],
        kinds: new Map(leaves.map((l) => [l.path, l.kind])),
      });
    }
    app = await appFor(store, { limits: { maxLimit: 1000, defaultLimit: 1000 } });
    for (const ds of datasets) {
      const dump = await gql(app, `{ ${ds.name}(limit: 1000) { ${selection(ds.leaves)} } }`);
      expect(dump.errors).toBeUndefined();
      ds.rows = ((dump.data?.[ds.name] ?? []) as Record<string, unknown>[]).sort(
        (a, b) => Number(a._id) - Number(b._id),
      );
      expect(ds.rows).toHaveLength(ROWS);
    }
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it(`agrees on ${DATASETS * CASES_PER_DATASET} random queries (rows, counts and groups)`, async () => {
    const r = rng(SEED + 1);
    const mismatches: string[] = [];
    let cases = 0;
    for (const ds of datasets) {
      const type = ds.name;
      for (let i = 0; i < CASES_PER_DATASET; i++) {
        const where = randomWhere(r, ds.leaves);
        const orderBy = Array.from({ length: Math.floor(r() * 3) }, () =>
          nest(pick(r, ds.leaves).path, pick(r, DIRECTIONS)),
        );
        const limit = r() < 0.6 ? Math.floor(r() * 25) : undefined;
        const offset = r() < 0.3 ? Math.floor(r() * 10) : undefined;
        const groupLeaf = pick(r, ds.leaves);
        const result = await gql(
          app,
          `query($w: ${type}_bool_exp, $o: [${type}_order_by!], $l: Int, $off: Int, $by: [FieldPath!]!) {
             ${type}(where: $w, order_by: $o, limit: $l, offset: $off) { _id }
             agg: ${type}_aggregate(where: $w) { aggregate { count } }
             groups: ${type}_groups(by: $by, where: $w, limit: 1000) { key { ${selection([groupLeaf]).replace(/^_id /, '')} } aggregate { count } }
           }`,
          { w: where, o: orderBy, l: limit ?? null, off: offset ?? null, by: [groupLeaf.path] },
        );
        cases++;
        const expected = runReference(ds.rows, ds.kinds, {
          where,
          order_by: orderBy,
          limit: limit ?? 1000,
          ...(offset === undefined ? {} : { offset }),
        }).map((row) => row._id);
        const matching = runReference(ds.rows, ds.kinds, { where, limit: 1000 });
        const groupCounts = new Map<string, { key: unknown; count: number }>();
        for (const row of matching) {
          const key = valueAt(row, groupLeaf.path);
          const id = JSON.stringify(key);
          const entry = groupCounts.get(id) ?? { key, count: 0 };
          entry.count++;
          groupCounts.set(id, entry);
        }
        const expectedGroups = [...groupCounts.values()].sort((a, b) =>
          a.key === null
            ? b.key === null
              ? 0
              : 1
            : b.key === null
              ? -1
              : compareValues(groupLeaf.kind, a.key, b.key),
        );
        const actualGroups = (
          (result.data?.groups ?? []) as { key: Record<string, unknown>; aggregate: { count: number } }[]
        ).map((g) => ({ key: valueAt(g.key, groupLeaf.path), count: g.aggregate.count }));
        const actual = result.errors
          ? result.errors
          : {
              rows: ((result.data?.[type] ?? []) as { _id: string }[]).map((row) => row._id),
              count: (result.data?.agg as { aggregate: { count: number } } | undefined)?.aggregate.count,
              groups: actualGroups,
            };
        const expectedAll = { rows: expected, count: matching.length, groups: expectedGroups };
        if (JSON.stringify(actual) !== JSON.stringify(expectedAll)) {
          mismatches.push(
            `seed ${SEED} ${type} case ${i}: where=${JSON.stringify(where)} order_by=${JSON.stringify(orderBy)} ` +
              `limit=${limit} offset=${offset}\n  api: ${JSON.stringify(actual)}\n  ref: ${JSON.stringify(expectedAll)}`,
          );
        }
      }
    }
    expect(cases).toBeGreaterThanOrEqual(1000);
    expect(mismatches.slice(0, 5).join('\n')).toBe('');
    expect(mismatches).toHaveLength(0);
  });
});
