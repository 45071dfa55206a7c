/**
 * Reads split over row-id ranges (SQLite `readSplits` + server/query/range-split.ts) answer exactly what the
 * whole read answers: random pages (where, order_by, limit, offset) and aggregates (count, sum, avg, min, max)
 * over a random nested dataset, each asked with splitting on and off. The cuts are also replaced by uneven
 * ones (empty ranges, many ranges) to exercise the merge beyond the two halves this machine's CPUs give.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteWarehouse } from '../../clients/warehouse/sqlite/sqlite-warehouse.ts';
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
} from './random-queries.ts';
import { stableJson, whileReadThreadsBusy } from './split-helpers.ts';

const SEED = Number(process.env.CHAINQL_DIFF_SEED ?? 20261207);
const ROWS = 3000;
const CASES = 150;

// Every whole-table scan is a candidate, however small (read when the warehouse opens).
process.env.CHAINQL_PARALLEL_SCAN_MIN_ROWS = '1';

type CutMode = 'off' | 'driver' | 'uneven';

describe('reads split over row-id ranges answer like whole reads', () => {
  let store: TestStore;
  let app: ChainqlApp;
  let warehouse: SqliteWarehouse;
  let mode: CutMode = 'off';
  let splits = 0;
  let driverSplits: SqliteWarehouse['readSplits'];
  let leaves: Leaf[] = [];
  const r = rng(SEED);

  beforeAll(async () => {
    store = await openStore();
    warehouse = store.session.warehouse as SqliteWarehouse;
    driverSplits = warehouse.readSplits.bind(warehouse);
    // Observes the driver's answer and, in 'uneven' mode, replaces its cuts by others the contract allows.
    warehouse.readSplits = async (query, table) => {
      if (mode === 'off') return undefined;
      const cuts = await driverSplits(query, table);
      if (cuts === undefined) return undefined;
      splits++;
      if (mode === 'driver') return cuts;
      const points = new Set<number>();
      const count = 1 + Math.floor(r() * 5);
      while (points.size < count) points.add(Math.floor(r() * (ROWS + 40)) - 20);
      return [...points].sort((a, b) => a - b);
    };
    const random = randomSchema(r);
    leaves = random.leaves;
    const schema = {
      ...random.schema,
      fields: {
        ...random.schema.fields,
        n: { type: { kind: 'int' }, nullable: true, optional: false },
        big: { type: { kind: 'bigint' }, nullable: true, optional: false },
        huge: { type: { kind: 'bigint' }, nullable: false, optional: false },
        word: { type: { kind: 'string' }, nullable: true, optional: false },
      },
    } as typeof random.schema;
    const words = ['a', 'b', 'Z', 'é', '\u{1F600}', '\uFFFD', ''];
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      ...randomRow(r, random.schema),
      n: i % 11 === 0 ? null : (i * 7919) % 1000,
      big: i % 13 === 0 ? null : ((BigInt((i * 7919) % 2001) - 1000n) * 9_000_000_000_000_000n) / 1000n,
      huge: 9_000_000_000_000_000_000n - BigInt(i),
      word: i % 17 === 0 ? null : `${words[i % words.length]}${i % 5}`,
    }));
    await readRecords(rows, schema, { session: store.session }).save('split');
    app = await appFor(store, { limits: { maxLimit: 1000, defaultLimit: 1000 } });
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  async function ask(query: string, variables: Record<string, unknown>, as: CutMode) {
    mode = as;
    try {
      return await gql(app, query, variables);
    } finally {
      mode = 'off';
    }
  }

  it('the driver splits a whole-table scan, not an index lookup or a busy pool', async () => {
    const compiler = (sql: string) => ({ sql, parameters: [] as unknown[] });
    const table = (
      await warehouse.query(
        compiler("SELECT name FROM sqlite_master WHERE name LIKE 'ds_split%' AND type = 'table'"),
      )
    )[0]?.name as string;
    expect(table).toBeTruthy();
    const scan = await driverSplits(compiler(`SELECT count(*) FROM "${table}" WHERE n > 5`), table);
    expect(scan).toEqual([1500]);
    expect(await driverSplits(compiler(`SELECT * FROM "${table}" WHERE sys__id = 7`), table)).toBeUndefined();
    // Both read threads busy with a slow statement: nothing is idle to split onto.
    await whileReadThreadsBusy(warehouse, async () => {
      expect(await driverSplits(compiler(`SELECT count(*) FROM "${table}"`), table)).toBeUndefined();
    });
    expect(await driverSplits(compiler(`SELECT count(*) FROM "${table}"`), table)).toEqual([1500]);
  });

  it(`pages and aggregates agree on ${CASES} random queries, cut by the driver and unevenly`, async () => {
    const numeric = [
      ...leaves.filter((l) => l.kind === 'int' || l.kind === 'float'),
      { path: 'n', kind: 'int' },
      { path: 'big', kind: 'int' },
    ];
    const ordered = [...leaves.filter((l) => l.kind !== 'boolean'), { path: 'word', kind: 'string' }];
    const mismatches: string[] = [];
    const before = splits;
    for (let i = 0; i < CASES; i++) {
      const where = r() < 0.8 ? randomWhere(r, leaves) : {};
      const orderBy = Array.from({ length: Math.floor(r() * 3) }, () =>
        nest(pick(r, [...leaves, { path: 'word', kind: 'string' as const }]).path, pick(r, DIRECTIONS)),
      );
      const limit = Math.floor(r() * 40);
      const offset = r() < 0.4 ? Math.floor(r() * 50) : 0;
      const pick2 = (list: readonly { path: string }[]) =>
        selection([pick(r, list), pick(r, list)]).replace(/^_id /, '');
      // Two requests: a read is split only when no other read of the server is running.
      const page = `query($w: split_bool_exp, $o: [split_order_by!], $l: Int, $off: Int) {
        split(where: $w, order_by: $o, limit: $l, offset: $off) { ${selection([...leaves, { path: 'word' }, { path: 'big' }])} }
      }`;
      const aggregates = `query($w: split_bool_exp) {
        split_aggregate(where: $w) { aggregate {
          count sum { ${pick2(numeric)} } avg { ${pick2(numeric)} } min { ${pick2(ordered)} } max { ${pick2(ordered)} }
        } }
      }`;
      for (const [query, variables] of [
        [page, { w: where, o: orderBy, l: limit, off: offset }],
        [aggregates, { w: where }],
      ] as const) {
        const whole = await ask(query, variables, 'off');
        expect(whole.errors, JSON.stringify(whole.errors)).toBeUndefined();
        for (const as of ['driver', 'uneven'] as const) {
          const split = await ask(query, variables, as);
          if (stableJson(split) !== stableJson(whole))
            mismatches.push(
              `case ${i} (${as}) ${JSON.stringify(variables)}\n  split: ${stableJson(split)}\n  whole: ${stableJson(whole)}`,
            );
        }
      }
    }
    expect(mismatches.slice(0, 3).join('\n')).toBe('');
    // Every case asks two splittable reads (the page and the aggregates) in two modes.
    expect(splits - before).toBeGreaterThanOrEqual(CASES * 2 * 2 * 0.9);
  });

  it('splits one read at a time: of two root fields running together, the second runs whole', async () => {
    const before = splits;
    const both = await ask(
      '{ split(order_by: {word: desc}, limit: 3) { word } split_aggregate { aggregate { count } } }',
      {},
      'driver',
    );
    expect(both.errors).toBeUndefined();
    expect(splits - before).toBe(1);
  });

  it('an integer sum past 64 bits fails as the whole read does', async () => {
    const query = '{ split_aggregate { aggregate { sum { huge } } } }';
    const whole = await ask(query, {}, 'off');
    expect(whole.errors?.[0]?.extensions?.code).toBe('INTEGER_OVERFLOW');
    const before = splits;
    const split = await ask(query, {}, 'driver');
    expect(splits).toBe(before + 1);
    expect(split).toEqual(whole);
  });
});
