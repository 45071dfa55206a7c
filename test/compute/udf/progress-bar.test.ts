import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { executeUdf, map } from '../../../compute/udf/index.ts';
import { formatDuration, ProgressBar } from '../../../compute/udf/progress-bar.ts';
import { numberRows, recordingCommit } from './helpers.ts';

function recorder(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 100, write: (c: string) => chunks.push(c) } };
}

describe('ProgressBar', () => {
  it('draws a bar with percentage, counts, rate and ETA on a TTY, redrawn in place', () => {
    const out = recorder(true);
    let clock = 0;
    const bar = new ProgressBar({ stream: out.stream, now: () => clock });
    bar.handle({
      type: 'started',
      step: 'embed',
      kind: 'map',
      total: 10_000,
      concurrency: 8,
      parallel: 1,
      batchSize: 1000,
    });
    clock = 1000;
    bar.handle({
      type: 'batchCommitted',
      step: 'embed',
      rows: 2500,
      outputs: 2500,
      errors: 3,
      done: 2500,
      total: 10_000,
      rate: 500,
      elapsedMs: 5000,
    });
    const last = out.chunks.at(-1)!;
    expect(last.startsWith('\r')).toBe(true);
    expect(last).toContain(' 25% 2,500/10,000 500 rows/s ETA 15s 3 errors');
    expect(last).toMatch(/\[#+\.+\]/);
  });

  it('a resumed step counts the rows committed by an earlier run as done', () => {
    const out = recorder(true);
    let clock = 0;
    const bar = new ProgressBar({ stream: out.stream, now: () => clock });
    const step = { step: 'embed', kind: 'map' as const, concurrency: 8, parallel: 1, batchSize: 1000 };
    bar.handle({ type: 'started', ...step, total: 4000, committed: 6000 });
    expect(out.chunks.at(-1)).toContain(' 60% 6,000/10,000');
    clock = 1000;
    bar.handle({
      type: 'batchCommitted',
      step: 'embed',
      rows: 1000,
      outputs: 1000,
      errors: 0,
      done: 1000,
      total: 4000,
      rate: 1000,
      elapsedMs: 1000,
    });
    expect(out.chunks.at(-1)).toContain(' 70% 7,000/10,000');
    bar.handle({
      type: 'finished',
      step: 'embed',
      status: 'succeeded',
      done: 4000,
      outputs: 4000,
      errors: 0,
      elapsedMs: 4000,
      rate: 1000,
    });
    expect(out.chunks.at(-1)).toContain(
      'embed: succeeded, 4,000 rows in 4.0s (+ 6,000 committed by an earlier run)',
    );
  });

  it('throttles redraws and ends with a summary line', () => {
    const out = recorder(true);
    let clock = 0;
    const bar = new ProgressBar({ stream: out.stream, now: () => clock, redrawMs: 100 });
    bar.handle({ type: 'started', step: 's', kind: 'map', concurrency: 1, parallel: 1, batchSize: 1 });
    for (let i = 1; i <= 50; i++) {
      clock = i; // 50 batches within 50 ms: only the first is drawn
      bar.handle({
        type: 'batchCommitted',
        step: 's',
        rows: 1,
        outputs: 1,
        errors: 0,
        done: i,
        rate: 1000,
        elapsedMs: i,
      });
    }
    expect(out.chunks.length).toBeLessThanOrEqual(3);
    bar.handle({
      type: 'finished',
      step: 's',
      status: 'succeeded',
      done: 50,
      outputs: 50,
      errors: 0,
      elapsedMs: 50,
      rate: 1000,
    });
    expect(out.chunks.at(-1)).toBe('s: succeeded, 50 rows in 0.1s\n');
    expect(out.chunks.join('')).toContain('50 rows');
  });

  it('prints plain lines without control characters when not a TTY', async () => {
    const out = recorder(false);
    const bar = new ProgressBar({ stream: out.stream });
    const step = map({ y: z.number() }, (row: { x: number }) => ({ y: row.x }), { name: 'double' });
    await executeUdf(step, numberRows(3000), {
      settings: { batchSize: 1000 },
      total: 3000,
      onProgress: bar.handle,
      commit: recordingCommit().commit,
    });
    const text = out.chunks.join('');
    expect(text).not.toContain('\r');
    expect(text).toContain('double [');
    expect(text).toContain('double: succeeded, 3,000 rows in');
  });

  it('formats durations', () => {
    expect(formatDuration(400)).toBe('0.4s');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
  });
});
