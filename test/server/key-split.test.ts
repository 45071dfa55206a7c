/**
 * Grouped reads split over ranges of their first key (SQLite `keySplits` + server/query/key-split.ts) answer
 * exactly what the whole read answers: random `_groups` queries (keys, where, having, order_by, limit, offset)
 * over a random nested dataset, each asked whole, cut by the driver, and cut unevenly (one to four cuts taken
 * from the key's own values, with a NULL range) to exercise the merge beyond what the driver's plan allows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteWarehouse } from '../../clients/warehouse/sqlite/sqlite-warehouse.ts';
import type { KeyCut } from '../../clients/warehouse/warehouse-driver.ts';
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
} from './random-queries.ts';
import { stableJson, whileReadThreadsBusy } from './split-helpers.ts';

const SEED = Number(process.env.CHAINQL_DIFF_SEED ?? 20261207);
const ROWS = 3000;
const CASES = 120;

// Every grouped read over an index is a candidate, however small (read when the warehouse opens).
process.env.CHAINQL_PARALLEL_SCAN_MIN_ROWS = '1';

type CutMode = 'off' | 'driver' | 'uneven';

describe('grouped reads split over ranges of their first key answer like whole reads', () => {
  let store: TestStore;
  let app: ChainqlApp;
  let warehouse: SqliteWarehouse;
  let table = '';
  let mode: CutMode = 'off';
  let splits = 0;
  let driverSplits: SqliteWarehouse['keySplits'];
  let leaves: Leaf[] = [];
  const values = new Map<string, KeyCut[]>();
  const r = rng(SEED);

  beforeAll(async () => {
    store = await openStore();
    warehouse = store.session.warehouse as SqliteWarehouse;
    driverSplits = warehouse.keySplits.bind(warehouse);
    // Observes the driver's answer; in 'uneven' mode, cuts the key anywhere the contract allows instead.
    warehouse.keySplits = async (query, from, column) => {
      if (mode === 'off') return undefined;
      if (mode === 'driver') {
        const cuts = await driverSplits(query, from, column);
        if (cuts !== undefined) splits++;
        return cuts;
      }
      if (!values.has(column)) {
        const rows = await warehouse.query(
          {
            sql: `SELECT DISTINCT "${column}" AS v FROM "${from}" WHERE "${column}" IS NOT NULL ORDER BY 1`,
            parameters: [],
          },
          { bigints: true },
        );
        values.set(
          column,
          rows.map((row) => row.v as KeyCut),
        );
      }
      const distinct = values.get(column) ?? [];
      if (distinct.length === 0) return undefined;
      const chosen = new Set<number>();
      const count = 1 + Math.floor(r() * 4);
      while (chosen.size < Math.min(count, distinct.length)) chosen.add(Math.floor(r() * distinct.length));
      splits++;
      return {
        values: [...chosen].sort((a, b) => a - b).map((i) => distinct[i] as KeyCut),
        nulls: true,
      };
    };
    const random = randomSchema(r);
    leaves = random.leaves;
    const schema = {
      ...random.schema,
      fields: {
        ...random.schema.fields,
        kind: { type: { kind: 'string' }, nullable: false, optional: false },
        n: { type: { kind: 'int' }, nullable: true, optional: false },
        big: { type: { kind: 'bigint' }, nullable: true, optional: false },
        word: { type: { kind: 'string' }, nullable: true, optional: false },
      },
    } as typeof random.schema;
    const words = ['a', 'b', 'Z', 'é', '\u{1F600}', '\uFFFD', ''];
    const kinds = ['bird', 'car', 'cat', 'cat', 'dog', 'tree'];
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      ...randomRow(r, random.schema),
      kind: kinds[i % kinds.length],
      n: i % 11 === 0 ? null : (i * 7919) % 50,
      big: i % 13 === 0 ? null : ((BigInt((i * 7919) % 21) - 10n) * 90_000_000_000_000n) / 10n,
      word: i % 17 === 0 ? null : `${words[i % words.length]}${i % 5}`,
    }));
    const saved = await readRecords(rows, schema, { session: store.session }).save('keyed', {
      indexes: [['kind'], ['word']],
    });
    table = saved.table;
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

  it('the driver cuts a read that walks an index led by the key, balanced, and not a scan or a busy pool', async () => {
    const statement = (sql: string) => ({ sql, parameters: [] as unknown[] });
    const byKind = statement(`SELECT kind, count(*) AS c FROM "${table}" GROUP BY kind`);
    const cuts = await driverSplits(byKind, table, 'kind');
    // Five kinds, 'cat' twice as common: the best single cut leaves 1/3 or 2/3 of the rows on each side.
    expect(cuts?.nulls).toBe(false);
    expect(cuts?.values.length).toBe(1);
    const below = await warehouse.query({
      sql: `SELECT count(*) AS n FROM "${table}" WHERE kind < ?`,
      parameters: [cuts?.values[0]],
    });
    expect(Number(below[0]?.n)).toBeGreaterThanOrEqual(ROWS / 3);
    expect(Number(below[0]?.n)).toBeLessThanOrEqual((ROWS * 2) / 3);
    // A nullable key: the NULL group gets a range of its own.
    const byWord = await driverSplits(
      statement(`SELECT word, count(*) AS c FROM "${table}" GROUP BY word`),
      table,
      'word',
    );
    expect(byWord?.nulls).toBe(true);
    // No index led by the key: the read sorts, nothing to cut.
    expect(
      await driverSplits(statement(`SELECT n, count(*) FROM "${table}" GROUP BY n`), table, 'n'),
    ).toBeUndefined();
    // An index led by another column.
    expect(await driverSplits(byKind, table, 'word')).toBeUndefined();
    // Both read threads busy with a slow statement: nothing is idle to split onto.
    await whileReadThreadsBusy(warehouse, async () => {
      expect(await driverSplits(byKind, table, 'kind')).toBeUndefined();
    });
    expect(await driverSplits(byKind, table, 'kind')).toEqual(cuts);
  });

  it('the server splits a _groups read the driver cuts, and the answer is the whole read', async () => {
    const query = `{ keyed_groups(by: ["kind"], having: {count: {_gt: 400}}, order_by: [{aggregate: {count: desc}}]) {
      key { kind } aggregate { count avg { n } max { word } } } }`;
    const whole = await ask(query, {}, 'off');
    expect(whole.errors).toBeUndefined();
    const before = splits;
    expect(await ask(query, {}, 'driver')).toEqual(whole);
    expect(splits).toBe(before + 1);
    expect((whole.data as { keyed_groups: { key: { kind: string } }[] }).keyed_groups[0]?.key.kind).toBe(
      'cat',
    );
  });

  it(`${CASES} random _groups queries agree, cut by the driver and unevenly`, async () => {
    const extra: Leaf[] = [
      { path: 'kind', kind: 'string' },
      { path: 'word', kind: 'string' },
      { path: 'n', kind: 'int' },
      { path: 'big', kind: 'int' },
    ];
    const groupable = [...leaves, ...extra];
    const numeric = [...leaves.filter((l) => l.kind === 'int' || l.kind === 'float'), extra[2], extra[3]];
    const ordered = [...leaves.filter((l) => l.kind !== 'boolean'), extra[0], extra[1]] as Leaf[];
    const leafSelection = (leaf: Leaf) => {
      const segments = leaf.path.split('.');
      return segments
        .slice(0, -1)
        .reduceRight((inner, seg) => `${seg} { ${inner} }`, segments.at(-1) as string);
    };
    const mismatches: string[] = [];
    const before = splits;
    for (let i = 0; i < CASES; i++) {
      const by = [pick(r, groupable), ...(r() < 0.4 ? [pick(r, groupable)] : [])].filter(
        (leaf, j, all) => all.findIndex((o) => o.path === leaf.path) === j,
      );
      const sum = pick(r, numeric as Leaf[]);
      const avg = pick(r, numeric as Leaf[]);
      const min = pick(r, ordered);
      const max = pick(r, ordered);
      const aggregate = `count sum { ${leafSelection(sum)} } avg { ${leafSelection(avg)} } min { ${leafSelection(min)} } max { ${leafSelection(max)} }`;
      const orderBy: unknown[] = [];
      for (let k = Math.floor(r() * 3); k > 0; k--) {
        const choice = r();
        if (choice < 0.3) orderBy.push({ aggregate: { count: pick(r, DIRECTIONS) } });
        else if (choice < 0.6) orderBy.push({ aggregate: { avg: nest(avg.path, pick(r, DIRECTIONS)) } });
        else orderBy.push({ key: nest(pick(r, by).path, pick(r, DIRECTIONS)) });
      }
      const having =
        r() < 0.5
          ? undefined
          : r() < 0.5
            ? { count: { _gt: Math.floor(r() * 40) } }
            : { min: nest(sum.path, { _is_null: false }) };
      const variables = {
        by: by.map((l) => l.path),
        w: r() < 0.5 ? randomWhere(r, leaves) : {},
        h: having ?? null,
        o: orderBy,
        l: r() < 0.7 ? 1 + Math.floor(r() * 30) : null,
        off: r() < 0.4 ? Math.floor(r() * 10) : 0,
      };
      const query = `query($by: [FieldPath!]!, $w: keyed_bool_exp, $h: keyed_aggregate_bool_exp, $o: [keyed_group_order_by!], $l: Int, $off: Int) {
        keyed_groups(by: $by, where: $w, having: $h, order_by: $o, limit: $l, offset: $off) {
          key { ${by.map(leafSelection).join(' ')} } aggregate { ${aggregate} } } }`;
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
    expect(mismatches.slice(0, 3).join('\n')).toBe('');
    // Every case is cut unevenly (the key always has a value somewhere).
    expect(splits - before).toBeGreaterThanOrEqual(CASES);
  });
});
