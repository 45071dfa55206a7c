/**
 * Random nested datasets and random GraphQL where/order_by/limit/offset/group queries, shared by the
 * differential tests (GraphQL vs an in-JS Hasura evaluator; SQLite vs ClickHouse).
 */
import type { DatasetSchema, FieldSpec } from '../../schema/record/field-type.ts';
import type { Kind } from './reference-evaluator.ts';

/** mulberry32: small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
export const KINDS: readonly Kind[] = ['int', 'float', 'string', 'boolean', 'enum', 'datetime'];
export const STRINGS = [
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
export const ENUM = ['red', 'green', 'blue'];
export const DATES = [
  '2020-01-01T00:00:00.000Z',
  '2021-06-15T12:30:00.000Z',
  '1999-12-31T23:59:59.999Z',
  '2024-02-29T00:00:00.000Z',
];

export interface Leaf {
  path: string;
  kind: Kind;
}

/** Array, vector and record fields (one column each): filterable with `_is_null` (arrays also `_contains`). */
export interface CollectionLeaf {
  path: string;
  kind: 'strings' | 'ints' | 'vector' | 'record';
}

const COLLECTION_TYPES: Record<CollectionLeaf['kind'], FieldSpec['type']> = {
  strings: { kind: 'array', items: { kind: 'string' } },
  ints: { kind: 'array', items: { kind: 'int' } },
  vector: { kind: 'vector', dimensions: 3 },
  record: { kind: 'record', values: { kind: 'float' } },
};

/**
 * A random nested schema of scalar leaves; with `collections`, also array, vector and record fields (at the top
 * level and in a nested object, nullable or not), returned apart since they are neither sorted nor grouped.
 */
export function randomSchema(
  r: Rand,
  options: { collections?: boolean } = {},
): { schema: DatasetSchema; leaves: Leaf[]; collections: CollectionLeaf[] } {
  const collections: CollectionLeaf[] = [];
  const { schema, leaves } = randomScalarSchema(r);
  if (options.collections) {
    const fields = schema.fields as Record<string, FieldSpec>;
    const inner: Record<string, FieldSpec> = {};
    for (const kind of Object.keys(COLLECTION_TYPES) as CollectionLeaf['kind'][]) {
      for (const [where, prefix] of [
        [fields, 'k'],
        [inner, 'h.k'],
      ] as const) {
        const name = `k${kind}`;
        where[name] = { type: COLLECTION_TYPES[kind], nullable: r() < 0.7, optional: false };
        collections.push({ path: `${prefix === 'k' ? '' : 'h.'}${name}`, kind });
      }
    }
    fields.h = { type: { kind: 'object', fields: inner }, nullable: false, optional: false };
  }
  return { schema, leaves, collections };
}

function randomScalarSchema(r: Rand): { schema: DatasetSchema; leaves: Leaf[] } {
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

export function randomValue(r: Rand, kind: Kind): unknown {
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

/** A random value of a collection field: often empty, so NULL and empty must be told apart. */
export function randomCollection(r: Rand, type: FieldSpec['type']): unknown {
  const length = Math.floor(r() * 4);
  switch (type.kind) {
    case 'vector':
      return [pick(r, [0, 1, 0.5]), pick(r, [0, -1, 2]), pick(r, [1, 0.25, 3])];
    case 'record':
      return Object.fromEntries(Array.from({ length }, (_, i) => [`k${i}`, pick(r, [0, 1.5, -2])]));
    case 'array':
      return Array.from({ length }, () =>
        type.items.kind === 'int' ? Math.floor(r() * 4) : pick(r, ['a', 'b', 'é', '']),
      );
    default:
      throw new Error(`not a collection: ${type.kind}`);
  }
}

/** A `_is_null` or (arrays) `_contains` comparison on a collection field. */
export function randomCollectionComparison(r: Rand, leaf: CollectionLeaf): Record<string, unknown> {
  const array = leaf.kind === 'strings' || leaf.kind === 'ints';
  if (!array || r() < 0.5) return nest(leaf.path, { _is_null: r() < 0.5 });
  const items = Array.from({ length: Math.floor(r() * 3) }, () =>
    leaf.kind === 'ints' ? Math.floor(r() * 4) : pick(r, ['a', 'b', 'é', '']),
  );
  return nest(leaf.path, { _contains: items });
}

export function randomRow(r: Rand, schema: DatasetSchema): Record<string, unknown> {
  const fill = (fields: Readonly<Record<string, FieldSpec>>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(fields)) {
      if (spec.type.kind === 'object') out[name] = fill(spec.type.fields);
      else if (spec.nullable && r() < 0.2) out[name] = null;
      else if (['array', 'vector', 'record'].includes(spec.type.kind))
        out[name] = randomCollection(r, spec.type);
      else {
        const v = randomValue(r, spec.type.kind as Kind);
        out[name] = spec.type.kind === 'datetime' ? new Date(v as string) : v;
      }
    }
    return out;
  };
  return fill(schema.fields);
}

export function nest(path: string, inner: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((acc, part) => ({ [part]: acc }), inner) as Record<
    string,
    unknown
  >;
}

export function randomComparison(r: Rand, leaf: Leaf): Record<string, unknown> {
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

export function randomWhere(r: Rand, leaves: Leaf[], depth = 0): Record<string, unknown> {
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

export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
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

export const DIRECTIONS = [
  'asc',
  'desc',
  'asc_nulls_first',
  'asc_nulls_last',
  'desc_nulls_first',
  'desc_nulls_last',
];

export function selection(leaves: readonly { path: string }[]): string {
  const tree: Record<string, unknown> = {};
  for (const leaf of leaves) Object.assign(tree, deepMerge(tree, nest(leaf.path, true)));
  const render = (node: Record<string, unknown>): string =>
    Object.entries(node)
      .map(([k, v]) => (v === true ? k : `${k} { ${render(v as Record<string, unknown>)} }`))
      .join(' ');
  return `_id ${render(tree)}`;
}

export function valueAt(row: Record<string, unknown>, path: string): unknown {
  let v: unknown = row;
  for (const p of path.split('.'))
    v = v === null || v === undefined ? null : (v as Record<string, unknown>)[p];
  return v ?? null;
}
