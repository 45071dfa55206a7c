import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/** Redis used by the distributed tests (CHAINQL_TEST_REDIS_URL overrides). */
export const REDIS_URL = process.env.CHAINQL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * True when Redis answers PING. With CI=true a missing Redis throws instead (the tests must fail, not
 * skip, on CI); elsewhere the suites skip with a message.
 */
export async function redisAvailable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // reported below (or thrown on CI)
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(`Redis is required on CI (CI=true) but ${REDIS_URL} does not answer: ${String(error)}`);
    }
    process.stderr.write(`Redis not reachable at ${REDIS_URL}: skipping the BullMQ tests.\n`);
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A queue name no other test uses. */
export function uniqueQueue(prefix = 'chainql-test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Deletes every key of a BullMQ queue. */
export async function removeQueue(name: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection: redis });
  try {
    await queue.obliterate({ force: true });
    // chainql's own markers for this queue (pipeline-job cancel markers; run keys are deleted by runs).
    const keys = [
      ...(await redis.keys(`chainql:jobcancel:${name}:*`)),
      ...(await redis.keys(`chainql:steprun:${name}:*`)),
    ];
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/** A `chainql worker` child process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Sends SIGKILL and waits for the exit. */
  kill9(): Promise<void>;
  /** Sends SIGTERM and waits for the exit (the worker finishes its partitions). */
  stop(): Promise<void>;
}

/** Options of {@link spawnWorker}. */
export interface SpawnWorkerOptions {
  /** Redis URL passed as --redis. Default {@link REDIS_URL}. */
  readonly redisUrl?: string;
  /** Output that means the worker is up. Default: its ready line. */
  readonly until?: RegExp;
}

/** Spawns `node cli/bin.js worker …` and resolves once it prints that it is ready (or `options.until`). */
export async function spawnWorker(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  options: SpawnWorkerOptions = {},
): Promise<WorkerProcess> {
  const until = options.until ?? /chainql worker ready/;
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const child = spawn(process.execPath, ['cli/bin.js', 'worker', '--redis', redisUrl, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 30 s:\n${text}`)), 30_000);
    const check = () => {
      if (until.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it was ready:\n${text}`));
    });
  });
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { child, output: () => text, kill9: () => stopWith('SIGKILL'), stop: () => stopWith('SIGTERM') };
}
