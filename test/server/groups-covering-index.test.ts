import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SqliteWarehouse } from '../../clients/warehouse/sqlite/sqlite-warehouse.ts';
import { readRecords } from '../../compute/index.ts';
import { openSession, type Session } from '../../compute/session.ts';
import { createApp } from '../../server/app.ts';
import { gqlData, type Json } from './fixtures.ts';

const Det = z.object({
  rid: z.number().int(),
  det: z.object({ label: z.string(), confidence: z.number() }),
  score: z.number().nullable(),
});
const LABELS = ['cat', 'dog', 'bird', 'Cat', 'fish'];
const ROWS = Array.from({ length: 5000 }, (_, i) => ({
  rid: i + 1,
  det: { label: LABELS[(i * 7) % 5] as string, confidence: ((i * 37) % 100) / 100 },
  score: i % 9 === 0 ? null : (i % 50) / 2,
}));
const GROUPS = `{ dets_groups(by: ["det.label"], where: {score: {_gt: 3}}) {
  key { det { label } } aggregate { count avg { det { confidence } } } } }`;

let dir: string;
let session: Session;
let warehouse: SqliteWarehouse;
let table: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chainql-covering-'));
  session = await openSession({ dataDir: dir });
  warehouse = session.warehouse as SqliteWarehouse;
  await readRecords(ROWS, Det, { session }).save('dets');
  table = (await session.registry.getVersion('dets')).table;
});
afterAll(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** SQLite's plan for the grouped statement the server sends, seen by a fresh read-only connection. */
function groupPlan(): string {
  const db = new Database(join(dir, 'chainql.db'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT "det__label", count(*), avg("det__confidence") FROM "${table}" WHERE "score" > 3 GROUP BY "det__label"`,
      )
      .all() as { detail: string }[];
    return rows.map((r) => r.detail).join(' | ');
  } finally {
    db.close();
  }
}

describe('_groups: covering index built once for a repeated GROUP BY shape (SQLite)', () => {
  it('builds (keys…, columns…) in the background after the second read; answers stay the same', async () => {
    const app = await createApp({ session, apiKeys: '' });
    try {
      expect(groupPlan()).toContain('USE TEMP B-TREE FOR GROUP BY');
      const first = (await gqlData(app, GROUPS)) as Json;
      expect(warehouse.coveringIndexes()).toEqual([]);
      const second = (await gqlData(app, GROUPS)) as Json;
      await warehouse.coveringIndexesIdle();
      const [report, ...others] = warehouse.coveringIndexes();
      expect(others).toEqual([]);
      expect(report).toMatchObject({
        table,
        status: 'built',
        columns: ['det__label', 'det__confidence', 'score'],
      });
      expect(report?.ms).toBeGreaterThan(0);
      expect(report?.bytes).toBeGreaterThan(0);
      expect(groupPlan()).toContain(`USING COVERING INDEX ${report?.name}`);
      const third = (await gqlData(app, GROUPS)) as Json;
      expect(second).toEqual(first);
      expect(third).toEqual(first);
      const expected = new Map<string, { count: number; sum: number }>();
      for (const r of ROWS) {
        if (r.score === null || r.score <= 3) continue;
        const e = expected.get(r.det.label) ?? { count: 0, sum: 0 };
        e.count++;
        e.sum += r.det.confidence;
        expected.set(r.det.label, e);
      }
      const got = first.dets_groups as { key: Json; aggregate: Json }[];
      expect(got.map((g) => g.key.det.label)).toEqual([...expected.keys()].sort());
      for (const g of got) {
        const e = expected.get(g.key.det.label);
        expect(g.aggregate.count).toBe(e?.count);
        expect(g.aggregate.avg.det.confidence).toBeCloseTo((e?.sum ?? 0) / (e?.count ?? 1), 9);
      }
      // The same shape again, or a narrower one on the same keys, builds nothing new.
      await gqlData(app, GROUPS);
      await gqlData(app, '{ dets_groups(by: ["det.label"]) { key { det { label } } aggregate { count } } }');
      await gqlData(app, '{ dets_groups(by: ["det.label"]) { key { det { label } } aggregate { count } } }');
      await warehouse.coveringIndexesIdle();
      expect(warehouse.coveringIndexes()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('builds nothing with autoIndexAfter: 0', async () => {
    const other = mkdtempSync(join(tmpdir(), 'chainql-covering-off-'));
    const { openSqliteWarehouse } = await import('../../clients/warehouse/sqlite/sqlite-warehouse.ts');
    const off = await openSqliteWarehouse({ path: join(other, 'chainql.db'), autoIndexAfter: 0 });
    const s = await openSession({ dataDir: other, warehouse: off });
    try {
      await readRecords(ROWS.slice(0, 100), Det, { session: s }).save('dets');
      const app = await createApp({ session: s, apiKeys: '' });
      for (let i = 0; i < 3; i++) await gqlData(app, GROUPS);
      await app.close();
      expect(off.coveringIndexes()).toEqual([]);
    } finally {
      await s.close();
      await off.close();
      rmSync(other, { recursive: true, force: true });
    }
  });
});
