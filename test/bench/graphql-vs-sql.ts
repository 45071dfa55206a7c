/**
 * GraphQL over HTTP vs the same compiled SQL run directly.
 *
 *   npx tsx test/bench/graphql-vs-sql.ts [rows=200000] [iterations=30]
 *
 * Saves a nested dataset (`det.box.w` depth 3), serves it on loopback, and for a filter, an aggregate and a
 * group query measures the median latency of (a) an HTTP POST to /graphql and (b) executing the exact SQL
 * statement the server compiled (captured from its warehouse's `read`) on a better-sqlite3 connection in this
 * thread. Prints the ratio a/b per query (goal ≤ 1.2× for results of ≤ 100 rows), then throughput with
 * 32 concurrent clients. Absolute times on a shared machine are noise; the ratios are the result.
 *
 * A read the server splits over row-id ranges (parallel scans, see server/query/range-split.ts) or over ranges of
 * its first group key (server/query/key-split.ts, once the covering index for the group shape exists) is compared
 * with its whole statement run directly; `pool ms` is that whole statement on one read thread. Run with
 * CHAINQL_PARALLEL_SCAN_MIN_ROWS=0 to time the server without splitting.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { openConnection } from '../../clients/warehouse/sqlite/sqlite-connection.ts';
import type { ReadOptions, WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { readRecords } from '../../compute/chain/read.ts';
import { openSession } from '../../compute/session.ts';
import type { CompiledQuery } from '../../schema/dialect/compiled-query.ts';
import { sqliteFunctions } from '../../schema/dialect/sqlite/sqlite-functions.ts';
import { createApp } from '../../server/app.ts';
import { listen } from '../../server/serve.ts';
import { keepAliveClient } from './http-client.ts';

const CLIENTS = 32;
const THROUGHPUT_MS = 4000;

const Detection = z.object({
  name: z.string(),
  kind: z.enum(['cat', 'dog', 'bird', 'car', 'tree']),
  score: z.number(),
  det: z.object({
    label: z.string(),
    confidence: z.number(),
    box: z.object({ w: z.int(), h: z.int() }),
  }),
});

const QUERIES: Record<string, string> = {
  filter: `{ detections(where: {det: {confidence: {_gt: 0.999}, box: {w: {_gte: 50}}}, kind: {_eq: cat}},
             order_by: [{det: {confidence: desc}}], limit: 50) { name kind det { confidence box { w h } } } }`,
  aggregate: `{ detections_aggregate(where: {det: {box: {w: {_gt: 10}}}}) {
                aggregate { count avg { score det { confidence } } max { det { box { w } } } } } }`,
  groups: `{ detections_groups(by: ["kind"], having: {count: {_gt: 10}}, order_by: [{aggregate: {count: desc}}]) {
             key { kind } aggregate { count avg { det { confidence } } } } }`,
};

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Options of {@link runGraphqlBench}. */
export interface GraphqlBenchOptions {
  readonly rows: number;
  readonly iterations: number;
  /** Which of QUERIES to time. Default all. */
  readonly queries?: readonly string[];
  /** Also measure throughput with 32 concurrent clients. Default true. */
  readonly throughput?: boolean;
}

/** Runs the benchmark and prints the table. */
export async function runGraphqlBench(options: GraphqlBenchOptions): Promise<void> {
  const ROWS = options.rows;
  const ITERATIONS = options.iterations;
  const dir = mkdtempSync(join(tmpdir(), 'chainql-bench-gql-'));
  const session = await openSession({ dataDir: dir });
  try {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const kinds = ['cat', 'dog', 'bird', 'car', 'tree'] as const;
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      name: `img-${i}.jpg`,
      kind: kinds[i % kinds.length] as (typeof kinds)[number],
      score: rand(),
      det: {
        label: `l${i % 97}`,
        confidence: rand(),
        box: { w: Math.floor(rand() * 100), h: Math.floor(rand() * 100) },
      },
    }));
    let t = performance.now();
    await readRecords(rows, Detection, { session }).save('detections');
    console.log(`saved ${ROWS} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    let last: { query: CompiledQuery; options: ReadOptions | undefined } | undefined;
    let split: CompiledQuery | undefined;
    let splitBy = '';
    const warehouse = session.warehouse;
    // The session's warehouse, with the statement the server compiled recorded, and its options: what `read`
    // runs, or — for a read split over row-id or key ranges — the whole statement handed to `readSplits` or
    // `keySplits`.
    const recording = new Proxy(warehouse, {
      get(target, prop) {
        if (prop === 'readSplits' && target.readSplits) {
          return async (query: CompiledQuery, table: string) => {
            const cuts = await target.readSplits?.(query, table);
            if (cuts) [split, splitBy] = [query, 'row-id ranges'];
            return cuts;
          };
        }
        if (prop === 'keySplits' && target.keySplits) {
          return async (query: CompiledQuery, table: string, column: string) => {
            const cuts = await target.keySplits?.(query, table, column);
            if (cuts) [split, splitBy] = [query, `ranges of ${column}`];
            return cuts;
          };
        }
        if (prop === 'read') {
          return (query: CompiledQuery, options?: ReadOptions) => {
            if (split === undefined) last = { query, options };
            else if (last?.query !== split) last = { query: split, options };
            return target.read(query, options);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as WarehouseDriver;
    const app = await createApp({
      warehouse: recording,
      registry: session.registry,
      apiKeys: '',
      limits: { timeoutMs: 60_000 },
    });
    const server = await listen(app, { port: 0 });
    const dbPath = (session.warehouse as unknown as { path: string }).path;
    const direct = openConnection({
      path: dbPath,
      readonly: true,
      queryOnly: true,
      busyTimeoutMs: 5000,
      functions: sqliteFunctions,
    });

    // A keep-alive node:http client: Node 20's fetch costs ~0.5-1 ms per request by itself, which would be
    // charged to the server otherwise.
    const client = keepAliveClient(server.url);
    const post = async (query: string): Promise<unknown> => {
      const body = JSON.parse(await client.post(JSON.stringify({ query }))) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body;
    };

    // Let the read workers finish starting (they load tsx and better-sqlite3) before timing anything.
    const warmUntil = performance.now() + 2000;
    while (performance.now() < warmUntil) await post('{ detections(limit: 1) { name } }');

    console.log(
      `\n${'query'.padEnd(10)} ${'rows'.padStart(6)} ${'http ms'.padStart(9)} ${'sql ms'.padStart(9)} ${'ratio'.padStart(7)} ${'pool ms'.padStart(9)}`,
    );
    for (const [label, query] of Object.entries(QUERIES).filter(
      ([l]) => options.queries?.includes(l) ?? true,
    )) {
      split = undefined;
      const body = (await post(query)) as { data: Record<string, unknown> };
      const task = last as NonNullable<typeof last>;
      const statement = direct.prepare(task.query.sql);
      statement.safeIntegers(task.options?.bigints ?? false);
      for (let i = 0; i < 3; i++) {
        await post(query);
        statement.all(...(task.query.parameters as unknown[]));
      }
      const http: number[] = [];
      const sql: number[] = [];
      const worker: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        t = performance.now();
        await post(query);
        http.push(performance.now() - t);
        t = performance.now();
        statement.all(...(task.query.parameters as unknown[]));
        sql.push(performance.now() - t);
        t = performance.now();
        await warehouse.read(task.query, task.options);
        worker.push(performance.now() - t);
      }
      // Asked after the warm-up: a group shape is split once its covering index exists (after two reads).
      const parallel = split !== undefined;
      const value = Object.values(body.data)[0];
      const count = Array.isArray(value) ? value.length : 1;
      console.log(
        `${label.padEnd(10)} ${String(count).padStart(6)} ${median(http).toFixed(2).padStart(9)} ${median(sql).toFixed(2).padStart(9)} ` +
          `${(median(http) / median(sql)).toFixed(2).padStart(6)}x ${median(worker).toFixed(2).padStart(9)}` +
          (parallel ? `  (split over ${splitBy})` : ''),
      );
    }

    // Throughput: 32 concurrent clients on loopback, the filter query.
    let done = 0;
    if (options.throughput === false) {
      client.close();
      direct.close();
      await server.close();
      await app.close();
      return;
    }
    const until = performance.now() + THROUGHPUT_MS;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        // One keep-alive connection per client.
        const own = keepAliveClient(server.url);
        while (performance.now() < until) {
          await own.post(JSON.stringify({ query: QUERIES.filter }));
          done++;
        }
        own.close();
      }),
    );
    console.log(
      `\nthroughput, ${CLIENTS} concurrent clients (filter query): ${(done / (THROUGHPUT_MS / 1000)).toFixed(0)} req/s`,
    );
    client.close();
    direct.close();
    await server.close();
    await app.close();
  } finally {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runGraphqlBench({
    rows: Number(process.argv[2] ?? 200_000),
    iterations: Number(process.argv[3] ?? 30),
  });
}
