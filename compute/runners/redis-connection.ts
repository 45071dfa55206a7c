import { Redis } from 'ioredis';
import { RunnerConfigError } from './runner-errors.ts';

/** Default Redis URL when neither an option nor `CHAINQL_REDIS_URL` gives one. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Redis URL to use: the option, else `CHAINQL_REDIS_URL`, else {@link DEFAULT_REDIS_URL}. */
export function redisUrlFrom(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? env.CHAINQL_REDIS_URL ?? DEFAULT_REDIS_URL;
}

/**
 * Opens an ioredis connection suitable for BullMQ queues *and* workers: `maxRetriesPerRequest: null`
 * (BullMQ's blocking commands must never give up) and no offline queue limit surprises.
 * @throws RunnerConfigError when the URL is not a redis:// or rediss:// URL.
 */
export function openRedis(url: string): Redis {
  if (!/^rediss?:\/\//.test(url)) {
    throw new RunnerConfigError(`Redis URL must start with redis:// or rediss://, got '${url}'.`);
  }
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
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
