/**
 * Benchmark (issue 9): point lookups and equality filters on a 1M-row dataset with a declared key.
 *
 * - key lookup `WHERE k = ?`: direct SQL on the version table, and through the chain
 *   (`readDataset(...).filter(C('k').eq(v)).collect()`);
 * - equality filter on an indexed field vs the same values in an unindexed field, through the chain and
 *   as direct SQL. Goal: indexed ≥ 20× faster than unindexed at 1M rows.
 *
 * The `<ds>_by_pk` over HTTP part (goal: median ≤ 0.5 ms on loopback) is added with the GraphQL layer;
 * the direct-SQL key lookup median printed here is its baseline.
 *
 *   npx tsx test/bench/point-lookup.ts [rows=1000000]
 *
 * Measured here (1M rows, 2 shared cores): key lookup 0.012 ms direct SQL, 0.115 ms via chain collect();
 * 100-row equality filter via chain 0.74 ms indexed vs 200 ms unindexed (271x), direct SQL 405x.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { C, readDataset, readRecords } from '../../compute/index.ts';
import { openSession, type Session } from '../../compute/session.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);
/** Distinct values of the filtered fields: each value matches ROWS / TAGS rows (100 at 1M). */
const TAGS = Math.max(1, Math.floor(ROWS / 100));

const Doc = z.object({
  k: z.string(),
  tag: z.string(),
  tagCopy: z.string(),
  n: z.int(),
});
type Doc = z.infer<typeof Doc>;

function* docs(n: number): Iterable<Doc> {
  for (let i = 0; i < n; i++) {
    const k = (i * 7919 + 13) % n;
    const tag = `t${k % TAGS}`;
    yield { k: `doc-${k}`, tag, tagCopy: tag, n: k };
  }
}

/** A deterministic pseudo-random sequence, so runs are comparable. */
function sampler(seed: number): (max: number) => number {
  let state = seed >>> 0;
  return (max) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % max;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median ms of `runs` calls (after `warmup` unmeasured calls); `check` guards against measuring misses. */
async function measure(runs: number, fn: (i: number) => Promise<number>, expected: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const start = performance.now();
    const found = await fn(i);
    const ms = performance.now() - start;
    if (found !== expected) throw new Error(`lookup ${i} returned ${found} rows, expected ${expected}`);
    if (i >= 3) times.push(ms);
  }
  return median(times);
}

async function build(session: Session): Promise<string> {
  const start = performance.now();
  const saved = await readRecords([...docs(ROWS)], Doc, { session }).save('lookup_bench', {
    primaryKey: ['k'],
    indexes: [['tag']],
  });
  console.log(`built ${saved.rows} rows with key (k) and index (tag) in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return saved.table;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chainql-bench-lookup-'));
  const session = await openSession({ dataDir: dir });
  try {
    const table = await build(session);
    const pick = sampler(42);
    const key = () => `doc-${pick(ROWS)}`;
    const tag = () => `t${pick(TAGS)}`;
    const perTag = ROWS / TAGS;
    const chain = () => readDataset<Doc>('lookup_bench', { session });
    const sql = (column: string) => `SELECT * FROM "${table}" WHERE "${column}" = ?`;
    const direct = async (column: string, value: string) =>
      (await session.warehouse.query({ sql: sql(column), parameters: [value] })).length;

    const pkSql = await measure(2000, () => direct('k', key()), 1);
    const pkChain = await measure(300, async () => (await chain().filter(C('k').eq(key())).collect()).length, 1);
    const ixChain = await measure(100, async () => (await chain().filter(C('tag').eq(tag())).collect()).length, perTag);
    const scanChain = await measure(7, async () => (await chain().filter(C('tagCopy').eq(tag())).collect()).length, perTag);
    const ixSql = await measure(300, () => direct('tag', tag()), perTag);
    const scanSql = await measure(7, () => direct('tagCopy', tag()), perTag);

    console.log(`${ROWS} rows; medians (ms):`);
    console.log(`  key lookup, direct SQL            ${pkSql.toFixed(3)}`);
    console.log(`  key lookup, chain collect()       ${pkChain.toFixed(3)}`);
    console.log(`  equality filter (${perTag} rows), chain: indexed ${ixChain.toFixed(3)}  unindexed ${scanChain.toFixed(3)}`);
    console.log(`  equality filter (${perTag} rows), SQL:   indexed ${ixSql.toFixed(3)}  unindexed ${scanSql.toFixed(3)}`);
    console.log(`RATIO unindexed/indexed (chain) = ${(scanChain / ixChain).toFixed(1)} (goal >= 20)`);
    console.log(`RATIO unindexed/indexed (SQL)   = ${(scanSql / ixSql).toFixed(1)} (goal >= 20)`);
  } finally {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
