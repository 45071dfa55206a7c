import type { ChainSettings } from '../chain/plan.ts';
import type { StepRunner } from '../chain/udf-runner.ts';
import type { BullmqRunnerOptions } from './bullmq-runner.ts';

/**
 * The runner a chain's UDF steps use — the one place that decides:
 * 1. `settings.runner` when given;
 * 2. in-process (undefined) when `settings.workers === 0`;
 * 3. the BullMQ runner when `settings.workers > 0` or `CHAINQL_REDIS_URL` is set (queue
 *    `CHAINQL_QUEUE` or `chainql-partitions`, partition size `CHAINQL_PARTITION_SIZE` or 5000);
 * 4. otherwise in-process (undefined).
 * bullmq and ioredis are imported only when a step actually runs on the BullMQ runner.
 */
export function resolveRunner(
  settings: ChainSettings,
  env: NodeJS.ProcessEnv = process.env,
): StepRunner | undefined {
  if (settings.runner) return settings.runner;
  if (settings.workers === 0) return undefined;
  if ((settings.workers ?? 0) > 0 || env.CHAINQL_REDIS_URL) {
    const options: BullmqRunnerOptions = {
      ...(env.CHAINQL_REDIS_URL ? { redisUrl: env.CHAINQL_REDIS_URL } : {}),
      ...(env.CHAINQL_QUEUE ? { queueName: env.CHAINQL_QUEUE } : {}),
      ...(env.CHAINQL_PARTITION_SIZE ? { partitionSize: Number(env.CHAINQL_PARTITION_SIZE) } : {}),
    };
    return {
      async run(context, task, stepHash) {
        const { openBullmqRunner } = await import('./bullmq-runner.ts');
        return openBullmqRunner(options).run(context, task, stepHash);
      },
    };
  }
  return undefined;
}
