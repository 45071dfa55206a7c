/**
 * export-memory: `chainql export` streams. Two datasets of 100k and 1M rows (a nested record each) are
 * saved, then exported to CSV, JSON Lines and Parquet by the real command in fresh child processes; the
 * peak RSS of each (GNU time's max resident set) is compared: flat means the 1M/100k ratio stays near
 * 1, far below the 10x rows. The baseline is the same command on the 10x smaller dataset, same run.
 *
 *   npx tsx test/bench/export-memory.ts [--rows 1000000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readRecords } from '../../compute/chain/read.ts';
import { readDataset } from '../../compute/dataset/read-dataset.ts';
import { openSession } from '../../compute/session.ts';

const big = Number(process.argv[process.argv.indexOf('--rows') + 1] || 1_000_000);
const small = Math.round(big / 10);
const CLI = fileURLToPath(new URL('../../cli/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'chainql-bench-export-'));
const Row = z.object({
  id: z.int(),
  det: z.object({ label: z.string(), confidence: z.number() }),
  note: z.string(),
});

try {
  const session = await openSession({ dataDir: dir });
  const rows = Array.from({ length: big }, (_, i) => ({
    id: i,
    det: { label: `label-${i % 17}`, confidence: (i % 1000) / 1000 },
    note: `row ${i} of the export benchmark`,
  }));
  await readRecords(rows, Row, { session }).save('big');
  await readDataset('big', { session })
    .filter((await import('../../compute/index.ts')).C('id').lt(small))
    .save('small');
  await session.close();
  console.log(`datasets: small ${small} rows, big ${big} rows`);
  for (const format of ['csv', 'jsonl', 'parquet'] as const) {
    const rss: Record<string, number> = {};
    const times: Record<string, number> = {};
    for (const name of ['small', 'big']) {
      const out = join(dir, `${name}.${format}`);
      const started = performance.now();
      // GNU time prints the peak RSS (KB) of the child on stderr after the command's own output.
      const { stderr } = spawnSync(
        '/usr/bin/time',
        [
          '-f',
          'MAXRSS=%M',
          process.execPath,
          CLI,
          'export',
          name,
          '--format',
          format,
          '--out',
          out,
          '--no-progress',
          '--data',
          dir,
        ],
        { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] },
      );
      times[name] = performance.now() - started;
      rss[name] = Number(/MAXRSS=(\d+)/.exec(stderr)?.[1]) / 1024;
      console.log(
        `${format.padEnd(7)} ${name.padEnd(5)} peak RSS ${rss[name]?.toFixed(0)} MB, ${(times[name]! / 1000).toFixed(1)} s, file ${(statSync(out).size / 1e6).toFixed(1)} MB`,
      );
    }
    console.log(
      `${format.padEnd(7)} RSS ratio big/small: ${((rss.big ?? 0) / (rss.small ?? 1)).toFixed(2)}x for ${big / small}x the rows (goal: flat, < 1.5x)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
