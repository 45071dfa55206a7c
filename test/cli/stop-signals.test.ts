// SIGINT/SIGTERM handling of the `chainql` process: `serve` and `worker` claim stop requests (a stop at any
// moment is a clean exit 0), every other command keeps Node's default (the process ends by the signal).
// Signals are real: each case runs in its own child process.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
} from '../compute/runners/redis-test-helpers.ts';
import { makeTempDir, REPO_ROOT, runCli, spawnCli } from './run-cli.ts';

const TIMEOUT = 120_000;
const STOP_SIGNALS = pathToFileURL(join(REPO_ROOT, 'cli', 'stop-signals.ts')).href;
const hasRedis = await redisAvailable();

let temp: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  temp = makeTempDir('chainql-stop-signals-');
});
afterAll(() => temp?.remove());

/** Runs a TypeScript module (through tsx) that uses cli/stop-signals.ts; returns how it ended. */
function runScript(
  name: string,
  body: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const file = join(temp.dir, `${name}.mts`);
  writeFileSync(file, `import { watchStopSignals } from '${STOP_SIGNALS}';\n${body}`);
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout })));
}

const pause = 'const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));\n';

describe('watchStopSignals', () => {
  it(
    'a claimed SIGTERM aborts the claim (reason: the signal) and the process goes on to exit 0',
    async () => {
      const result = await runScript(
        'claimed',
        `${pause}const stops = watchStopSignals();
const stop = stops.claim();
process.kill(process.pid, 'SIGTERM');
await pause(200);
process.kill(process.pid, 'SIGINT'); // a second request while closing is absorbed
await pause(100);
console.log('aborted', stop.aborted, stop.reason);
stops.release();
`,
      );
      expect(result).toEqual({ code: 0, signal: null, stdout: 'aborted true SIGTERM\n' });
    },
    TIMEOUT,
  );

  it(
    'a signal that came before the claim (or was handed over from cli/bin.js) is not lost',
    async () => {
      const result = await runScript(
        'early',
        `${pause}const stops = watchStopSignals();
process.kill(process.pid, 'SIGTERM');
await pause(200);
const stop = stops.claim();
console.log('early', stop.aborted, stop.reason);
const handed = watchStopSignals('SIGINT');
console.log('handed', handed.claim().reason);
handed.release();
stops.release();
`,
      );
      expect(result).toEqual({ code: 0, signal: null, stdout: 'early true SIGTERM\nhanded SIGINT\n' });
    },
    TIMEOUT,
  );

  it(
    'release without a claim gives the default back: a held signal ends the process by that signal',
    async () => {
      const held = await runScript(
        'released-held',
        `${pause}const stops = watchStopSignals();
process.kill(process.pid, 'SIGTERM');
await pause(200);
console.log('still here');
stops.release();
await pause(2000);
console.log('not reached');
`,
      );
      expect(held).toEqual({ code: null, signal: 'SIGTERM', stdout: 'still here\n' });
      const later = await runScript(
        'released-later',
        `${pause}const stops = watchStopSignals();
stops.release();
process.kill(process.pid, 'SIGINT');
await pause(2000);
console.log('not reached');
`,
      );
      expect(later).toEqual({ code: null, signal: 'SIGINT', stdout: '' });
    },
    TIMEOUT,
  );
});

describe('commands that do not claim keep the default', () => {
  it(
    '`chainql run` stopped by SIGTERM ends by the signal (checkpoints make a rerun continue)',
    async () => {
      const script = join(temp.dir, 'forever.mts');
      writeFileSync(script, "console.log('running');\nsetInterval(() => {}, 1000);\n");
      const child = spawn(process.execPath, [join(REPO_ROOT, 'cli', 'bin.js'), 'run', script], {
        cwd: temp.dir,
        env: { ...process.env, CHAINQL_DATA_DIR: join(temp.dir, 'data') },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('close', (code, signal) => resolve({ code, signal })),
      );
      await new Promise<void>((resolve) => {
        let out = '';
        child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('running')) resolve();
        });
        void ended.then(() => resolve());
      });
      child.kill('SIGTERM');
      expect(await ended).toEqual({ code: null, signal: 'SIGTERM' });
    },
    TIMEOUT,
  );

  it(
    '`chainql --help` is unaffected',
    async () => {
      const help = await runCli(['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('0 done (also serve/worker stopped by SIGINT or SIGTERM)');
    },
    TIMEOUT,
  );
});

describe('chainql worker without Redis', () => {
  it(
    'SIGTERM while Redis cannot be reached still ends the worker cleanly: exit 0',
    async () => {
      // Nothing listens on port 1: the worker keeps retrying the connection until stopped.
      const child = spawnCli([
        'worker',
        '--redis',
        'redis://127.0.0.1:1',
        '--data',
        join(temp.dir, 'no-redis'),
      ]);
      let stderr = '';
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('close', (code, signal) => resolve({ code, signal })),
      );
      await Promise.race([
        new Promise<void>((resolve) =>
          child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
            stderr += chunk;
            if (stderr.includes('cannot reach Redis')) resolve();
          }),
        ),
        ended,
      ]);
      expect(stderr).toContain('chainql worker: cannot reach Redis at redis://127.0.0.1:1');
      child.kill('SIGTERM');
      expect(await ended).toEqual({ code: 0, signal: null });
    },
    TIMEOUT,
  );
});

describe.skipIf(!hasRedis)('chainql worker', () => {
  it(
    'SIGTERM right after the ready line closes the worker cleanly: exit 0',
    async () => {
      const queue = uniqueQueue();
      const worker = await spawnWorker(['--queue', queue, '--data', join(temp.dir, 'worker-data')]);
      try {
        const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          worker.child.once('exit', (code, signal) => resolve({ code, signal })),
        );
        worker.child.kill('SIGTERM');
        expect(await ended).toEqual({ code: 0, signal: null });
      } finally {
        await worker.stop();
        await removeQueue(queue);
      }
    },
    TIMEOUT,
  );
});
