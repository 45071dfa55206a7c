import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import { DEFAULT_PIPELINE_QUEUE } from '../../compute/pipelines/bullmq-job-state.ts';
import { loadPipelineConfig } from '../../compute/pipelines/pipeline-config.ts';
import { pipelineStepResolver } from '../../compute/pipelines/pipeline-step-resolver.ts';
import { type PipelineWorker, startPipelineWorker } from '../../compute/pipelines/pipeline-worker.ts';
import { type ChainqlWorker, startWorker } from '../../compute/runners/bullmq-partition-worker.ts';
import { openRedis, redisUrlFrom, shownRedisUrl } from '../../compute/runners/redis-connection.ts';
import { WorkerSessions } from '../../compute/runners/worker-sessions.ts';
import { namedConfig } from '../config-flag.ts';
import { WAREHOUSE_FLAG_HELP } from '../data-dir.ts';
import { parseCount } from '../parse-count.ts';
import { type StopSignals, whenAborted } from '../stop-signals.ts';

/** Options of `chainql worker` as commander parses them. */
interface WorkerCommandOptions {
  concurrency: number;
  data?: string;
  redis?: string;
  queue?: string;
  lockDuration?: number;
  stalledInterval?: number;
  verbose?: boolean;
  config?: string;
  pipelineQueue?: string;
  partitionSize?: number;
}

/**
 * `chainql worker [--concurrency N] [--data DIR] [--redis URL] [--queue NAME]`: processes partitions of
 * distributed chain runs until SIGINT/SIGTERM (then finishes the running partitions and exits).
 * Prints `chainql worker ready` once it consumes the queue.
 * @param stops the process's stop requests: `worker` claims them, so SIGINT/SIGTERM at any moment ends it
 *   cleanly (exit code 0).
 */
export function registerWorkerCommand(program: Command, stops: StopSignals): void {
  program
    .command('worker')
    .description(
      'Process UDF partitions of chains run with the BullMQ runner (CHAINQL_REDIS_URL or workers > 0).\n' +
        'Workers import the UDF modules the chains use, so run them from the same code checkout.',
    )
    .option('--warehouse <url>', WAREHOUSE_FLAG_HELP)
    .option('--concurrency <n>', 'partitions processed at once by this process', parseCount(1), 1)
    .option(
      '--data <dir>',
      "this worker's data directory: its file cache with ClickHouse, the SQLite file of jobs that name none " +
        '(default: $CHAINQL_DATA_DIR or ./.chainql)',
    )
    .option('--redis <url>', 'Redis URL (default: $CHAINQL_REDIS_URL or redis://127.0.0.1:6379)')
    .option('--queue <name>', 'partition queue (default: $CHAINQL_QUEUE or chainql-partitions)')
    .option(
      '--lock-duration <ms>',
      "partition lock time; a dead worker's partition moves on after about this plus the stall interval",
      parseCount(1),
    )
    .option('--stalled-interval <ms>', 'how often stalled partitions are looked for', parseCount(1))
    .option(
      '--config <path>',
      'pipeline config module (default: $CHAINQL_CONFIG or ./chainql.config.ts, when present)',
    )
    .option(
      '--pipeline-queue <name>',
      'queue of pipeline jobs (default: $CHAINQL_PIPELINE_QUEUE or chainql-pipelines)',
    )
    .option(
      '--partition-size <rows>',
      'rows per partition of the pipelines this worker runs (default 5000)',
      parseCount(1),
    )
    .option('--verbose', 'print one line per finished partition')
    .action(async (options: WorkerCommandOptions) => {
      // Claimed before anything starts: a stop while loading or connecting still closes cleanly (exit 0).
      const stop = stops.claim();
      const config = namedConfig(options.config);
      const pipelines = await loadPipelineConfig(config, { required: config !== undefined });
      const redisUrl = redisUrlFrom(options.redis);
      // One connection for both queues, so an outage is reported once (and recovery once).
      const redis = openRedis(redisUrl, {
        role: 'chainql worker',
        log: (line) => process.stderr.write(`${line}\n`),
      });
      // One set of sessions for partitions and pipeline jobs: with ClickHouse, one session on this worker's own
      // URL and data directory (never the server's, carried in jobs); checked at the start of every job.
      const sessions = new WorkerSessions({
        ...(options.data ? { dataDir: resolve(options.data) } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      let worker: ChainqlWorker | undefined;
      let pipelineWorker: PipelineWorker | undefined;
      try {
        worker = startWorker({
          connection: redis,
          sessions,
          // Partitions of pipeline jobs: this worker rebuilds their chains from the same config module.
          resolvePipelineStep: pipelineStepResolver(pipelines),
          concurrency: options.concurrency,
          ...(options.data ? { dataDir: resolve(options.data) } : {}),
          ...(options.redis ? { redisUrl: options.redis } : {}),
          ...((options.queue ?? process.env.CHAINQL_QUEUE)
            ? { queueName: options.queue ?? process.env.CHAINQL_QUEUE }
            : {}),
          ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
          ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
          ...(options.verbose
            ? {
                onJob: (event) =>
                  process.stdout.write(
                    `partition ${event.range?.from}..${event.range?.to} ${event.status} in ${event.elapsedMs} ms` +
                      `${event.committed === undefined ? '' : ` committed ${event.committed}`}` +
                      `${event.error ? `: ${event.error}` : ''}\n`,
                  ),
              }
            : {}),
        });
        if (pipelines.list().length > 0) {
          pipelineWorker = startPipelineWorker({
            pipelines,
            connection: redis,
            sessions,
            ...(options.redis ? { redisUrl: options.redis } : {}),
            ...((options.pipelineQueue ?? process.env.CHAINQL_PIPELINE_QUEUE)
              ? { queueName: options.pipelineQueue ?? process.env.CHAINQL_PIPELINE_QUEUE }
              : {}),
            partitionQueue: worker.queueName,
            ...(options.partitionSize !== undefined ? { partitionSize: options.partitionSize } : {}),
            ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
            ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
          });
        }
        // Redis may be down for a while (the connection retries): a stop meanwhile must not wait for it.
        await Promise.race([Promise.all([pipelineWorker?.ready(), worker.ready()]), whenAborted(stop)]);
        if (stop.aborted) return;
        const names = pipelines.list().map((p) => p.name);
        const queues = [`partitions '${worker.queueName}'`];
        if (pipelineWorker)
          queues.push(
            `pipelines '${options.pipelineQueue ?? process.env.CHAINQL_PIPELINE_QUEUE ?? DEFAULT_PIPELINE_QUEUE}' (${names.join(', ')})`,
          );
        process.stdout.write(
          `chainql worker ready: connected to Redis at ${shownRedisUrl(redisUrl)}, serving ${queues.join(' and ')}, pid ${process.pid}\n`,
        );
        // Says at once when this worker's ClickHouse cannot be reached (jobs then fail until it answers); not
        // awaited, so a stop is never held up by it.
        if (sessions.byUrl) void sessions.forJob(undefined).catch(() => undefined);
        await whenAborted(stop);
      } finally {
        // Also after a failed start: an open Redis connection would keep the process alive after the error.
        await closeWorkers(redis, [worker, pipelineWorker]);
        await sessions.close().catch(() => {});
      }
    });
}

/**
 * Closes the workers and the Redis connection. With Redis up, running partitions finish and commit first.
 * With Redis unreachable a polite close would wait for it forever (BullMQ needs the connection), so the
 * workers are closed by force: a partition cut short is taken up again from its committed batches.
 */
async function closeWorkers(
  redis: Redis,
  workers: readonly ({ close(force?: boolean): Promise<void> } | undefined)[],
): Promise<void> {
  const force = redis.status !== 'ready';
  await Promise.all(workers.map((w) => w?.close(force))).catch(() => {});
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
