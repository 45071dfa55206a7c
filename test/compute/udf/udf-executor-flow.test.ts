import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BatchCommittedEvent, FinishedEvent } from '../../../compute/udf/index.ts';
import { executeUdf, map, UdfAbortedError, UdfSettingsError } from '../../../compute/udf/index.ts';
import { delay, numberRows, progressLog, recordingCommit } from './helpers.ts';

describe('executeUdf — in-flight bound and concurrency', () => {
  it.each([
    { batchSize: 50, concurrency: 8 },
    { batchSize: 10, concurrency: 32 },
    { batchSize: 1, concurrency: 4 },
  ])(
    'never holds more than batchSize + concurrency uncommitted rows ($batchSize, $concurrency)',
    async ({ batchSize, concurrency }) => {
      const uncommitted = new Set<number>();
      let peakUncommitted = 0;
      let running = 0;
      let peakRunning = 0;
      const starts = new Map<number, number>();
      const step = map({ y: z.number() }, async (row: { x: number }) => {
        const id = row.x + 1;
        starts.set(id, (starts.get(id) ?? 0) + 1);
        uncommitted.add(id);
        peakUncommitted = Math.max(peakUncommitted, uncommitted.size);
        running++;
        peakRunning = Math.max(peakRunning, running);
        await delay((row.x * 7) % 5);
        running--;
        return { y: row.x };
      });
      const rec = recordingCommit();
      await executeUdf(step, numberRows(400), {
        settings: { batchSize, concurrency },
        commit: async (batch) => {
          await delay(3); // a slow warehouse: rows keep finishing while this batch commits
          await rec.commit(batch);
          for (const id of batch.inputIds) uncommitted.delete(id);
        },
      });
      expect(peakUncommitted).toBeLessThanOrEqual(batchSize + concurrency);
      expect(peakRunning).toBe(Math.min(concurrency, batchSize + concurrency));
      expect([...starts.values()].every((n) => n === 1)).toBe(true);
      expect(rec.committedIds().sort((a, b) => a - b)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
      for (const batch of rec.batches)
        expect(batch.inputIds.length).toBeLessThanOrEqual(batchSize + concurrency);
    },
  );

  it('runs `concurrency` async calls at once', async () => {
    let running = 0;
    let peak = 0;
    const step = map({ y: z.number() }, async (row: { x: number }) => {
      running++;
      peak = Math.max(peak, running);
      await delay(100);
      running--;
      return { y: row.x };
    });
    const started = performance.now();
    await executeUdf(step, numberRows(64), {
      settings: { concurrency: 16 },
      commit: recordingCommit().commit,
    });
    expect(peak).toBe(16);
    // 64 rows × 100 ms at 16 in flight ≈ 0.4 s; sequential would be 6.4 s (a wide margin for a loaded machine).
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('rejects invalid settings with a message naming the setting', async () => {
    const step = map({ y: z.number() }, (row: { x: number }) => ({ y: row.x }));
    const commit = recordingCommit().commit;
    await expect(executeUdf(step, numberRows(1), { commit, settings: { concurrency: 0 } })).rejects.toThrow(
      /concurrency must be an integer ≥ 1, got 0/,
    );
    await expect(executeUdf(step, numberRows(1), { commit, settings: { batchSize: 2.5 } })).rejects.toThrow(
      UdfSettingsError,
    );
    await expect(
      executeUdf(step, numberRows(1), { commit, settings: { rateLimit: { requestsPerMinute: -1 } } }),
    ).rejects.toThrow(/rateLimit.requestsPerMinute must be a finite number > 0/);
    await expect(
      executeUdf(step, numberRows(1), { commit, settings: { retries: { attempts: 0 } } }),
    ).rejects.toThrow(/retries.attempts/);
  });
});

describe('executeUdf — abort', () => {
  it('stops promptly, passes the abort to the UDF and commits nothing after the abort', async () => {
    const controller = new AbortController();
    const seenAborts: number[] = [];
    const step = map({ y: z.number() }, async (row: { x: number }, ctx) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, row.x < 40 ? 1 : 5_000);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          seenAborts.push(row.x);
          resolve();
        });
      });
      return { y: row.x };
    });
    const rec = recordingCommit();
    let abortedAt = 0;
    const commitTimes: number[] = [];
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort(new Error('user cancelled'));
    }, 150);
    const error = await executeUdf(step, numberRows(1000), {
      settings: { batchSize: 10, concurrency: 8 },
      signal: controller.signal,
      commit: async (b) => {
        commitTimes.push(performance.now());
        await rec.commit(b);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UdfAbortedError);
    // The blocked calls would take 5 s: the run must end long before (margin for a loaded machine).
    expect(performance.now() - abortedAt).toBeLessThan(2_000);
    expect(commitTimes.every((t) => t < abortedAt)).toBe(true);
    // Exactly the fast rows (x < 40, ids 1..40) were committed; the blocked ones were aborted, not reported done.
    expect(rec.committedIds().sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(seenAborts.length).toBeGreaterThan(0);
  });

  it('stops even when the UDF ignores the signal', async () => {
    const controller = new AbortController();
    const step = map({ y: z.number() }, async (row: { x: number }) => {
      await delay(row.x === 0 ? 0 : 3_000);
      return { y: row.x };
    });
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await expect(
      executeUdf(step, numberRows(10), { signal: controller.signal, commit: recordingCommit().commit }),
    ).rejects.toThrow(UdfAbortedError);
    expect(performance.now() - started).toBeLessThan(2_000); // the UDF would take 3 s
  });

  it('rejects at once when the signal is already aborted, without calling setup', async () => {
    let setups = 0;
    const step = map({ y: z.number() }, (row: { x: number }) => ({ y: row.x }), { setup: () => setups++ });
    await expect(
      executeUdf(step, numberRows(10), { signal: AbortSignal.abort(), commit: recordingCommit().commit }),
    ).rejects.toThrow(UdfAbortedError);
    expect(setups).toBe(0);
  });
});

describe('executeUdf — progress events', () => {
  it('emits started, batchCommitted with done/total/rate, rowFailed for stored errors, finished', async () => {
    const step = map(
      { y: z.number() },
      (row: { x: number }) => {
        if (row.x === 5) throw new Error('bad row');
        return { y: row.x };
      },
      { onError: 'store', name: 'double' },
    );
    const log = progressLog();
    await executeUdf(step, numberRows(25), {
      settings: { batchSize: 10 },
      total: 25,
      onProgress: log.onProgress,
      commit: recordingCommit().commit,
    });
    const types = log.events.map((e) => e.type);
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('finished');
    expect(log.events[0]).toMatchObject({
      type: 'started',
      step: 'double',
      kind: 'map',
      total: 25,
      batchSize: 10,
    });
    const committed = log.events.filter((e): e is BatchCommittedEvent => e.type === 'batchCommitted');
    expect(committed.map((e) => e.done)).toEqual([10, 20, 25]);
    expect(committed.every((e) => e.total === 25 && e.rate > 0)).toBe(true);
    expect(log.events.filter((e) => e.type === 'rowFailed')).toEqual([
      expect.objectContaining({
        inputId: 6,
        stored: true,
        error: expect.objectContaining({ message: 'bad row' }),
      }),
    ]);
    expect(log.events.at(-1)).toMatchObject({
      status: 'succeeded',
      done: 25,
      outputs: 24,
      errors: 1,
    } satisfies Partial<FinishedEvent>);
  });

  it('reports a failed run in the finished event', async () => {
    const step = map({ y: z.number() }, () => {
      throw new Error('always');
    });
    const log = progressLog();
    await expect(
      executeUdf(step, numberRows(3), { onProgress: log.onProgress, commit: recordingCommit().commit }),
    ).rejects.toThrow();
    expect(log.events.at(-1)).toMatchObject({ type: 'finished', status: 'failed' });
  });
});
