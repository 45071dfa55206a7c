/**
 * kill -9 safety: a child process runs a 20k-row map against the OpenAI mock and is SIGKILLed at
 * random moments (≥ 5 times), re-run each time until it finishes. The result must equal the golden
 * answers with zero duplicates, and the rework (mock calls beyond 20k) must stay within
 * kills × (batchSize + concurrency).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openSession, readDataset, readRecords } from '../../../compute/index.ts';
import { expectedChatContent, OpenAiMock } from '../../fakes/openai-mock.ts';
import { tempDir } from '../../helpers/temp-session.ts';

const ROWS = 20_000;
const BATCH_SIZE = 200;
const CONCURRENCY = 16;
const script = fileURLToPath(new URL('./fixtures/kill-map-script.ts', import.meta.url));

let mock: OpenAiMock;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  mock = new OpenAiMock({ latencyMs: 4 });
  await mock.start();
  dir = tempDir('chainql-kill-');
});
afterAll(async () => {
  await mock.stop();
  dir.remove();
});

/** Runs the child; with `killAfterCalls`, SIGKILLs it once the mock saw that many more calls (mid-map). */
function runChild(killAfterCalls: number | undefined): Promise<{ finished: boolean; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        CHAINQL_DATA_DIR: dir.dir,
        MOCK_URL: mock.baseUrl,
        BATCH_SIZE: String(BATCH_SIZE),
        CONCURRENCY: String(CONCURRENCY),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const start = mock.totalCalls;
    const timer =
      killAfterCalls === undefined
        ? undefined
        : setInterval(() => {
            if (mock.totalCalls - start >= killAfterCalls) child.kill('SIGKILL');
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

describe('kill -9 during a UDF map', () => {
  it('resumes after every kill, loses nothing and redoes at most one batch + in-flight rows per kill', async () => {
    const session = await openSession({ dataDir: dir.dir });
    const input = Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, text: `document ${i + 1}` }));
    await readRecords(input, z.object({ id: z.int(), text: z.string() }), { session }).save('kill_input');

    let kills = 0;
    let finished = false;
    let attempt = 0;
    // Kill only once the map is under way (calls observed), at a random point of the remaining work.
    while (!finished) {
      attempt++;
      if (kills < 5) {
        const before = mock.totalCalls;
        // A random point of the remaining work: between 100 and ~3,000 calls into this run.
        const result = await runChild(100 + Math.floor(Math.random() * 2900));
        if (result.killed && mock.totalCalls > before) kills++;
        finished = result.finished;
      } else {
        finished = (await runChild(undefined)).finished;
      }
      expect(attempt).toBeLessThan(20);
    }
    expect(kills).toBeGreaterThanOrEqual(5);

    const rows = await readDataset<{ id: number; text: string; reply: string }>('kill_output', {
      session,
    }).collect();
    expect(rows).toHaveLength(ROWS);
    expect(new Set(rows.map((r) => r.id)).size).toBe(ROWS);
    for (const row of rows) expect(row.reply).toBe(expectedChatContent('mock-1', row.text));
    const rework = mock.totalCalls - ROWS;
    console.log(
      `kills=${kills} mock calls=${mock.totalCalls} rework=${rework} bound=${kills * (BATCH_SIZE + CONCURRENCY)}`,
    );
    expect(rework).toBeGreaterThanOrEqual(0);
    expect(rework).toBeLessThanOrEqual(kills * (BATCH_SIZE + CONCURRENCY));
    await session.close();
  }, 300_000);
});
