/**
 * Benchmark: the database bridge against hand-written `pg` code, measured in the same run.
 *
 * - read: rows/s of `readDatabase(sql, url).count()` (server-side cursor → typed rows → warehouse table)
 *   vs a hand-written pg-cursor loop doing the same job (fetch 10k rows per round trip, insert them into
 *   a SQLite table with batched multi-row INSERTs), and vs a pg-cursor loop that only fetches (the
 *   ceiling of reading; rows discarded).
 * - write: rows/s of `readDataset(ds).toDatabase(table, url)` (rows streamed from the warehouse into one
 *   binary COPY FROM STDIN in one transaction) vs a hand-written batched multi-row INSERT loop over rows
 *   already in memory (500 rows per statement, one transaction), and PostgreSQL `COPY … FROM STDIN`
 *   (pg-copy-streams) from memory as the ceiling: text format (the ceiling) and binary format (the
 *   form toDatabase uses, encoded by hand). The hand-written loops skip reading the rows out of the
 *   warehouse, which toDatabase pays for: the comparison is conservative. One more line does the same work
 *   as toDatabase by hand (raw rows from the warehouse file, binary COPY). The written tables are compared
 *   value for value.
 * - memory: peak RSS of a fresh process reading 100k and 1M rows of ~1 KB through `readDatabase`
 *   (test/compute/database/fixtures/read-large.ts; goal: flat — the same for both).
 *
 * Runs alternate (`rounds` of each) and medians are compared (wall clock: the server's work counts).
 *
 *   npx tsx test/bench/bridge.ts [rows=200000] [rounds=3] [--memory | --memory-only]   (needs PostgreSQL at CHAINQL_TEST_POSTGRES_URL
 *   or postgres://postgres@127.0.0.1:5432/test)
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { readDatabase, readDataset } from '../../compute/index.ts';
import { openSession } from '../../compute/session.ts';

const require = createRequire(import.meta.url);
const Cursor = require('pg-cursor') as new (
  text: string,
  values?: unknown[],
  config?: object,
) => { read(n: number): Promise<unknown[][]>; close(): Promise<void> };
const { from: copyFrom } = require('pg-copy-streams') as { from: (sql: string) => NodeJS.WritableStream };

const URL = process.env.CHAINQL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const ROWS = Number(positional[0] ?? 200_000);
const ROUNDS = Number(positional[1] ?? 3);
const MEMORY = process.argv.includes('--memory') || process.argv.includes('--memory-only');
const MEMORY_ONLY = process.argv.includes('--memory-only');
const READ_LARGE = fileURLToPath(
  new globalThis.URL('../compute/database/fixtures/read-large.ts', import.meta.url),
);
const execFileAsync = promisify(execFile);
const SCHEMA = `bench_${randomBytes(4).toString('hex')}`;
const COLUMNS = 'id bigint, name text, score double precision, flag boolean, at timestamptz';

const pool = new pg.Pool({ connectionString: URL, max: 4 });
const dir = mkdtempSync(join(tmpdir(), 'chainql-bridge-bench-'));
const session = await openSession({ dataDir: join(dir, 'data') });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** CPU time (user + system) of this process per measurement, in ms: steadier than wall time on a loaded machine. */
const cpuTimes = new Map<string, number[]>();

async function time(fn: () => Promise<unknown>, label = ''): Promise<number> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(cpu);
  if (label) cpuTimes.set(label, [...(cpuTimes.get(label) ?? []), (used.user + used.system) / 1000]);
  return performance.now() - start;
}

function cpuMedian(label: string): number {
  return median(cpuTimes.get(label) ?? [Number.NaN]);
}

async function source(n: number): Promise<string> {
  const table = `"${SCHEMA}".src_${n}`;
  await pool.query(`CREATE TABLE ${table} (${COLUMNS})`);
  await pool.query(
    `INSERT INTO ${table} SELECT g, 'name_' || g, g * 0.5, g % 2 = 0, timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series(1, $1) g`,
    [n],
  );
  return table;
}

const readSql = (table: string) => `SELECT id::int AS id, name, score, flag, at FROM ${table}`;

/** Hand-written: pg-cursor, 10k rows per fetch, into SQLite with 500-row multi-row INSERTs. */
async function cursorLoop(table: string, store: boolean): Promise<number> {
  const client = await pool.connect();
  const db = store ? new Database(join(dir, `raw-${randomBytes(4).toString('hex')}.db`)) : undefined;
  db?.pragma('journal_mode = WAL');
  db?.pragma('synchronous = NORMAL');
  db?.exec('CREATE TABLE t (id INTEGER, name TEXT, score REAL, flag INTEGER, at INTEGER)');
  const per = 500;
  const many = db?.prepare(
    `INSERT INTO t VALUES ${Array.from({ length: per }, () => '(?,?,?,?,?)').join(',')}`,
  );
  const one = db?.prepare('INSERT INTO t VALUES (?,?,?,?,?)');
  try {
    const cursor = client.query(
      new Cursor(readSql(table), [], { rowMode: 'array' }) as never,
    ) as unknown as InstanceType<typeof Cursor>;
    let n = 0;
    for (let rows = await cursor.read(10_000); rows.length > 0; rows = await cursor.read(10_000)) {
      n += rows.length;
      if (!db) continue;
      db.exec('BEGIN');
      let i = 0;
      const values: unknown[] = [];
      for (; i + per <= rows.length; i += per) {
        values.length = 0;
        for (let j = i; j < i + per; j++) {
          const r = rows[j] as [number, string, number, boolean, Date];
          values.push(r[0], r[1], r[2], r[3] ? 1 : 0, r[4].getTime());
        }
        many!.run(values);
      }
      for (; i < rows.length; i++) {
        const r = rows[i] as [number, string, number, boolean, Date];
        one!.run(r[0], r[1], r[2], r[3] ? 1 : 0, r[4].getTime());
      }
      db.exec('COMMIT');
    }
    await cursor.close();
    return n;
  } finally {
    client.release();
    db?.close();
  }
}

async function bridgeRead(table: string): Promise<number> {
  return readDatabase(readSql(table), URL, { session, update: true }).count();
}

type Tuple = [number, string, number, boolean, Date];
/** The source table's rows (g = 1..n), in memory for the hand-written writers. */
function memoryRows(n: number): Tuple[] {
  return Array.from({ length: n }, (_, i) => [
    i + 1,
    `name_${i + 1}`,
    (i + 1) * 0.5,
    (i + 1) % 2 === 0,
    new Date(1_704_067_200_000 + (i + 1) * 1000),
  ]);
}

async function target(name: string): Promise<string> {
  const table = `"${SCHEMA}".${name}`;
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.query(`CREATE TABLE ${table} (${COLUMNS})`);
  return table;
}

/** Hand-written: one transaction, 500-row multi-row INSERTs with bound parameters. */
async function insertLoop(rows: Tuple[], table: string): Promise<void> {
  const client = await pool.connect();
  const per = 500;
  const text = `INSERT INTO ${table} (id, name, score, flag, at) VALUES ${Array.from({ length: per }, (_, r) => `($${r * 5 + 1},$${r * 5 + 2},$${r * 5 + 3},$${r * 5 + 4},$${r * 5 + 5})`).join(',')}`;
  try {
    await client.query('BEGIN');
    let i = 0;
    for (; i + per <= rows.length; i += per) {
      const values: unknown[] = [];
      for (let j = i; j < i + per; j++) {
        const r = rows[j]!;
        values.push(r[0], r[1], r[2], r[3], r[4].toISOString());
      }
      await client.query({ name: `bench_insert_${per}`, text, values });
    }
    for (; i < rows.length; i++) {
      const r = rows[i]!;
      await client.query(`INSERT INTO ${table} VALUES ($1,$2,$3,$4,$5)`, [
        r[0],
        r[1],
        r[2],
        r[3],
        r[4].toISOString(),
      ]);
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

/** The ceiling: COPY FROM STDIN in text format. */
async function copyIn(rows: Tuple[], table: string): Promise<void> {
  const client = await pool.connect();
  try {
    const stream = client.query(
      copyFrom(`COPY ${table} (id, name, score, flag, at) FROM STDIN`) as never,
    ) as unknown as NodeJS.WritableStream;
    async function* lines() {
      let chunk = '';
      for (const r of rows) {
        chunk += `${r[0]}\t${r[1]}\t${r[2]}\t${r[3] ? 't' : 'f'}\t${r[4].toISOString()}\n`;
        if (chunk.length > 65_536) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    await pipeline(lines, stream as never);
  } finally {
    client.release();
  }
}

/** 2000-01-01, PostgreSQL's timestamp epoch, in ms since 1970. */
const PG_EPOCH_MS = 946_684_800_000;

/** One chunk of binary COPY rows (int8, text, float8, bool, timestamptz as ms since 1970), encoded by hand. */
function binaryChunk(rows: readonly (readonly unknown[])[]): Buffer {
  let size = 0;
  for (const r of rows) size += 55 + Buffer.byteLength(r[1] as string);
  const b = Buffer.allocUnsafe(size);
  let o = 0;
  for (const r of rows) {
    o = b.writeInt16BE(5, o);
    o = b.writeInt32BE(8, o);
    o = b.writeBigInt64BE(BigInt(r[0] as number), o);
    const n = b.write(r[1] as string, o + 4);
    b.writeInt32BE(n, o);
    o += 4 + n;
    o = b.writeInt32BE(8, o);
    o = b.writeDoubleBE(r[2] as number, o);
    o = b.writeInt32BE(1, o);
    o = b.writeUInt8(r[3] ? 1 : 0, o);
    o = b.writeInt32BE(8, o);
    o = b.writeBigInt64BE(BigInt((r[4] as number) - PG_EPOCH_MS) * 1000n, o);
  }
  return b.subarray(0, o);
}

/** COPY FROM STDIN (FORMAT binary) of the chunks `source` yields (rows as binaryChunk takes them). */
async function copyBinaryFrom(
  source: () => Iterable<readonly (readonly unknown[])[]>,
  table: string,
): Promise<void> {
  const client = await pool.connect();
  try {
    const stream = client.query(
      copyFrom(`COPY ${table} (id, name, score, flag, at) FROM STDIN (FORMAT binary)`) as never,
    ) as unknown as NodeJS.WritableStream;
    async function* chunks() {
      yield Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
      for (const rows of source()) yield binaryChunk(rows);
      yield Buffer.from([0xff, 0xff]);
    }
    await pipeline(chunks, stream as never);
  } finally {
    client.release();
  }
}

/** The binary ceiling: rows from memory. */
function copyBinary(rows: Tuple[], table: string): Promise<void> {
  return copyBinaryFrom(function* () {
    for (let i = 0; i < rows.length; i += 5000)
      yield rows.slice(i, i + 5000).map((r) => [r[0], r[1], r[2], r[3], r[4].getTime()]);
  }, table);
}

/**
 * The same work as toDatabase by hand: the dataset's rows read from the warehouse file (better-sqlite3, raw
 * rows in sys__id order), then binary COPY.
 */
function copyBinaryFromWarehouse(file: string, source: string, table: string): Promise<void> {
  return copyBinaryFrom(function* () {
    const db = new Database(file, { readonly: true });
    try {
      const statement = db
        .prepare(`SELECT id, name, score, flag, at FROM "${source}" ORDER BY sys__id`)
        .raw(true);
      let chunk: unknown[][] = [];
      for (const row of statement.iterate() as Iterable<unknown[]>) {
        chunk.push(row);
        if (chunk.length === 5000) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    } finally {
      db.close();
    }
  }, table);
}

function rate(rows: number, ms: number): string {
  return `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} rows/s`;
}

try {
  await pool.query(`CREATE SCHEMA "${SCHEMA}"`);
  if (!MEMORY_ONLY) {
    const table = await source(ROWS);
    console.log(
      `# database bridge, ${ROWS.toLocaleString('en-US')} rows x 5 columns (id, name, score, flag, at), ${ROUNDS} rounds, medians`,
    );

    const times = { fetch: [] as number[], loop: [] as number[], bridge: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      times.fetch.push(await time(() => cursorLoop(table, false), 'fetch'));
      times.loop.push(await time(() => cursorLoop(table, true), 'loop'));
      times.bridge.push(await time(() => bridgeRead(table), 'read'));
    }
    const [fetch, loop, bridge] = [median(times.fetch), median(times.loop), median(times.bridge)];
    console.log('\n## read');
    console.log(`pg-cursor loop, fetch only (ceiling)         ${rate(ROWS, fetch)}`);
    console.log(`pg-cursor loop + SQLite batched insert        ${rate(ROWS, loop)}`);
    console.log(`readDatabase(...).count()                     ${rate(ROWS, bridge)}`);
    console.log(
      `ratio vs hand-written cursor loop + insert:   ${(loop / bridge).toFixed(2)}x (goal >= 0.8x)`,
    );
    console.log(`ratio vs fetch-only ceiling:                  ${(fetch / bridge).toFixed(2)}x`);
    console.log(
      `by this process's CPU time: vs cursor loop + insert ${(cpuMedian('loop') / cpuMedian('read')).toFixed(2)}x, vs fetch only ${(cpuMedian('fetch') / cpuMedian('read')).toFixed(2)}x`,
    );

    // Writes: the same rows, from memory (hand-written, COPY) or from a saved dataset (toDatabase).
    const rows = memoryRows(ROWS);
    await readDatabase(readSql(table), URL, { session }).save('bench_src');
    const chain = readDataset('bench_src', { session });
    const saved = await session.registry.getVersion('bench_src');
    const warehouseFile = (session.warehouse as unknown as { path: string }).path;
    const w = {
      insert: [] as number[],
      copy: [] as number[],
      binary: [] as number[],
      same: [] as number[],
      bridge: [] as number[],
    };
    for (let round = 0; round < ROUNDS; round++) {
      let t = await target('w_insert');
      w.insert.push(await time(() => insertLoop(rows, t), 'insert'));
      t = await target('w_copy');
      w.copy.push(await time(() => copyIn(rows, t), 'copy'));
      t = await target('w_binary');
      w.binary.push(await time(() => copyBinary(rows, t), 'binary'));
      t = await target('w_same');
      w.same.push(await time(() => copyBinaryFromWarehouse(warehouseFile, saved.table, t), 'same'));
      t = await target('w_bridge');
      w.bridge.push(await time(() => chain.toDatabase(`${SCHEMA}.w_bridge`, URL), 'write'));
    }
    const [insert, copy, binary, same, written] = [
      median(w.insert),
      median(w.copy),
      median(w.binary),
      median(w.same),
      median(w.bridge),
    ];
    // The bridge's rows must equal the hand-written ones, value for value.
    const differ = await pool.query(
      `SELECT count(*)::int AS n FROM ((SELECT * FROM "${SCHEMA}".w_bridge EXCEPT ALL SELECT * FROM "${SCHEMA}".w_binary) UNION ALL (SELECT * FROM "${SCHEMA}".w_copy EXCEPT ALL SELECT * FROM "${SCHEMA}".w_bridge) UNION ALL (SELECT * FROM "${SCHEMA}".w_same EXCEPT ALL SELECT * FROM "${SCHEMA}".w_bridge)) d`,
    );
    const check = await pool.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".w_bridge`);
    if (check.rows[0].n !== ROWS || differ.rows[0].n !== 0)
      throw new Error(
        `toDatabase wrote ${check.rows[0].n} rows (expected ${ROWS}), ${differ.rows[0].n} differ from COPY's`,
      );
    console.log(
      '\n## write (hand-written loops send rows already in memory; toDatabase also reads them from the warehouse)',
    );
    console.log(`COPY FROM STDIN, binary format               ${rate(ROWS, binary)}`);
    console.log(`  same, rows read from the warehouse by hand   ${rate(ROWS, same)}`);
    console.log(`COPY FROM STDIN, text format (ceiling)        ${rate(ROWS, copy)}`);
    console.log(`hand-written batched multi-row INSERT loop    ${rate(ROWS, insert)}`);
    console.log(`readDataset(...).toDatabase(...)              ${rate(ROWS, written)}`);
    console.log(
      `ratio vs hand-written INSERT loop:            ${(insert / written).toFixed(2)}x (goal >= 0.8x)`,
    );
    console.log(
      `ratio vs COPY (text):                         ${(copy / written).toFixed(2)}x (stretch goal >= 0.5x)`,
    );
    console.log(`ratio vs COPY (binary):                       ${(binary / written).toFixed(2)}x`);
    console.log(
      `ratio vs the same work by hand (warehouse read + binary COPY): ${(same / written).toFixed(2)}x`,
    );
    console.log(
      `by this process's CPU time: vs INSERT loop ${(cpuMedian('insert') / cpuMedian('write')).toFixed(2)}x, vs COPY text ${(cpuMedian('copy') / cpuMedian('write')).toFixed(2)}x, vs COPY binary ${(cpuMedian('binary') / cpuMedian('write')).toFixed(2)}x, vs the same work by hand ${(cpuMedian('same') / cpuMedian('write')).toFixed(2)}x (the server's work is not in these)`,
    );
  }
  if (MEMORY) {
    // Each read in a fresh process (peak RSS is per process), rows of ~1 KB so holding them would show.
    console.log('\n## memory (peak RSS of a fresh process reading rows of ~1 KB, default heap)');
    for (const n of [100_000, 1_000_000]) {
      const start = performance.now();
      const { stdout } = await execFileAsync(
        process.execPath,
        ['--import', 'tsx', READ_LARGE, URL, String(n)],
        {
          maxBuffer: 1 << 20,
        },
      );
      const [count, peak] = stdout.trim().split(' ').map(Number);
      const ms = performance.now() - start;
      console.log(
        `${n.toLocaleString('en-US').padStart(9)} rows (~${Math.round(n / 1000)} MB of text): peak RSS ${peak} MB, ${count?.toLocaleString('en-US')} rows read, ${rate(n, ms)}`,
      );
    }
  }
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`).catch(() => undefined);
  await pool.end();
  await session.close();
  rmSync(dir, { recursive: true, force: true });
}
