import type { BullmqRunnerOptions } from './bullmq-runner.ts';
import { IN_PROCESS_RUNNER } from './in-process-runner.ts';
import type { StepRunner } from './step-runner.ts';

/** The settings that choose a runner (a subset of the chain's settings). */
export interface RunnerChoice {
  readonly runner?: StepRunner;
  readonly workers?: number;
}

/**
 * The runner a chain's UDF steps use — the one place that decides:
 * 1. `settings.runner` when given;
 * 2. in-process when `settings.workers === 0`;
 * 3. the BullMQ runner when `settings.workers > 0` or `CHAINQL_REDIS_URL` is set (queue
 *    `CHAINQL_QUEUE` or `chainql-partitions`, partition size `CHAINQL_PARTITION_SIZE` or 5000);
 * 4. otherwise in-process ({@link IN_PROCESS_RUNNER}).
 * bullmq and ioredis are imported only when a step actually uses the BullMQ runner.
 */
export function resolveRunner(settings: RunnerChoice, env: NodeJS.ProcessEnv = process.env): StepRunner {
  if (settings.runner) return settings.runner;
  if (settings.workers === 0) return IN_PROCESS_RUNNER;
  if ((settings.workers ?? 0) > 0 || env.CHAINQL_REDIS_URL) {
    const options: BullmqRunnerOptions = {
      ...(env.CHAINQL_REDIS_URL ? { redisUrl: env.CHAINQL_REDIS_URL } : {}),
      ...(env.CHAINQL_QUEUE ? { queueName: env.CHAINQL_QUEUE } : {}),
      ...(env.CHAINQL_PARTITION_SIZE ? { partitionSize: Number(env.CHAINQL_PARTITION_SIZE) } : {}),
    };
    const load = async () => (await import('./bullmq-runner.ts')).openBullmqRunner(options);
    return {
      check: async (step, placement) => (await load()).check(step, placement),
      run: async (context, task, stepHash, placement) =>
        (await load()).run(context, task, stepHash, placement),
    };
  }
  return IN_PROCESS_RUNNER;
}
