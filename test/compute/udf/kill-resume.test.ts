import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectedChatContent, OpenAiMock } from '../../fakes/openai-mock.ts';

const child = fileURLToPath(new URL('./fixtures/kill-resume-child.ts', import.meta.url));
let mock: OpenAiMock;
let dir: string;
beforeAll(async () => {
  mock = new OpenAiMock({ latencyMs: 5, latencyJitterMs: 5 });
  await mock.start();
  dir = mkdtempSync(join(tmpdir(), 'chainql-kill-'));
});
afterAll(async () => {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the child; kills it with SIGKILL `killAfterMs` after it is ready (undefined: lets it finish). */
function runChild(args: string[], killAfterMs: number | undefined): Promise<'done' | 'killed'> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let armed = false;
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterMs !== undefined && !armed && out.includes('READY')) {
        armed = true;
        setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
      }
    });
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && out.includes('DONE')) resolve('done');
      else reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}

it('after repeated kill -9 the committed result equals the golden one, without duplicates, with bounded rework', async () => {
  const rows = 6000;
  const batchSize = 200;
  const concurrency = 32;
  const db = join(dir, 'run.db');
  const args = [db, mock.baseUrl, String(rows), String(batchSize), String(concurrency)];
  let kills = 0;
  let finished = false;
  for (let attempt = 0; attempt < 40 && !finished; attempt++) {
    const killAfterMs = kills < 6 ? 100 + Math.floor(Math.random() * 400) : undefined;
    const outcome = await runChild(args, killAfterMs);
    if (outcome === 'killed') kills++;
    else finished = true;
  }
  expect(finished).toBe(true);
  const sqlite = new Database(db, { readonly: true });
  const outputs = sqlite.prepare('SELECT input_id AS id, answer FROM out ORDER BY input_id').all() as Array<{
    id: number;
    answer: string;
  }>;
  const done = (sqlite.prepare('SELECT count(*) AS n FROM done').get() as { n: number }).n;
  sqlite.close();
  expect(done).toBe(rows);
  expect(outputs).toHaveLength(rows); // zero duplicates, nothing missing
  expect(outputs.map((o) => o.id)).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
  for (const o of outputs) expect(o.answer).toBe(expectedChatContent('gpt-mock', `summarise [row:${o.id}]`));
  const rework = mock.totalCalls - rows;
  console.log(
    `kill -9 resume: ${kills} kills, ${mock.totalCalls} calls for ${rows} rows → rework ${rework} (bound ${kills * (batchSize + concurrency)})`,
  );
  expect(kills).toBeGreaterThanOrEqual(5);
  expect(rework).toBeLessThanOrEqual(kills * (batchSize + concurrency));
}, 180_000);
