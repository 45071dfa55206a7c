import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  aggregates,
  avg,
  C,
  count,
  ExpressionTypeError,
  func,
  max,
  or,
  readDataset,
  readRecords,
  readValues,
  SchemaError,
  sum,
  UnknownColumnError,
  vector,
} from '../../../compute/index.ts';
import { tempSession, WAREHOUSES, type WarehouseKind } from '../../helpers/temp-session.ts';

const Detection = z.object({
  id: z.int(),
  name: z.string(),
  det: z.object({
    label: z.enum(['cat', 'dog', 'bird']),
    confidence: z.number(),
    box: z.object({ w: z.int(), h: z.int() }),
  }),
  tags: z.array(z.string()),
  note: z.string().nullable(),
});
type Detection = z.infer<typeof Detection>;

const rows: Detection[] = [
  {
    id: 1,
    name: 'a.jpg',
    det: { label: 'cat', confidence: 0.95, box: { w: 10, h: 20 } },
    tags: ['x'],
    note: null,
  },
  {
    id: 2,
    name: 'b.jpg',
    det: { label: 'dog', confidence: 0.5, box: { w: 30, h: 5 } },
    tags: [],
    note: 'blurry',
  },
  {
    id: 3,
    name: 'c.png',
    det: { label: 'cat', confidence: 0.99, box: { w: 1, h: 1 } },
    tags: ['y', 'z'],
    note: null,
  },
  {
    id: 4,
    name: 'd.jpg',
    det: { label: 'bird', confidence: 0.7, box: { w: 8, h: 8 } },
    tags: [],
    note: 'ok',
  },
];

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let session: Awaited<ReturnType<typeof tempSession>>;
  beforeAll(async () => {
    session = await tempSession(warehouse);
  });
  afterAll(async () => {
    await session.cleanup();
  });

  const source = () => readRecords(rows, Detection, { session });

  describe('chain SQL steps', () => {
    it('filters on nested fields and returns typed, rehydrated rows in order', async () => {
      const result = await source()
        .filter(C('det.confidence').gt(0.9))
        .orderBy('det.confidence', { desc: true })
        .collect();
      expect(result.map((r) => r.id)).toEqual([3, 1]);
      expect(result[0]).toEqual(rows[2]);
      expect(result[0]!.det.box.w).toBe(1);
    });

    it('limit and offset follow the chain order', async () => {
      const ids = (await source().orderBy('id', { desc: true }).offset(1).limit(2).collect()).map(
        (r) => r.id,
      );
      expect(ids).toEqual([3, 2]);
    });

    it('select keeps nested objects; selectExcept drops them', async () => {
      const selected = await source().select('id', 'det.box').orderBy('id').limit(1).collect();
      expect(selected).toEqual([{ id: 1, det: { box: { w: 10, h: 20 } } }]);
      const dropped = await source().selectExcept('det', 'tags', 'note').orderBy('id').limit(1).collect();
      expect(dropped).toEqual([{ id: 1, name: 'a.jpg' }]);
    });

    it('mutate computes nested fields in SQL', async () => {
      const result = await source()
        .mutate({ 'det.area': C('det.box.w').mul(C('det.box.h')), upper: func.upper(C('name')) })
        .filter(C('det.area').gte(64))
        .orderBy('id')
        .collect();
      expect(result.map((r) => [r.id, (r.det as unknown as { area: number }).area, r.upper])).toEqual([
        [1, 200, 'A.JPG'],
        [2, 150, 'B.JPG'],
        [4, 64, 'D.JPG'],
      ]);
    });

    it('groupBy computes aggregates per nested key', async () => {
      const groups = await source()
        .groupBy('det.label', { n: count(), best: max('det.confidence'), mean: avg('det.confidence') })
        .orderBy('det.label')
        .collect();
      expect(groups).toEqual([
        { det: { label: 'bird' }, n: 1, best: 0.7, mean: 0.7 },
        { det: { label: 'cat' }, n: 2, best: 0.99, mean: 0.97 },
        { det: { label: 'dog' }, n: 1, best: 0.5, mean: 0.5 },
      ]);
    });

    it('groupBy outputs named like a column another aggregate reads still read the column', async () => {
      // ClickHouse resolves SELECT aliases inside other expressions: `max(id) AS id, sum(id)` must not nest.
      const groups = await source()
        .groupBy('det.label', { id: max('id'), n: sum('id'), 'det.confidence': avg('det.confidence') })
        .mutate({ best: C('det.confidence') })
        .orderBy('det.label')
        .collect();
      expect(groups.map((g) => [(g.det as { label: string }).label, g.id, g.n, g.best])).toEqual([
        ['bird', 4, 4, 0.7],
        ['cat', 3, 4, 0.97],
        ['dog', 2, 2, 0.5],
      ]);
    });

    it('distinct keeps the first row per key', async () => {
      const result = await source().distinct('det.label').orderBy('id').collect();
      expect(result.map((r) => r.id)).toEqual([1, 2, 4]);
    });

    it('joins with a right-side prefix on clashing names (inner, left, full)', async () => {
      const owners = readRecords(
        [
          { id: 1, name: 'alice' },
          { id: 3, name: 'carol' },
          { id: 9, name: 'zed' },
        ],
        z.object({ id: z.int(), name: z.string() }),
        { session },
      );
      const inner = await source().join(owners, 'id').orderBy('id').collect();
      expect(inner.map((r) => [r.id, r.name, r.right_name])).toEqual([
        [1, 'a.jpg', 'alice'],
        [3, 'c.png', 'carol'],
      ]);
      const left = await source().join(owners, 'id', { type: 'left' }).orderBy('id').collect();
      expect(left.map((r) => r.right_name)).toEqual(['alice', null, 'carol', null]);
      const full = await source().join(owners, 'id', { type: 'full' }).collect();
      expect(full).toHaveLength(5);
      expect(full.filter((r) => r.id === null).map((r) => r.right_name)).toEqual(['zed']);
    });

    it('left and full joins give NULL, not [], for the arrays of a missing side', async () => {
      const Owner = z.object({ id: z.int(), pets: z.array(z.string()), sizes: z.array(z.int()).nullable() });
      const owners = readRecords(
        [
          { id: 1, pets: ['cat'], sizes: [1] },
          { id: 9, pets: [], sizes: null },
        ],
        Owner,
        { session },
      );
      const left = await source().join(owners, 'id', { type: 'left' }).orderBy('id').collect();
      expect(left.map((r) => [r.id, r.pets, r.sizes, r.tags])).toEqual([
        [1, ['cat'], [1], ['x']],
        [2, null, null, []],
        [3, null, null, ['y', 'z']],
        [4, null, null, []],
      ]);
      const full = await source().join(owners, 'id', { type: 'full' }).orderBy('right_id').collect();
      expect(full.map((r) => [r.id, r.tags, r.right_id, r.pets])).toEqual([
        [1, ['x'], 1, ['cat']],
        [null, null, 9, []],
        ...[2, 3, 4].map((id) => [id, rows[id - 1]!.tags, null, null]),
      ]);
      expect(await source().join(owners, 'id', { type: 'left' }).filter(C('pets').isNull()).count()).toBe(3);
    });

    it('joining on a nullable array never matches NULL to NULL', async () => {
      const Keyed = z.object({ n: z.int(), key: z.array(z.int()).nullable() });
      const lefts = readRecords(
        [
          { n: 1, key: [1, 2] },
          { n: 2, key: null },
          { n: 3, key: [] },
        ],
        Keyed,
        { session },
      );
      const rights = readRecords(
        [
          { n: 10, key: null },
          { n: 20, key: [1, 2] },
          { n: 30, key: [] },
        ],
        Keyed,
        { session },
      );
      const pairs = async (type: 'inner' | 'left' | 'full') =>
        (await lefts.join(rights, 'key', { type }).collect())
          .map((r) => [r.n as number | null, r.right_n as number | null])
          .sort((a, b) => (a[0] ?? 99) - (b[0] ?? 99));
      expect(await pairs('inner')).toEqual([
        [1, 20],
        [3, 30],
      ]);
      expect(await pairs('left')).toEqual([
        [1, 20],
        [2, null],
        [3, 30],
      ]);
      expect(await pairs('full')).toEqual([
        [1, 20],
        [2, null],
        [3, 30],
        [null, 10],
      ]);
    });

    it('union checks schemas; subtract removes matching rows', async () => {
      const doubled = await source().union(source()).count();
      expect(doubled).toBe(8);
      const other = readValues({ id: [1, 2] }, { session });
      await expect(
        source()
          .union(other as never)
          .count(),
      ).rejects.toThrow(/same columns/);
      const rest = await source()
        .subtract(source().filter(C('det.label').eq('cat')), 'id')
        .orderBy('id')
        .collect();
      expect(rest.map((r) => r.id)).toEqual([2, 4]);
    });

    it('sample and shuffle are deterministic', async () => {
      const a = await source().sample(2).collect();
      const b = await source().sample(2).collect();
      expect(a).toHaveLength(2);
      expect(a).toEqual(b);
      const s1 = (await source().shuffle().collect()).map((r) => r.id);
      const s2 = (await source().shuffle().collect()).map((r) => r.id);
      expect(s1).toEqual(s2);
      expect([...s1].sort()).toEqual([1, 2, 3, 4]);
    });

    it('filters with or/isNull/like/in and array contains', async () => {
      const result = await source()
        .filter(or(C('note').isNull(), C('name').like('%.png'), C('id').in([4])))
        .filter(func.arrayLength(C('tags')).gte(0))
        .orderBy('id')
        .collect();
      expect(result.map((r) => r.id)).toEqual([1, 3, 4]);
    });
  });

  describe('NULL, empty and filled arrays, vectors and records', () => {
    const Optional = z.object({
      id: z.int(),
      tags: z.array(z.string()).nullable(),
      emb: vector(2).nullable(),
      meta: z.record(z.string(), z.number()).nullable(),
    });
    const optionalRows: z.infer<typeof Optional>[] = [
      { id: 1, tags: ['x', 'y'], emb: [1, 0], meta: { a: 1 } },
      { id: 2, tags: null, emb: null, meta: null },
      { id: 3, tags: [], emb: [0, 1], meta: {} },
      { id: 4, tags: ['x'], emb: null, meta: { b: 2 } },
    ];
    const optional = () => readDataset('optional_collections', { session });
    beforeAll(async () => {
      await readRecords(optionalRows, Optional, { session }).save('optional_collections');
    });
    const ids = async (chain: ReturnType<typeof optional>) =>
      (await chain.orderBy('id').collect()).map((r) => r.id);

    it('reads NULL back as null and empty as empty', async () => {
      expect(await optional().orderBy('id').collect()).toEqual(optionalRows);
    });

    it('isNull, arrayContains and arrayLength tell NULL from empty', async () => {
      expect(await ids(optional().filter(C('tags').isNull()))).toEqual([2]);
      expect(await ids(optional().filter(C('emb').isNotNull()))).toEqual([1, 3]);
      expect(await ids(optional().filter(C('meta').isNull()))).toEqual([2]);
      expect(await ids(optional().filter(func.arrayContains(C('tags'), 'x')))).toEqual([1, 4]);
      const lengths = await optional()
        .mutate({ n: func.arrayLength(C('tags')) })
        .orderBy('id')
        .collect();
      expect(lengths.map((r) => r.n)).toEqual([2, null, 0, 1]);
      const near = await optional()
        .filter(C('emb').isNotNull())
        .mutate({ d: func.euclideanDistance(C('emb'), [1, 0]) })
        .orderBy('d')
        .collect();
      expect(near.map((r) => [r.id, r.d])).toEqual([
        [1, 0],
        [3, Math.SQRT2],
      ]);
    });

    it('counts skip NULL; grouping and distinct keep NULL apart from empty', async () => {
      const counted = await optional()
        .mutate({ one: C('id').mul(0) })
        .groupBy('one', {
          n: count(),
          // Output names differ from the columns counted: ClickHouse resolves a column name to a same-named
          // output alias of the same SELECT.
          ntags: count('tags'),
          embs: count('emb'),
          kinds: aggregates.countDistinct('tags'),
        })
        .collect();
      expect(counted).toEqual([{ one: 0, n: 4, ntags: 3, embs: 2, kinds: 3 }]);
      const groups = await optional().groupBy('tags', { n: count() }).collect();
      const byKey = (pairs: unknown[][]) => pairs.map((p) => JSON.stringify(p)).sort();
      expect(byKey(groups.map((g) => [g.tags, g.n]))).toEqual(
        byKey([
          [['x'], 1],
          [['x', 'y'], 1],
          [[], 1],
          [null, 1],
        ]),
      );
      expect((await optional().distinct('meta').collect()).length).toBe(4);
    });
  });

  describe('chain terminals', () => {
    it('count/sum/avg/min/max run in SQL', async () => {
      expect(await source().count()).toBe(4);
      expect(await source().sum('det.box.w')).toBe(49);
      expect(await source().avg('det.confidence')).toBeCloseTo(0.785);
      expect(await source().min('name')).toBe('a.jpg');
      expect(await source().max('det.confidence')).toBe(0.99);
      expect(await source().filter(C('id').gt(100)).sum('id')).toBeNull();
    });

    it('integer sums never wrap past 64 bits: exact on ClickHouse, INTEGER_OVERFLOW on SQLite', async () => {
      const Big = z.object({ g: z.string(), n: z.int(), b: z.bigint() });
      const top = 2n ** 63n - 1n;
      const big = readRecords(
        [
          { g: 'x', n: Number.MAX_SAFE_INTEGER, b: top },
          { g: 'x', n: Number.MAX_SAFE_INTEGER, b: top },
        ],
        Big,
        { session },
      );
      const grouped = () => big.groupBy('g', { total: sum('b'), mean: avg('b') }).collect();
      // A sum inside an expression is widened too: 64-bit addition would wrap to -2, and the ratio to -1.
      const nested = () =>
        big.groupBy('g', { per_row: sum('b').div(count()), doubled: sum('n').mul(2) }).collect();
      if (warehouse === 'clickhouse') {
        expect(String(await big.sum('b'))).toBe(String(2n * top));
        expect((await grouped())[0]).toMatchObject({ g: 'x', total: 2n * top });
        const [row] = await nested();
        expect(row?.per_row).toBeCloseTo(Number(top), -6);
        expect(String(row?.doubled)).toBe(String(4n * BigInt(Number.MAX_SAFE_INTEGER)));
      } else {
        await expect(big.sum('b')).rejects.toMatchObject({ code: 'INTEGER_OVERFLOW' });
        await expect(grouped()).rejects.toMatchObject({ code: 'INTEGER_OVERFLOW' });
        await expect(nested()).rejects.toMatchObject({ code: 'INTEGER_OVERFLOW' });
      }
      expect(Number(await big.avg('b'))).toBeCloseTo(Number(top), -6);
      expect(String(await big.sum('n'))).toBe(String(2 * Number.MAX_SAFE_INTEGER));
    });

    it('async iteration streams typed rows', async () => {
      const seen: number[] = [];
      for await (const row of source().orderBy('id')) seen.push(row.id);
      expect(seen).toEqual([1, 2, 3, 4]);
    });

    it('show prints a table', async () => {
      let text = '';
      await source()
        .orderBy('id')
        .show(2, (t) => {
          text += t;
        });
      expect(text).toContain('det.confidence');
      expect(text).toContain('a.jpg');
      expect(text).not.toContain('c.png');
    });

    it('save creates versions, reuses the chain hash, and readDataset reads them back', async () => {
      const chain = source().filter(C('det.label').eq('cat'));
      const v1 = await chain.save('cats');
      expect(v1.version).toBe('1.0.0');
      expect(v1.rows).toBe(2);
      const again = await chain.save('cats');
      expect(again.version).toBe('1.0.0');
      const forced = await chain.save('cats', { force: true });
      expect(forced.version).toBe('1.0.1');
      const explicit = await source().save('cats', { version: '2.0.0' });
      expect(explicit.rows).toBe(4);
      expect(await readDataset('cats', { session }).count()).toBe(4);
      expect(await readDataset('cats', { session, version: '1.0.0' }).count()).toBe(2);
      const back = await readDataset<Detection>('cats', { session, version: '1.0.1' })
        .orderBy('id')
        .collect();
      expect(back).toEqual([rows[0], rows[2]]);
    });

    it('save records lineage and the chain hash', async () => {
      await source().save('lineage_src');
      const derived = await readDataset('lineage_src', { session }).filter(C('id').gt(1)).save('lineage_dst');
      expect(derived.lineage).toEqual([{ dataset: 'lineage_src', version: '1.0.0' }]);
      expect(derived.chainHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('drops temporary tables after terminals', async () => {
      const before = await session.warehouse.query(tempTablesQuery(warehouse));
      await source().filter(C('id').gt(1)).count();
      await source().collect();
      const after = await session.warehouse.query(tempTablesQuery(warehouse));
      expect(after[0]!.n).toBe(before[0]!.n);
    });
  });

  describe('chain errors', () => {
    it('unknown column names the path and the closest ones', async () => {
      const error = await source()
        .filter(C('det.confidense').gt(0.5))
        .count()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownColumnError);
      expect((error as Error).message).toContain("'det.confidense'");
      expect((error as Error).message).toContain('det.confidence');
    });

    it('type mismatches fail before any SQL runs', async () => {
      await expect(source().filter(C('name').gt(3)).count()).rejects.toBeInstanceOf(ExpressionTypeError);
      await expect(source().sum('name')).rejects.toBeInstanceOf(ExpressionTypeError);
      await expect(
        source()
          .groupBy('det.label', { s: sum('name') })
          .count(),
      ).rejects.toBeInstanceOf(ExpressionTypeError);
      await expect(source().filter(aggregates.count().gt(1)).count()).rejects.toThrow(/aggregates/);
    });

    it('an invalid record names its row and field', async () => {
      const bad = [{ ...rows[0]!, det: { ...rows[0]!.det, confidence: 'high' } }];
      const error = await readRecords(bad as never, Detection, { session })
        .count()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaError);
      expect((error as Error).message).toMatch(/Row 0: field 'det\.confidence'/);
    });

    it('a missing dataset lists what exists', async () => {
      await source().save('existing_one');
      await expect(readDataset('nope', { session }).count()).rejects.toThrow(/existing_one/);
    });
  });
});

/** Counts the chain's temporary tables in the session's warehouse catalogue. */
function tempTablesQuery(kind: WarehouseKind): { sql: string; parameters: unknown[] } {
  const catalogue =
    kind === 'sqlite' ? 'sqlite_master' : 'system.tables WHERE database = currentDatabase() AND';
  const where = kind === 'sqlite' ? ' WHERE' : '';
  return { sql: `SELECT count(*) AS n FROM ${catalogue}${where} name LIKE 'chainql_tmp_%'`, parameters: [] };
}
