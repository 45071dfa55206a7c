import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../compute/chain/read.ts';
import type { ChainqlApp } from '../../server/app.ts';
import { appFor, gql, openStore, type TestStore } from './fixtures.ts';
import {
  type CollectionLeaf,
  DIRECTIONS,
  type Leaf,
  nest,
  pick,
  randomCollectionComparison,
  randomRow,
  randomSchema,
  randomWhere,
  rng,
  selection,
} from './random-queries.ts';

/**
 * Differential test between warehouses: the same random nested datasets saved on SQLite and on ClickHouse (over
 * HTTP), the same random GraphQL queries (where, order_by, limit, offset; rows with every field, `_aggregate`
 * counts, `_groups`) answered by both; the JSON answers must be identical. DATASETS × CASES_PER_DATASET ≥ 500
 * queries per run; the seed is printed on a mismatch. Datasets also hold array, vector and record fields (NULL,
 * empty and filled), which every query reads and some filter on (`_is_null`, `_contains`).
 */
const SEED = Number(process.env.CHAINQL_DIFF_SEED ?? 20261206);
const DATASETS = 2;
const CASES_PER_DATASET = 250;
const ROWS = 60;

describe('differential: GraphQL on SQLite vs GraphQL on ClickHouse', () => {
  const stores: TestStore[] = [];
  const apps: ChainqlApp[] = [];
  const datasets: { name: string; leaves: Leaf[]; collections: CollectionLeaf[] }[] = [];

  beforeAll(async () => {
    for (const kind of ['sqlite', 'clickhouse'] as const) stores.push(await openStore(kind));
    const r = rng(SEED);
    for (let d = 0; d < DATASETS; d++) {
      const { schema, leaves, collections } = randomSchema(r, { collections: true });
      const rows = Array.from({ length: ROWS }, () => randomRow(r, schema));
      for (const store of stores)
        await readRecords(rows, schema, { session: store.session }).save(`wdiff${d}`);
      datasets.push({ name: `wdiff${d}`, leaves, collections });
    }
    for (const store of stores)
      apps.push(await appFor(store, { limits: { maxLimit: 1000, defaultLimit: 1000 } }));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const store of stores) await store.dispose();
  });

  it(`answers ${DATASETS * CASES_PER_DATASET} random queries identically`, async () => {
    const r = rng(SEED + 1);
    const mismatches: string[] = [];
    let cases = 0;
    let nonEmpty = 0;
    for (const ds of datasets) {
      const type = ds.name;
      for (let i = 0; i < CASES_PER_DATASET; i++) {
        const scalar = randomWhere(r, ds.leaves);
        const onCollection = randomCollectionComparison(r, pick(r, ds.collections));
        const roll = r();
        const where =
          roll < 0.3
            ? scalar
            : roll < 0.5
              ? onCollection
              : roll < 0.7
                ? { _and: [scalar, onCollection] }
                : roll < 0.85
                  ? { _or: [scalar, onCollection] }
                  : { _not: onCollection };
        const orderBy = Array.from({ length: Math.floor(r() * 3) }, () =>
          nest(pick(r, ds.leaves).path, pick(r, DIRECTIONS)),
        );
        const limit = r() < 0.6 ? Math.floor(r() * 25) : undefined;
        const offset = r() < 0.3 ? Math.floor(r() * 10) : undefined;
        const groupLeaf = pick(r, ds.leaves);
        const query = `query($w: ${type}_bool_exp, $o: [${type}_order_by!], $l: Int, $off: Int, $by: [FieldPath!]!) {
             ${type}(where: $w, order_by: $o, limit: $l, offset: $off) { ${selection([...ds.leaves, ...ds.collections])} }
             agg: ${type}_aggregate(where: $w) { aggregate { count } }
             groups: ${type}_groups(by: $by, where: $w, limit: 1000) { key { ${selection([groupLeaf]).replace(/^_id /, '')} } aggregate { count } }
           }`;
        const variables = {
          w: where,
          o: orderBy,
          l: limit ?? null,
          off: offset ?? null,
          by: [groupLeaf.path],
        };
        const [onSqlite, onClickhouse] = await Promise.all(apps.map((app) => gql(app, query, variables)));
        cases++;
        if (((onSqlite?.data?.[type] as unknown[] | undefined) ?? []).length > 0) nonEmpty++;
        const a = JSON.stringify(onSqlite?.errors ?? onSqlite?.data);
        const b = JSON.stringify(onClickhouse?.errors ?? onClickhouse?.data);
        if (a !== b) {
          mismatches.push(
            `seed ${SEED} ${type} case ${i}: where=${JSON.stringify(where)} order_by=${JSON.stringify(orderBy)} ` +
              `limit=${limit} offset=${offset} by=${groupLeaf.path}\n  sqlite:     ${a.slice(0, 600)}\n  clickhouse: ${b.slice(0, 600)}`,
          );
        }
      }
    }
    expect(cases).toBeGreaterThanOrEqual(500);
    // The generator must exercise real answers, not only empty ones.
    expect(nonEmpty).toBeGreaterThan(cases / 4);
    expect(mismatches.slice(0, 3).join('\n')).toBe('');
    expect(mismatches).toHaveLength(0);
  }, 300_000);
});
