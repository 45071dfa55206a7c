/**
 * kill -9 during a delta run: a child process runs a delta save (a map over 1,000 files after 300 were
 * added and 100 changed) and is SIGKILLed mid-map several times, then re-run until it finishes. The
 * result must equal a full recompute row by row, without duplicates, and the UDF calls beyond the 400
 * pending rows must stay within kills × (batchSize + concurrency): the delta run resumed from its
 * checkpoints instead of starting over.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, readDataset } from '../../../compute/index.ts';
import { tempDir } from '../../helpers/temp-session.ts';

const BATCH_SIZE = 20;
const CONCURRENCY = 4;
const script = fileURLToPath(new URL('./fixtures/delta-kill-script.ts', import.meta.url));
const name = (i: number) => `k${String(i).padStart(5, '0')}.txt`;

let data: ReturnType<typeof tempDir>;
let files: ReturnType<typeof tempDir>;
let callsLog: string;
beforeAll(() => {
  data = tempDir('chainql-dkill-');
  files = tempDir('chainql-dkill-files-');
  callsLog = join(data.dir, 'calls.log');
  writeFileSync(callsLog, '');
  for (let i = 1; i <= 700; i++) writeFileSync(join(files.dir, name(i)), `file number ${i}`);
});
afterAll(() => {
  data.remove();
  files.remove();
});

function calls(): number {
  return readFileSync(callsLog, 'utf8').split('\n').filter(Boolean).length;
}

/** Runs the child; with `killAfterCalls`, SIGKILLs it once that many more UDF calls were logged. */
function runChild(
  env: Record<string, string>,
  killAfterCalls?: number,
): Promise<{ finished: boolean; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        CHAINQL_DATA_DIR: data.dir,
        FILES_DIR: files.dir,
        CALLS_LOG: callsLog,
        BATCH_SIZE: String(BATCH_SIZE),
        CONCURRENCY: String(CONCURRENCY),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const start = calls();
    const timer =
      killAfterCalls === undefined
        ? undefined
        : setInterval(() => {
            if (calls() - start >= killAfterCalls) child.kill('SIGKILL');
          }, 5);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      if (signal === 'SIGKILL') resolve({ finished: false, killed: true });
      else if (code === 0 && out.includes('done')) resolve({ finished: true, killed: false });
      else reject(new Error(`child failed (${code}): ${err}`));
    });
  });
}

describe('kill -9 during a delta run', () => {
  it('resumes the delta run from its checkpoints: exact output, no duplicates', async () => {
    expect((await runChild({ DELAY_MS: '0' })).finished).toBe(true);
    expect(calls()).toBe(700);

    for (let i = 701; i <= 1000; i++) writeFileSync(join(files.dir, name(i)), `added file ${i}`);
    for (let i = 1; i <= 100; i++)
      writeFileSync(join(files.dir, name(i * 7)), `changed content of ${i * 7}!`);
    const before = calls();
    let kills = 0;
    let finished = false;
    for (let attempt = 0; !finished; attempt++) {
      expect(attempt).toBeLessThan(15);
      if (kills < 3) {
        const result = await runChild({ DELAY_MS: '3' }, 40 + Math.floor(Math.random() * 60));
        if (result.killed) kills++;
        finished = result.finished;
      } else {
        finished = (await runChild({ DELAY_MS: '0' })).finished;
      }
    }
    expect(kills).toBe(3);
    const deltaCalls = calls() - before;
    expect(deltaCalls).toBeGreaterThanOrEqual(400);
    expect(deltaCalls - 400).toBeLessThanOrEqual(kills * (BATCH_SIZE + CONCURRENCY));

    expect((await runChild({ DELTA: '0', DELAY_MS: '0' })).finished).toBe(true);
    const session = await openSession({ dataDir: data.dir });
    try {
      type Out = { file: { path: string; etag: string }; length: number; head: string };
      const read = async (dataset: string) =>
        (await readDataset<Out>(dataset, { session }).collect())
          .map((row) => ({ path: row.file.path, etag: row.file.etag, length: row.length, head: row.head }))
          .sort((a, b) => (a.path < b.path ? -1 : 1));
      const delta = await read('kill_delta');
      expect(delta).toHaveLength(1000);
      expect(new Set(delta.map((row) => row.path)).size).toBe(1000);
      expect(delta).toEqual(await read('kill_full'));
      expect((await session.registry.listVersions('kill_delta')).length).toBe(2);
    } finally {
      await session.close();
    }
  }, 240_000);
});
