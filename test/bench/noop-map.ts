/**
 * noop-map: the executor's own cost per row. A trivial synchronous map over N generated rows is run
 * (a) through executeUdf (validation, batching, bounded in-flight accounting, commits of 1000) and
 * (b) as a bare for-await loop doing the same fn call and batching, in the same process. The difference
 * per row is the engine overhead (goal ≤ 5 µs). Peak RSS is measured in fresh child processes at 100k
 * and 1M rows (goal: flat — the input is streamed and memory does not grow with the dataset).
 *
 *   npx tsx test/bench/noop-map.ts [--rows 1000000]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { UdfInputRow } from '../../compute/udf/index.ts';
import { executeUdf, map } from '../../compute/udf/index.ts';

const step = map({ y: z.number() }, (row: { x: number }) => ({ y: row.x + 1 }));

async function* rows(count: number): AsyncGenerator<UdfInputRow> {
  for (let i = 0; i < count; i++) yield { id: i + 1, row: { x: i } };
}

async function runEngine(count: number): Promise<number> {
  let committed = 0;
  const started = performance.now();
  await executeUdf(step, rows(count), {
    settings: { concurrency: 16, batchSize: 1000 },
    commit: async (batch) => {
      committed += batch.inputIds.length;
    },
  });
  if (committed !== count) throw new Error(`committed ${committed} of ${count}`);
  return performance.now() - started;
}

async function runBaseline(count: number): Promise<number> {
  let committed = 0;
  const commit = async (batch: unknown[]) => {
    committed += batch.length;
  };
  const started = performance.now();
  let batch: Array<{ y: number }> = [];
  for await (const r of rows(count)) {
    batch.push(step.fn(r.row as { x: number }, undefined as never) as { y: number });
    if (batch.length >= 1000) {
      await commit(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await commit(batch);
  if (committed !== count) throw new Error('baseline lost rows');
  return performance.now() - started;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (process.argv.includes('--child')) {
  const count = arg('child', 0);
  await runEngine(count);
  process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const count = arg('rows', 1_000_000);
  await runEngine(50_000); // warm-up (JIT)
  await runBaseline(50_000);
  const engine: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < 3; i++) {
    engine.push(await runEngine(count));
    baseline.push(await runBaseline(count));
  }
  const best = (xs: number[]) => Math.min(...xs);
  const engineUs = (best(engine) * 1000) / count;
  const baselineUs = (best(baseline) * 1000) / count;
  const overhead = engineUs - baselineUs;
  console.log(`noop-map, ${count.toLocaleString('en-US')} rows (best of 3)`);
  console.log(
    `  executor:       ${engineUs.toFixed(2)} µs/row  (${Math.round(count / (best(engine) / 1000)).toLocaleString('en-US')} rows/s)`,
  );
  console.log(`  bare loop:      ${baselineUs.toFixed(2)} µs/row`);
  console.log(
    `  engine overhead ${overhead.toFixed(2)} µs/row (goal ≤ 5) → ${overhead <= 5 ? 'OK' : 'MISSED'}; executor/bare = ${(engineUs / baselineUs).toFixed(2)}×`,
  );
  const self = fileURLToPath(import.meta.url);
  const rss = (n: number) =>
    (
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', self, '--child', String(n)], { encoding: 'utf8' }),
      ) as { maxRssMb: number }
    ).maxRssMb;
  const small = rss(100_000);
  const large = rss(count);
  console.log(
    `  peak RSS: 100k rows ${small.toFixed(0)} MB, ${count.toLocaleString('en-US')} rows ${large.toFixed(0)} MB → ratio ${(large / small).toFixed(2)} (goal ≈ 1, flat)`,
  );
}
