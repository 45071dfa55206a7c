// A large read through readDatabase keeps memory flat: the rows stream through a server-side cursor into the
// warehouse and are never held together. A child process with a 96 MB V8 heap reads 1M rows of ~130 bytes
// (≈130 MB of text, well over 200 MB as JS strings and arrays): holding the result would exhaust its heap.
// test/bench/bridge.ts --memory compares the peak RSS of 100k and 1M rows of ~1 KB.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { POSTGRES_URL, postgresAvailable } from './database-test-helpers.ts';

const pgUp = await postgresAvailable();
const ROWS = 1_000_000;
/** Payload of 32 × 4 characters per row. */
const REPEATS = 4;
const HEAP_MB = 96;
const script = fileURLToPath(new URL('./fixtures/read-large.ts', import.meta.url));

function run(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_MB}`,
      '--import',
      'tsx',
      script,
      POSTGRES_URL,
      String(ROWS),
      String(REPEATS),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!pgUp)('readDatabase memory', () => {
  // A minute or two on a loaded shared machine: 1M rows cross the wire and are stored.
  it(`reads ${ROWS} rows of ~130 bytes within a ${HEAP_MB} MB heap`, { timeout: 300_000 }, async () => {
    const result = await run();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [count, peak] = result.stdout.trim().split(' ').map(Number);
    process.stdout.write(
      `readDatabase ${count} rows x ~130 B in a ${HEAP_MB} MB heap: peak RSS ${peak} MB\n`,
    );
    expect(count).toBe(ROWS);
    expect(peak).toBeLessThan(300);
  });
});
