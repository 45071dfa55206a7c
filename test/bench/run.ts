/**
 * The bench runner behind `npm run bench`: `npm run bench -- <name> [args…]` runs test/bench/<name>.ts in a
 * child process (one at a time, on a quiet machine); without a name it lists the benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Every benchmark, with what it measures (README "Benchmarks" has the goals). */
export const BENCHMARKS: Record<string, string> = {
  'warehouse-insert': 'save() vs raw better-sqlite3 batched inserts; 1M-row scan RSS',
  'noop-map': 'UDF engine overhead per row on 1M rows; RSS 100k vs 1M',
  'io-map': '20k rows x 50 ms mock LLM calls at concurrency 16/64/256',
  'graphql-vs-sql': 'filter/aggregate/groups over HTTP vs the same SQL; 32 clients',
  'point-lookup': '1M keyed rows: _by_pk over HTTP vs its SQL; indexed vs unindexed filter',
  'index-timing': 'creating indexes after vs before a 1M-row bulk insert',
  listing: '50k keys behind a 20 ms proxy: readStorage vs raw SDK',
  prefetch: '2k x 256 KB files, 30 ms latency, CPU-bound UDF',
  bridge: 'readDatabase/toDatabase vs hand-written pg loops; COPY ceiling',
  workers: 'BullMQ: 2 workers vs 1 on a CPU-bound map',
  delta: '100k files, 1% changed: delta run vs full run',
  warehouses:
    '1M nested rows: save and GraphQL filter/_aggregate/_groups/_by_pk, SQLite vs ClickHouse (chdb, HTTP)',
};

const [name, ...args] = process.argv.slice(2);
if (name === undefined || !(name in BENCHMARKS)) {
  if (name !== undefined) process.stderr.write(`unknown benchmark '${name}'\n`);
  process.stdout.write('npm run bench -- <name> [args]\n\n');
  for (const [bench, what] of Object.entries(BENCHMARKS))
    process.stdout.write(`  ${bench.padEnd(18)} ${what}\n`);
  process.exitCode = name === undefined ? 0 : 2;
} else {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  if (!existsSync(file)) throw new Error(`benchmark file ${file} is missing`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
}
