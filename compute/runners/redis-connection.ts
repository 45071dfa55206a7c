import { Redis } from 'ioredis';
import { RunnerConfigError } from './runner-errors.ts';

/** Default Redis URL when neither an option nor `CHAINQL_REDIS_URL` gives one. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Redis URL to use: the option, else `CHAINQL_REDIS_URL`, else {@link DEFAULT_REDIS_URL}. */
export function redisUrlFrom(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? env.CHAINQL_REDIS_URL ?? DEFAULT_REDIS_URL;
}

/** The URL as it may be printed: a password in it is replaced by `***`. */
export function shownRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]+@/, '$1***@');
}

/** Longest wait between two reconnection attempts. */
export const MAX_RECONNECT_DELAY_MS = 10_000;

/** Delay before reconnection attempt `attempt` (1-based): 250 ms doubling up to {@link MAX_RECONNECT_DELAY_MS}. */
export function reconnectDelay(attempt: number): number {
  return Math.min(250 * 2 ** Math.max(0, attempt - 1), MAX_RECONNECT_DELAY_MS);
}

/** How a connection reports its state. */
export interface RedisConnectionOptions {
  /**
   * Receives one line when Redis cannot be reached (naming the URL; further failed retries are not
   * repeated) and one when it is reachable again. Default: nothing is printed.
   */
  readonly log?: (line: string) => void;
  /** Who connects, as the lines name it. Default `chainql`. */
  readonly role?: string;
}

/**
 * Opens an ioredis connection suitable for BullMQ queues *and* workers: `maxRetriesPerRequest: null`
 * (BullMQ's blocking commands must never give up), reconnecting forever with backoff
 * ({@link reconnectDelay}); connection errors are reported through `options.log`, once per outage.
 * @throws RunnerConfigError when the URL is not a redis:// or rediss:// URL.
 */
export function openRedis(url: string, options: RedisConnectionOptions = {}): Redis {
  if (!/^rediss?:\/\//.test(url)) {
    throw new RunnerConfigError(`Redis URL must start with redis:// or rediss://, got '${url}'.`);
  }
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: reconnectDelay,
  });
  watchRedis(redis, url, options);
  return redis;
}

/**
 * Reports a connection's outages through `options.log` (one line when it goes down, one when it is
 * back). Also keeps ioredis from printing every failed attempt as an unhandled error event.
 */
export function watchRedis(redis: Redis, url: string, options: RedisConnectionOptions = {}): void {
  const role = options.role ?? 'chainql';
  const shown = shownRedisUrl(url);
  let down = false;
  redis.on('error', (error: Error & { code?: string }) => {
    if (down) return;
    down = true;
    options.log?.(
      `${role}: cannot reach Redis at ${shown} (${error.code ?? error.message}); retrying with backoff ` +
        `(up to every ${MAX_RECONNECT_DELAY_MS / 1000} s) until it answers.`,
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    options.log?.(`${role}: connected to Redis at ${shown} again.`);
  });
}

/**
 * Resolves once `redis` is ready; rejects after `timeoutMs` when it is not (the connection keeps
 * retrying in the background).
 */
export function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error('Redis is not ready'));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/** Key prefix of chainql's own Redis keys (cancel markers, job indexes); BullMQ keeps its `bull:` prefix. */
export const KEY_PREFIX = 'chainql';

/** Key of the cancel marker of one distributed step run (workers poll it while processing its partitions). */
export function cancelKey(runId: string): string {
  return `${KEY_PREFIX}:cancel:${runId}`;
}

/** Key naming the queued run of a step (so a coordinator that restarts waits for it instead of enqueuing again). */
export function stepRunKey(queueName: string, stepHash: string): string {
  return `${KEY_PREFIX}:steprun:${queueName}:${stepHash}`;
}
