import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  C,
  CheckpointStore,
  ERROR_FIELD,
  OutputValidationError,
  type ProgressEvent,
  readDataset,
  readRecords,
  UdfRowError,
} from '../../../compute/index.ts';
import { countTables, tempSession, WAREHOUSES } from '../../helpers/temp-session.ts';

const Item = z.object({ id: z.int(), text: z.string(), group: z.string() });
const items = Array.from({ length: 300 }, (_, i) => ({
  id: i + 1,
  text: `item ${i + 1}`,
  group: `g${i % 3}`,
}));

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let session: Awaited<ReturnType<typeof tempSession>>;
  beforeAll(async () => {
    session = await tempSession(warehouse);
  });
  afterAll(async () => {
    await session.cleanup();
  });
  const source = () => readRecords(items, Item, { session });

  async function checkpointTables(): Promise<number> {
    return countTables(session, 'chainql_ckpt_');
  }

  describe('UDF steps in chains', () => {
    it('map adds validated output fields to each row', async () => {
      const rows = await source()
        .filter(C('id').lte(5))
        .map({ length: z.int(), upper: z.string() }, async (row) => ({
          length: row.text.length,
          upper: row.text.toUpperCase(),
        }))
        .collect();
      expect(rows).toHaveLength(5);
      expect(rows[0]).toEqual({ id: 1, text: 'item 1', group: 'g0', length: 6, upper: 'ITEM 1' });
    });

    it('SQL steps after a UDF run on its outputs', async () => {
      const n = await source()
        .map({ even: z.boolean() }, (row) => ({ even: row.id % 2 === 0 }))
        .filter(C('even').eq(true))
        .count();
      expect(n).toBe(150);
    });

    it('gen produces N rows per input in input order', async () => {
      const rows = await source()
        .filter(C('id').lte(3))
        .gen({ id: z.int(), part: z.int() }, function* (row) {
          for (let part = 0; part < row.id; part++) yield { id: row.id, part };
        })
        .collect();
      expect(rows.map((r) => `${r.id}.${r.part}`)).toEqual(['1.0', '2.0', '2.1', '3.0', '3.1', '3.2']);
    });

    it('agg gets whole partitions', async () => {
      const rows = await source()
        .agg('group', { group: z.string(), n: z.int(), first: z.int() }, (members, key) => [
          { group: key.group as string, n: members.length, first: members[0]!.id },
        ])
        .orderBy('group')
        .collect();
      expect(rows).toEqual([
        { group: 'g0', n: 100, first: 1 },
        { group: 'g1', n: 100, first: 2 },
        { group: 'g2', n: 100, first: 3 },
      ]);
    });

    it('batchMap maps N rows per call', async () => {
      const sizes: number[] = [];
      const rows = await source()
        .batchMap(
          { double: z.int() },
          (batch) => {
            sizes.push(batch.length);
            return batch.map((row) => ({ double: row.id * 2 }));
          },
          { rowsPerCall: 64 },
        )
        .collect();
      expect(rows.map((r) => r.double)).toEqual(items.map((i) => i.id * 2));
      expect(Math.max(...sizes)).toBe(64);
    });

    it('a wrong output names the row and the field', async () => {
      const error = await source()
        .map({ score: z.number() }, (row) => ({ score: row.id === 7 ? ('high' as unknown as number) : 1 }))
        .count()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutputValidationError);
      expect((error as Error).message).toMatch(/7/);
      expect((error as Error).message).toMatch(/score/);
    });

    it("onError: 'store' keeps going and fills the typed error column", async () => {
      const rows = await source()
        .filter(C('id').lte(4))
        .map(
          { ok: z.int() },
          (row) => {
            if (row.id === 2) throw new Error('boom on two');
            return { ok: row.id };
          },
          { onError: 'store' },
        )
        .collect();
      expect(rows).toHaveLength(4);
      const failed = rows.find((r) => r.id === 2) as Record<string, unknown>;
      expect(failed.ok).toBeNull();
      expect((failed[ERROR_FIELD] as { message: string }).message).toBe('boom on two');
      expect((rows.find((r) => r.id === 1) as Record<string, unknown>)[ERROR_FIELD]).toBeNull();
    });

    it('fail-fast names the row id', async () => {
      const error = await source()
        .map({ ok: z.int() }, (row) => {
          if (row.id === 9) throw new Error('nine');
          return { ok: 1 };
        })
        .count()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UdfRowError);
      expect((error as Error).message).toMatch(/9/);
    });
  });

  describe('checkpoints', () => {
    const calls = new Map<number, number>();
    let failAt = 0;
    const enrich = (row: { id: number }) => {
      calls.set(row.id, (calls.get(row.id) ?? 0) + 1);
      if (row.id === failAt) throw new Error(`crash at ${row.id}`);
      return { score: row.id * 10 };
    };

    it('resumes from committed batches after a failure, without duplicates', async () => {
      calls.clear();
      const tablesBefore = await checkpointTables();
      failAt = 150;
      const chain = source()
        .settings({ batchSize: 25, concurrency: 1, flushIntervalMs: 60_000 })
        .map({ score: z.int() }, (row) => enrich(row));
      await expect(chain.save('scored')).rejects.toThrow(/crash at 150/);
      const firstRun = [...calls.values()].reduce((a, b) => a + b, 0);
      expect(firstRun).toBe(150);
      expect(await checkpointTables()).toBe(tablesBefore + 3);
      failAt = 0;
      const version = await chain.save('scored');
      expect(version.rows).toBe(300);
      const total = [...calls.values()].reduce((a, b) => a + b, 0);
      // Rows committed before the crash are not redone; rework ≤ batchSize + concurrency.
      expect(total - 300).toBeLessThanOrEqual(25 + 1);
      const rows = await readDataset('scored', { session }).collect();
      expect(rows.map((r) => r.score)).toEqual(items.map((i) => i.id * 10));
      expect(new Set(rows.map((r) => r.id)).size).toBe(300);
      // The failed run left its checkpoint; the successful save dropped it again.
      expect(await checkpointTables()).toBe(tablesBefore);
    });

    it('a step whose rows were all committed before a crash still reports them when resumed', async () => {
      const chain = (onProgress?: (event: ProgressEvent) => void) =>
        source()
          .settings({ batchSize: 50, ...(onProgress ? { onProgress } : {}) })
          .map({ half: z.number() }, (row) => ({ half: row.id / 2 }));
      await chain().collect();
      // A crash after the last batch committed, before the step was marked done: the record says running.
      const store = await CheckpointStore.open(session.warehouse);
      const hashes = await session.warehouse.query({
        sql: 'SELECT step_hash FROM chainql_checkpoints',
        parameters: [],
      });
      expect(hashes.length).toBeGreaterThan(0);
      for (const { step_hash } of hashes) await store.mark(String(step_hash), 'running');
      const events: ProgressEvent[] = [];
      const rows = await chain((event) => events.push(event)).collect();
      expect(rows).toHaveLength(300);
      const started = events.filter((e) => e.type === 'started');
      expect(started).toHaveLength(1);
      expect(started[0]).toMatchObject({ total: 0, committed: 300 });
      expect(events.some((e) => e.type === 'batchCommitted')).toBe(false);
    });

    it('a saved chain with the same hash returns the existing version without running the UDF', async () => {
      calls.clear();
      const chain = source().map({ score: z.int() }, (row) => enrich(row));
      const first = await chain.save('scored_again');
      const callsAfterFirst = calls.size;
      const second = await chain.save('scored_again');
      expect(second.version).toBe(first.version);
      expect(calls.size).toBe(callsAfterFirst);
    });

    it('a changed UDF body recomputes; force recomputes from scratch', async () => {
      const a = await source()
        .map({ v: z.int() }, (row) => ({ v: row.id }))
        .save('changing');
      const b = await source()
        .map({ v: z.int() }, (row) => ({ v: row.id + 1 }))
        .save('changing');
      expect(b.version).not.toBe(a.version);
      expect((await readDataset('changing', { session }).limit(1).collect())[0]!.v).toBe(2);
      const forced = await source()
        .map({ v: z.int() }, (row) => ({ v: row.id + 1 }))
        .save('changing', { force: true });
      expect(forced.version).not.toBe(b.version);
    });
  });
});
