import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  executeUdf,
  map,
  UdfLoadError,
  UdfRowError,
  UdfWorkerError,
  udfFromModule,
} from '../../../compute/udf/index.ts';
import {
  badSetup,
  crashingMap,
  failingMap,
  flakyMap,
  repeatGen,
  spinMap,
  squareBatch,
} from './fixtures/cpu-udfs.ts';
import { numberRows, recordingCommit } from './helpers.ts';

const fixture = new URL('./fixtures/cpu-udfs.ts', import.meta.url).href;

describe('parallel worker threads', () => {
  it('runs a CPU-bound UDF exported from a module in ≥ 2 threads, with setup in each thread', async () => {
    const rec = recordingCommit();
    const summary = await executeUdf(spinMap, numberRows(24), {
      settings: { parallel: 2, concurrency: 1, batchSize: 10 },
      commit: rec.commit,
    });
    const outputs = rec.batches.flatMap((b) => b.outputs);
    const threads = new Set(outputs.map((o) => o.output.threadId as number));
    expect(threads.size).toBe(2);
    expect(threads.has(0)).toBe(false); // not the main thread
    expect(outputs.every((o) => o.output.setupThread === o.output.threadId)).toBe(true);
    expect(outputs.find((o) => o.inputId === 5)!.output.checksum).toBe(8);
    expect(new Set(summary.threadIds)).toEqual(threads);
    expect(rec.committedIds()).toHaveLength(24);
  });

  it('runs gen and batchMap steps in threads', async () => {
    const gens = recordingCommit();
    await executeUdf(repeatGen, numberRows(9), { settings: { parallel: 2 }, commit: gens.commit });
    expect(gens.batches.flatMap((b) => b.outputs)).toHaveLength(9);
    const squares = recordingCommit();
    await executeUdf(squareBatch, numberRows(20), { settings: { parallel: 2 }, commit: squares.commit });
    const outputs = squares.batches.flatMap((b) => b.outputs);
    expect(outputs.find((o) => o.inputId === 13)!.output).toEqual({ sq: 144 });
    expect(outputs).toHaveLength(20);
  });

  it('keeps retry classification across the thread boundary', async () => {
    const summary = await executeUdf(flakyMap, numberRows(4), {
      settings: { parallel: 2 },
      commit: recordingCommit().commit,
    });
    expect(summary).toMatchObject({ outputs: 4, retries: 4 });
  });

  it('reports a thread-side row error with the row id and the original name, message and stack', async () => {
    const error = (await executeUdf(failingMap, numberRows(6), {
      settings: { parallel: 2 },
      commit: recordingCommit().commit,
    }).catch((e: unknown) => e)) as UdfRowError;
    expect(error).toBeInstanceOf(UdfRowError);
    expect(error.rowId).toBe(4);
    expect((error.cause as Error).name).toBe('RangeError');
    expect((error.cause as Error).stack).toMatch(/failInThread/);
  });

  it('fails with UdfWorkerError when setup fails in the threads', async () => {
    await expect(
      executeUdf(badSetup, numberRows(3), { settings: { parallel: 2 }, commit: recordingCommit().commit }),
    ).rejects.toThrow(UdfWorkerError);
  });

  it('fails the run with UdfWorkerError (even with onError store) when a thread dies mid-run', async () => {
    const step = { ...crashingMap, options: { onError: 'store' as const } };
    const error = await executeUdf(step, numberRows(6), {
      settings: { parallel: 2 },
      commit: recordingCommit().commit,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UdfWorkerError);
    expect((error as Error).message).toMatch(/stopped unexpectedly/);
  });

  it('gives a clear UdfLoadError for an inline closure with parallel > 1', async () => {
    const inline = map({ y: z.number() }, (row: { x: number }) => ({ y: row.x }));
    const error = (await executeUdf(inline, numberRows(3), {
      settings: { parallel: 2 },
      commit: recordingCommit().commit,
    }).catch((e: unknown) => e)) as UdfLoadError;
    expect(error).toBeInstanceOf(UdfLoadError);
    expect(error.message).toMatch(/export/i);
    expect(error.message).toMatch(/thread-invoker\.test\.ts/);
  });

  it('udfFromModule loads an export by name and pins it for the threads', async () => {
    const step = await udfFromModule(fixture, 'squareBatch');
    expect(step.origin).toMatchObject({ exportName: 'squareBatch' });
    const rec = recordingCommit();
    await executeUdf(step, numberRows(3), { settings: { parallel: 2 }, commit: rec.commit });
    expect(
      rec.batches
        .flatMap((b) => b.outputs)
        .map((o) => o.output.sq)
        .sort(),
    ).toEqual([0, 1, 4]);
    await expect(udfFromModule(fixture, 'nope')).rejects.toThrow(/no UDF step exported as 'nope'/);
  });
});

describe('parallel worker threads — abort', () => {
  it('stops promptly and releases the threads when aborted mid-run', async () => {
    const controller = new AbortController();
    const slowRows = (async function* () {
      for (let i = 0; i < 200; i++) yield { id: i + 1, row: { x: i, spin: 50 } };
    })();
    let committedAfterAbort = false;
    let aborted = false;
    setTimeout(() => {
      aborted = true;
      controller.abort();
    }, 2500);
    const started = performance.now();
    const error = await executeUdf(spinMap, slowRows, {
      settings: { parallel: 2, concurrency: 1, batchSize: 5 },
      signal: controller.signal,
      commit: async () => {
        if (aborted) committedAfterAbort = true;
      },
    }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('UdfAbortedError');
    expect(committedAfterAbort).toBe(false);
    expect(performance.now() - started).toBeLessThan(8_000);
  });
});
