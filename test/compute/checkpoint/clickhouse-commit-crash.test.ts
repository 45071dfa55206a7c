import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { WarehouseDriver } from '../../../clients/warehouse/warehouse-driver.ts';
import { readRecords } from '../../../compute/index.ts';
import type { Session } from '../../../compute/session.ts';
import { tempSession } from '../../helpers/temp-session.ts';

/**
 * Checkpoints without transactions: on ClickHouse a batch commit is two INSERTs (outputs, then done-ids). These
 * tests stop a run at the worst moments — after the outputs' INSERT and before the done-ids' (a worker killed
 * between them), and after the whole commit before the caller saw it (a lost acknowledgement, the commit sent
 * again) — then re-run the chain: the output is exact, no row is duplicated, and inputs whose outputs were
 * committed are not run again.
 */
const Item = z.object({ id: z.int(), text: z.string() });
/** Input rows, distinct per test (another input is another chain: its own checkpoint). */
const itemsFor = (tag: string) =>
  Array.from({ length: 120 }, (_, i) => ({ id: i + 1, text: `${tag}${i + 1}` }));

let session: Awaited<ReturnType<typeof tempSession>>;
beforeAll(async () => {
  session = await tempSession('clickhouse');
});
afterAll(async () => {
  await session?.cleanup();
});

class Crash extends Error {}

/** The session with a warehouse whose `writeAtomically` misbehaves on the `failAt`-th commit. */
function crashingSession(failAt: number, mode: 'between' | 'after-ack'): Session {
  const real = session.warehouse;
  let commits = 0;
  const warehouse = new Proxy(real, {
    get(target, key) {
      if (key !== 'writeAtomically') {
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return async (writes: Parameters<WarehouseDriver['writeAtomically']>[0]) => {
        commits++;
        if (commits !== failAt) return target.writeAtomically(writes);
        if (mode === 'between') {
          await target.writeAtomically(writes.slice(0, 1)); // outputs landed, done-ids did not
          throw new Crash('killed between the two INSERTs');
        }
        await target.writeAtomically(writes);
        await target.writeAtomically(writes); // the retry of a commit whose acknowledgement was lost
        throw new Crash('killed after the commit, before the acknowledgement');
      };
    },
  });
  return { ...session, warehouse } as Session;
}

describe.each(['between', 'after-ack'] as const)('a run stopped %s a batch commit, then re-run', (mode) => {
  it('gives exact output with no duplicates and does not redo committed inputs', async () => {
    const calls: number[] = [];
    const items = itemsFor(mode);
    const chain = (s: Session) =>
      readRecords(items, Item, { session: s })
        .settings({ batchSize: 10, concurrency: 1 })
        .gen({ part: z.string() }, (row) => {
          calls.push(row.id);
          return [{ part: `${row.text}-a` }, { part: `${row.text}-b` }];
        });
    const error = await chain(crashingSession(3, mode))
      .collect()
      .catch((e: unknown) => e);
    expect((error as Error).cause ?? error).toBeInstanceOf(Crash);
    calls.length = 0;
    const rows = await chain(session).collect();
    expect(rows).toHaveLength(240);
    expect(new Set(rows.map((r) => r.part)).size).toBe(240);
    expect(rows.map((r) => r.part).slice(0, 4)).toEqual([
      `${mode}1-a`,
      `${mode}1-b`,
      `${mode}2-a`,
      `${mode}2-b`,
    ]);
    // Batches 1–3 had committed their outputs: none of their inputs ran again.
    for (let id = 1; id <= 30; id++) expect(calls).not.toContain(id);
    expect(calls.length).toBeLessThanOrEqual(120 - 30);
  });
});
