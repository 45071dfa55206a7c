import type { Session } from '../session.ts';
import type { JobManager } from './job.ts';
import { loadPipelineConfig, type PipelineRegistry } from './pipeline-config.ts';

/** Options of {@link openJobManager}. */
export interface OpenJobManagerOptions {
  /** The session the server serves (jobs save into its warehouse). */
  readonly session: Session;
  /** Pipelines; default: loaded from `configPath` (or `CHAINQL_CONFIG`, or `./chainql.config.ts` when present). */
  readonly pipelines?: PipelineRegistry;
  readonly configPath?: string;
  /** Redis URL; default `CHAINQL_REDIS_URL`. Without one, jobs run in-process. */
  readonly redisUrl?: string;
  /** BullMQ queue of pipeline jobs (Redis backend only). Default `CHAINQL_PIPELINE_QUEUE`, else `chainql-pipelines`. */
  readonly queueName?: string;
  /**
   * Operator messages of the Redis backend (Redis unreachable/back, jobs waiting with no worker).
   * Default: printed on stderr.
   */
  readonly log?: (line: string) => void;
}

/**
 * Opens the job manager a server should use: `BullmqJobManager` when a Redis URL is configured (jobs
 * run on `chainql worker` processes started with the same config), else `LocalJobManager` (in-process,
 * the embedded default: no Redis needed). bullmq is imported only for the Redis backend.
 * @throws PipelineConfigError when the config module cannot be loaded.
 */
export async function openJobManager(
  options: OpenJobManagerOptions,
): Promise<JobManager & { readonly pipelines: PipelineRegistry }> {
  const pipelines = options.pipelines ?? (await loadPipelineConfig(options.configPath));
  const redisUrl = options.redisUrl ?? process.env.CHAINQL_REDIS_URL;
  if (redisUrl) {
    const { BullmqJobManager } = await import('./bullmq-job-manager.ts');
    return BullmqJobManager.open({
      pipelines,
      dataDir: options.session.dataDir,
      warehouse: await options.session.registry.identity(),
      redisUrl,
      ...((options.queueName ?? process.env.CHAINQL_PIPELINE_QUEUE)
        ? { queueName: options.queueName ?? process.env.CHAINQL_PIPELINE_QUEUE }
        : {}),
      ...(process.env.CHAINQL_QUEUE ? { partitionQueue: process.env.CHAINQL_QUEUE } : {}),
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    });
  }
  const { LocalJobManager } = await import('./local-job-manager.ts');
  return LocalJobManager.open({ session: options.session, pipelines });
}
