import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../compute/chain/read.ts';
import type { DatasetSchema, FieldSpec } from '../../schema/record/field-type.ts';
import type { ChainqlApp } from '../../server/app.ts';
import { appFor, gql, openStore, type TestStore } from './fixtures.ts';
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

/** mulberry32: small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const KINDS: readonly Kind[] = ['int', 'float', 'string', 'boolean', 'enum', 'datetime'];
const STRINGS = [
  'a',
  'A',
  'ab',
  'b%c',
  'b_c',
  'Zed',
  'zed',
  'é',
  'éa',
  '日本',
  '😀',
  '\uFF21',
  '',
  'a\\b',
  'x y',
];
const ENUM = ['red', 'green', 'blue'];
const DATES = [
  '2020-01-01T00:00:00.000Z',
  '2021-06-15T12:30:00.000Z',
  '1999-12-31T23:59:59.999Z',
  '2024-02-29T00:00:00.000Z',
];

interface Leaf {
  path: string;
  kind: Kind;
}

function randomSchema(r: Rand): { schema: DatasetSchema; leaves: Leaf[] } {
  const leaves: Leaf[] = [];
  const object = (prefix: string, depth: number): Record<string, FieldSpec> => {
    const fields: Record<string, FieldSpec> = {};
    const count = 2 + Math.floor(r() * 3);
    for (let i = 0; i < count; i++) {
      const name = `${prefix === '' ? 'f' : 'g'}${i}`;
      const path = prefix === '' ? name : `${prefix}.${name}`;
      if (depth < 3 && r() < 0.3) {
        fields[name] = {
          type: { kind: 'object', fields: object(path, depth + 1) },
          nullable: false,
          optional: false,
        };
        continue;
      }
      const kind = pick(r, KINDS);
      leaves.push({ path, kind });
      const type = kind === 'enum' ? { kind, values: ENUM } : { kind };
      fields[name] = { type, nullable: r() < 0.7, optional: false } as FieldSpec;
    }
    return fields;
  };
  return { schema: { format: 1, fields: object('', 1) }, leaves };
}

function randomValue(r: Rand, kind: Kind): unknown {
  switch (kind) {
    case 'int':
      return Math.floor(r() * 11) - 5;
    case 'float':
      return pick(r, [0, 0.5, -1.25, 3.1, 1e-9, 100.5, 2]);
    case 'string':
      return pick(r, STRINGS);
    case 'boolean':
      return r() < 0.5;
    case 'enum':
      return pick(r, ENUM);
    case 'datetime':
      return pick(r, DATES);
  }
}

function randomRow(r: Rand, schema: DatasetSchema): Record<string, unknown> {
  const fill = (fields: Readonly<Record<string, FieldSpec>>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(fields)) {
      if (spec.type.kind === 'object') out[name] = fill(spec.type.fields);
      else if (spec.nullable && r() < 0.2) out[name] = null;
      else {
        const v = randomValue(r, spec.type.kind as Kind);
        out[name] = spec.type.kind === 'datetime' ? new Date(v as string) : v;
      }
    }
    return out;
  };
  return fill(schema.fields);
}

function nest(path: string, inner: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((acc, part) => ({ [part]: acc }), inner) as Record<
    string,
    unknown
  >;
}

function randomComparison(r: Rand, leaf: Leaf): Record<string, unknown> {
  const value = () => randomValue(r, leaf.kind);
  const ops: [string, () => unknown][] = [
    ['_eq', value],
    ['_neq', value],
    ['_is_null', () => r() < 0.5],
    ['_in', () => Array.from({ length: Math.floor(r() * 3) }, value)],
    ['_nin', () => Array.from({ length: Math.floor(r() * 3) }, value)],
  ];
  if (leaf.kind !== 'boolean') ops.push(['_gt', value], ['_gte', value], ['_lt', value], ['_lte', value]);
  if (leaf.kind === 'string') {
    const like = () => pick(r, ['%', 'a%', '%a', '_', 'b\\%c', 'b_c', '%é%', 'z%', '\\_%', '%\\\\%']);
    ops.push(
      ['_like', like],
      ['_ilike', like],
      ['_nlike', like],
      ['_nilike', like],
      ['_regex', () => pick(r, ['^a', 'b.c', 'é$', '^$'])],
    );
  }
  const out: Record<string, unknown> = {};
  const n = r() < 0.8 ? 1 : 2;
  for (let i = 0; i < n; i++) {
    const [op, make] = pick(r, ops);
    out[op] = make();
  }
  return out;
}

function randomWhere(r: Rand, leaves: Leaf[], depth = 0): Record<string, unknown> {
  const roll = r();
  if (depth < 2 && roll < 0.15)
    return { _and: Array.from({ length: Math.floor(r() * 3) }, () => randomWhere(r, leaves, depth + 1)) };
  if (depth < 2 && roll < 0.3)
    return { _or: Array.from({ length: Math.floor(r() * 3) }, () => randomWhere(r, leaves, depth + 1)) };
  if (depth < 2 && roll < 0.4) return { _not: randomWhere(r, leaves, depth + 1) };
  if (roll < 0.45) return {};
  const out: Record<string, unknown> = {};
  const keys = r() < 0.7 ? 1 : 2;
  for (let i = 0; i < keys; i++) {
    const leaf = pick(r, leaves);
    const merged = nest(leaf.path, randomComparison(r, leaf));
    // Merge (implicit AND); a second comparison on the same leaf overwrites, which both sides see.
    Object.assign(out, deepMerge(out, merged));
  }
  return out;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      prev &&
      typeof prev === 'object' &&
      !Array.isArray(prev) &&
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      !k.startsWith('_')
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

const DIRECTIONS = [
  'asc',
  'desc',
  'asc_nulls_first',
  'asc_nulls_last',
  'desc_nulls_first',
  'desc_nulls_last',
];

function selection(leaves: Leaf[]): string {
  const tree: Record<string, unknown> = {};
  for (const leaf of leaves) Object.assign(tree, deepMerge(tree, nest(leaf.path, true)));
  const render = (node: Record<string, unknown>): string =>
    Object.entries(node)
      .map(([k, v]) => (v === true ? k : `${k} { ${render(v as Record<string, unknown>)} }`))
      .join(' ');
  return `_id ${render(tree)}`;
}

function valueAt(row: Record<string, unknown>, path: string): unknown {
  let v: unknown = row;
  for (const p of path.split('.'))
    v = v === null || v === undefined ? null : (v as Record<string, unknown>)[p];
  return v ?? null;
}

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
