import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  agg,
  batchMap,
  executeAgg,
  executeUdf,
  gen,
  map,
  OutputValidationError,
  UdfCommitError,
  UdfRowError,
  UdfSettingsError,
} from '../../../compute/udf/index.ts';
import { delay, numberRows, recordingCommit } from './helpers.ts';

describe('executeUdf — UDF kinds', () => {
  it('map: one validated output per row, every input id committed exactly once', async () => {
    const step = map({ y: z.number() }, async (row: { x: number }) => ({ y: row.x * 2 }));
    const rec = recordingCommit();
    const summary = await executeUdf(step, numberRows(2500), {
      commit: rec.commit,
      settings: { batchSize: 1000 },
    });
    const ids = rec.committedIds();
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
    const outputs = rec.batches.flatMap((b) => b.outputs);
    expect(outputs.find((o) => o.inputId === 11)).toEqual({ inputId: 11, index: 0, output: { y: 20 } });
    expect(summary).toMatchObject({ rows: 2500, outputs: 2500, errors: 0, batches: 3 });
  });

  it('map: strips fields not declared in the output shape and applies zod defaults', async () => {
    const step = map(
      { y: z.number(), tag: z.string().default('none') },
      (row: { x: number }) => ({ y: row.x, extra: 1 }) as { y: number },
    );
    const rec = recordingCommit();
    await executeUdf(step, numberRows(1), { commit: rec.commit });
    expect(rec.batches[0]!.outputs[0]!.output).toEqual({ y: 0, tag: 'none' });
  });

  it('gen: async generators and arrays give N outputs per row; rows with zero outputs are still committed', async () => {
    const fromGenerator = gen({ part: z.string() }, async function* (row: { x: number }) {
      for (let i = 0; i < row.x % 3; i++) yield { part: `${row.x}.${i}` };
    });
    const fromArray = gen({ part: z.string() }, (row: { x: number }) =>
      Array.from({ length: row.x % 3 }, (_, i) => ({ part: `${row.x}.${i}` })),
    );
    for (const step of [fromGenerator, fromArray]) {
      const rec = recordingCommit();
      const summary = await executeUdf(step, numberRows(6), { commit: rec.commit });
      expect(rec.committedIds().sort()).toEqual([1, 2, 3, 4, 5, 6]);
      const parts = rec.batches
        .flatMap((b) => b.outputs)
        .sort((a, b) => a.inputId - b.inputId || a.index - b.index);
      expect(parts.map((p) => [p.inputId, p.index, p.output.part])).toEqual([
        [2, 0, '1.0'],
        [3, 0, '2.0'],
        [3, 1, '2.1'],
        [5, 0, '4.0'],
        [6, 0, '5.0'],
        [6, 1, '5.1'],
      ]);
      expect(summary.outputs).toBe(6);
    }
  });

  it('batchMap: one call per chunk of rowsPerCall rows, output i belongs to row i', async () => {
    const calls: number[] = [];
    const step = batchMap(
      { y: z.number() },
      async (rows: Array<{ x: number }>) => {
        calls.push(rows.length);
        return rows.map((r) => ({ y: r.x + 100 }));
      },
      { rowsPerCall: 4 },
    );
    const rec = recordingCommit();
    await executeUdf(step, numberRows(10), { commit: rec.commit });
    expect(calls.sort()).toEqual([2, 4, 4]);
    const outputs = rec.batches.flatMap((b) => b.outputs);
    expect(outputs.find((o) => o.inputId === 10)!.output).toEqual({ y: 109 });
    expect(rec.committedIds().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('batchMap: a wrong number of outputs names the first row of the call', async () => {
    const step = batchMap(
      { y: z.number() },
      (rows: Array<{ x: number }>) => rows.slice(1).map((r) => ({ y: r.x })),
      { rowsPerCall: 5 },
    );
    await expect(executeUdf(step, numberRows(5), { commit: recordingCommit().commit })).rejects.toThrow(
      /row 1.*expected 5 outputs \(one per row, in order\), got 4/,
    );
  });

  it('agg: each group is one call, committed whole with all its row ids', async () => {
    const step = agg(
      'g',
      { g: z.number(), total: z.number(), n: z.number() },
      (rows: Array<{ x: number }>, key) => [
        { g: key.g as number, total: rows.reduce((s, r) => s + r.x, 0), n: rows.length },
      ],
    );
    const groups = [0, 1, 2].map((g) => ({
      key: { g },
      rows: [1, 2, 3].map((i) => ({ id: g * 10 + i, row: { x: g * 10 + i } })),
    }));
    const rec = recordingCommit();
    const summary = await executeAgg(step, groups, { commit: rec.commit, settings: { batchSize: 4 } });
    for (const batch of rec.batches) expect(batch.inputIds.length % 3).toBe(0);
    expect(rec.committedIds().sort((a, b) => a - b)).toEqual([1, 2, 3, 11, 12, 13, 21, 22, 23]);
    const outputs = rec.batches.flatMap((b) => b.outputs);
    expect(outputs.find((o) => o.inputId === 11)!.output).toEqual({ g: 1, total: 36, n: 3 });
    expect(summary.outputs).toBe(3);
  });

  it('refuses an agg step in executeUdf and points at executeAgg', async () => {
    const step = agg('g', { n: z.number() }, (rows) => [{ n: rows.length }]);
    await expect(executeUdf(step, numberRows(1), { commit: recordingCommit().commit })).rejects.toThrow(
      UdfSettingsError,
    );
    await expect(executeUdf(step, numberRows(1), { commit: recordingCommit().commit })).rejects.toThrow(
      /executeAgg/,
    );
  });
});

describe('executeUdf — output validation and error policies', () => {
  const badOnSeven = map(
    { emb: z.array(z.number()), meta: z.object({ label: z.string() }) },
    (row: { x: number }) =>
      row.x === 7
        ? ({ emb: [1, 'two'], meta: { label: 3 } } as never)
        : { emb: [row.x], meta: { label: `r${row.x}` } },
  );

  it('fail: a wrong output throws OutputValidationError naming the row id, the field paths and the problem', async () => {
    const error = await executeUdf(badOnSeven, numberRows(20), { commit: recordingCommit().commit }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OutputValidationError);
    const v = error as OutputValidationError;
    expect(v.rowId).toBe(8);
    expect(v.issues.map((i) => i.path).sort()).toEqual(['emb.1', 'meta.label']);
    expect(v.message).toMatch(/row 8/);
    expect(v.message).toMatch(/'emb\.1': .*expected number, received string/);
  });

  it('store: wrong outputs become stored errors for their rows and the run goes on', async () => {
    const step = { ...badOnSeven, options: { onError: 'store' as const } };
    const rec = recordingCommit();
    const summary = await executeUdf(step, numberRows(20), { commit: rec.commit });
    expect(summary).toMatchObject({ rows: 20, outputs: 19, errors: 1 });
    const errors = rec.batches.flatMap((b) => b.errors);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      inputId: 8,
      error: { name: 'OutputValidationError', code: 'UDF_OUTPUT_INVALID', attempts: 1 },
    });
    expect(rec.committedIds()).toContain(8);
  });

  it('fail: a thrown error becomes UdfRowError with the row id and the original error (and stack) as cause', async () => {
    const step = map({ y: z.number() }, function explode(row: { x: number }) {
      if (row.x === 41) throw new TypeError('cannot parse row 41');
      return { y: row.x };
    });
    const error = (await executeUdf(step, numberRows(100), {
      commit: recordingCommit().commit,
      settings: { concurrency: 1 },
    }).catch((e: unknown) => e)) as UdfRowError;
    expect(error).toBeInstanceOf(UdfRowError);
    expect(error.rowId).toBe(42);
    expect(error.message).toMatch(/failed for row 42 after 1 attempt\(s\): TypeError: cannot parse row 41/);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).stack).toMatch(/explode/);
  });

  it('fail: rows finished before the failure are committed; the failing row is not', async () => {
    const step = map({ y: z.number() }, (row: { x: number }) => {
      if (row.x === 30) throw new Error('boom');
      return { y: row.x };
    });
    const rec = recordingCommit();
    await expect(
      executeUdf(step, numberRows(100), {
        commit: rec.commit,
        settings: { concurrency: 1, batchSize: 1000 },
      }),
    ).rejects.toThrow(UdfRowError);
    expect(rec.committedIds()).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('store: thrown errors are stored with name, message, code and stack', async () => {
    const step = map(
      { y: z.number() },
      (row: { x: number }) => {
        if (row.x % 2 === 0) throw Object.assign(new RangeError(`even ${row.x}`), { code: 'E_EVEN' });
        return { y: row.x };
      },
      { onError: 'store' },
    );
    const rec = recordingCommit();
    const summary = await executeUdf(step, numberRows(10), { commit: rec.commit });
    expect(summary).toMatchObject({ rows: 10, outputs: 5, errors: 5 });
    const stored = rec.batches.flatMap((b) => b.errors).find((e) => e.inputId === 3)!;
    expect(stored.error).toMatchObject({
      name: 'RangeError',
      message: 'even 2',
      code: 'E_EVEN',
      attempts: 1,
    });
    expect(stored.error.stack).toMatch(/RangeError: even 2/);
  });

  it('a failing commit stops the run with UdfCommitError carrying the cause', async () => {
    const step = map({ y: z.number() }, (row: { x: number }) => ({ y: row.x }));
    const cause = new Error('disk full');
    const error = (await executeUdf(step, numberRows(50), {
      settings: { batchSize: 10 },
      commit: async () => {
        throw cause;
      },
    }).catch((e: unknown) => e)) as UdfCommitError;
    expect(error).toBeInstanceOf(UdfCommitError);
    expect(error.cause).toBe(cause);
  });
});

describe('executeUdf — setup and teardown', () => {
  it('runs setup once, passes its resource as ctx.resource, and tears down after success and failure', async () => {
    const log: string[] = [];
    const make = (failAt: number) =>
      map(
        { y: z.string() },
        async (row: { x: number }, ctx) => {
          if (row.x === failAt) throw new Error('nope');
          return { y: `${ctx.resource.prefix}${row.x}` };
        },
        {
          setup: async () => {
            log.push('setup');
            return { prefix: 'p-' };
          },
          teardown: (resource) => {
            log.push(`teardown ${resource.prefix}`);
          },
        },
      );
    const rec = recordingCommit();
    await executeUdf(make(-1), numberRows(5), { commit: rec.commit });
    expect(rec.batches[0]!.outputs.map((o) => o.output.y)).toContain('p-4');
    await expect(executeUdf(make(2), numberRows(5), { commit: rec.commit })).rejects.toThrow(UdfRowError);
    expect(log).toEqual(['setup', 'teardown p-', 'setup', 'teardown p-']);
  });
});

describe('executeUdf — streaming with a slow source', () => {
  it('starts rows before the input is fully read and commits on the time flush', async () => {
    const step = map({ y: z.number() }, (row: { x: number }) => ({ y: row.x }));
    const rec = recordingCommit();
    const committedAt: number[] = [];
    const started = performance.now();
    await executeUdf(step, numberRows(30, 10), {
      settings: { batchSize: 1000, flushIntervalMs: 100 },
      commit: async (b) => {
        committedAt.push(performance.now() - started);
        await rec.commit(b);
      },
    });
    expect(rec.committedIds()).toHaveLength(30);
    // ~300 ms of input with a 100 ms flush interval: several partial batches, the first well before the end.
    expect(rec.batches.length).toBeGreaterThanOrEqual(2);
    expect(committedAt[0]!).toBeLessThan(250);
  });

  it('keeps waiting on the input without busy looping', async () => {
    const step = map({ y: z.number() }, async (row: { x: number }) => {
      await delay(1);
      return { y: row.x };
    });
    const rec = recordingCommit();
    const summary = await executeUdf(step, numberRows(5, 20), { commit: rec.commit });
    expect(summary.rows).toBe(5);
  });
});

describe('executeUdf — per-row errors in batchMap and agg', () => {
  it('batchMap store: an invalid output fails only its own row; a thrown error fails every row of the call', async () => {
    const step = batchMap(
      { y: z.number() },
      (rows: Array<{ x: number }>) => {
        if (rows.some((r) => r.x === 9)) throw new Error('batch with 9 rejected');
        return rows.map((r) => (r.x === 2 ? ({ y: 'two' } as never) : { y: r.x }));
      },
      { rowsPerCall: 5, onError: 'store' },
    );
    const rec = recordingCommit();
    const summary = await executeUdf(step, numberRows(10), { commit: rec.commit });
    const errors = rec.batches.flatMap((b) => b.errors);
    expect(errors.map((e) => e.inputId).sort((a, b) => a - b)).toEqual([3, 6, 7, 8, 9, 10]);
    expect(errors.find((e) => e.inputId === 3)!.error.name).toBe('OutputValidationError');
    expect(errors.find((e) => e.inputId === 7)!.error.message).toBe('batch with 9 rejected');
    expect(summary).toMatchObject({ rows: 10, outputs: 4, errors: 6 });
  });

  it('agg store: a failing group stores one error anchored at its first row and commits all its ids', async () => {
    const step = agg(
      'g',
      { n: z.number() },
      (rows: Array<{ x: number }>, key) => {
        if (key.g === 1) throw new Error('group 1 failed');
        return [{ n: rows.length }];
      },
      { onError: 'store' },
    );
    const groups = [0, 1].map((g) => ({
      key: { g },
      rows: [1, 2].map((i) => ({ id: g * 10 + i, row: { x: i } })),
    }));
    const rec = recordingCommit();
    await executeAgg(step, groups, { commit: rec.commit });
    expect(rec.committedIds().sort((a, b) => a - b)).toEqual([1, 2, 11, 12]);
    expect(rec.batches.flatMap((b) => b.errors).map((e) => e.inputId)).toEqual([11]);
  });
});

describe('executeUdf — input errors', () => {
  it('rejects with the input error and commits nothing after it, even when calls finish later', async () => {
    const step = map({ y: z.number() }, async (row: { x: number }) => {
      await delay(row.x < 5 ? 1 : 80);
      return { y: row.x };
    });
    async function* broken() {
      yield* numberRows(10);
      await delay(30);
      throw new Error('warehouse read failed');
    }
    const rec = recordingCommit();
    let failedAt = 0;
    await expect(
      executeUdf(step, broken(), { settings: { batchSize: 3, concurrency: 16 }, commit: rec.commit }).catch(
        (e: unknown) => {
          failedAt = performance.now();
          throw e;
        },
      ),
    ).rejects.toThrow('warehouse read failed');
    const committedBefore = rec.committedIds().length;
    await delay(150);
    expect(rec.committedIds().length).toBe(committedBefore);
    expect(failedAt).toBeGreaterThan(0);
  });
});
