// A large read through readDatabase keeps memory flat: the rows stream through a server-side cursor into the
// warehouse and are never held together. A child process with a 96 MB V8 heap reads 200k rows of ~1 KB (≈200 MB
// of text): holding the result would exhaust its heap. The 1M-row read with its peak RSS is in
// test/bench/bridge.ts --memory (too slow for the suite on a shared machine).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { POSTGRES_URL, postgresAvailable } from './database-test-helpers.ts';

const pgUp = await postgresAvailable();
const ROWS = 200_000;
const HEAP_MB = 96;
const script = fileURLToPath(new URL('./fixtures/read-large.ts', import.meta.url));

function run(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', script, POSTGRES_URL, String(ROWS)],
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
  it(`reads ${ROWS} rows of ~1 KB within a ${HEAP_MB} MB heap`, async () => {
    const result = await run();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [count, peak] = result.stdout.trim().split(' ').map(Number);
    process.stdout.write(`readDatabase ${count} rows x ~1 KB in a ${HEAP_MB} MB heap: peak RSS ${peak} MB\n`);
    expect(count).toBe(ROWS);
    expect(peak).toBeLessThan(300);
  });
});
