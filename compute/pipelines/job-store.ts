import type { JobRecordRow, JobRecordStore } from '../../clients/warehouse/job-record-store.ts';
import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import type { Job, JobListOptions, JobStatus } from './job.ts';
import { PipelineConfigError } from './pipeline-errors.ts';

/**
 * Jobs of the in-process job manager, persisted as warehouse job records (`WarehouseDriver.jobRecordStore`:
 * one record per job, JSON for input/progress/error/output), so `job(id)` and `jobs` answer after restarts.
 * Launches with the same (pipeline, idempotency key) keep one record. Both built-in warehouses keep job records
 * (SQLite in its file, ClickHouse in a ReplacingMergeTree shared by every machine); a warehouse driver without
 * them is refused with a pointer to BullMQ workers (`CHAINQL_REDIS_URL`), whose job state is in Redis.
 */
export class JobStore {
  private constructor(private readonly records: JobRecordStore) {}

  /**
   * Opens the store, creating its table when missing.
   * @throws PipelineConfigError for a warehouse driver that keeps no job records (no `jobRecordStore`).
   */
  static async open(warehouse: WarehouseDriver): Promise<JobStore> {
    const records = warehouse.jobRecordStore?.();
    if (records === undefined) {
      throw new PipelineConfigError(
        `The ${warehouse.dialect} warehouse keeps no job records for the in-process job manager: set ` +
          'CHAINQL_REDIS_URL so pipelines run on BullMQ workers (job state then lives in Redis).',
      );
    }
    await records.migrate();
    return new JobStore(records);
  }

  /** Inserts a job unless one with the same pipeline and idempotency key exists; returns the stored one. */
  async insert(job: Job): Promise<Job> {
    await this.records.insertIgnore(toRow(job));
    if (job.idempotencyKey !== undefined) {
      const existing = await this.findByKey(job.pipeline, job.idempotencyKey);
      if (existing) return existing;
    }
    return (await this.get(job.id)) ?? job;
  }

  /** Replaces a job's mutable fields. */
  async update(job: Job): Promise<void> {
    const row = toRow(job);
    await this.records.update(job.id, {
      status: row.status,
      progress: row.progress,
      error: row.error,
      output: row.output,
      started_at: row.started_at,
      finished_at: row.finished_at,
    });
  }

  /** The job with this id, or undefined. */
  async get(id: string): Promise<Job | undefined> {
    const row = await this.records.get(id);
    return row ? fromRow(row) : undefined;
  }

  /** The job launched with this idempotency key for this pipeline, or undefined. */
  async findByKey(pipeline: string, key: string): Promise<Job | undefined> {
    const row = await this.records.findByKey(pipeline, key);
    return row ? fromRow(row) : undefined;
  }

  /** Jobs matching the filters, newest first. */
  async list(options: JobListOptions = {}): Promise<Job[]> {
    const rows = await this.records.list({
      ...(options.status ? { status: options.status } : {}),
      ...(options.pipeline ? { pipeline: options.pipeline } : {}),
      limit: Math.min(Math.max(1, options.limit ?? 50), 1000),
    });
    return rows.map(fromRow);
  }

  /** Jobs in one of the statuses (to fail the ones a previous process left running). */
  async withStatus(statuses: readonly JobStatus[]): Promise<Job[]> {
    return (await this.records.withStatus(statuses)).map(fromRow);
  }
}

function toRow(job: Job): JobRecordRow {
  return {
    id: job.id,
    pipeline: job.pipeline,
    status: job.status,
    input: JSON.stringify(job.input ?? null),
    idempotency_key: job.idempotencyKey ?? null,
    // attempts rides in the progress JSON: no column (and no migration of existing tables) needed.
    progress: JSON.stringify({ ...job.progress, attempts: job.attempts }),
    error: job.error ? JSON.stringify(job.error) : null,
    output: job.output ? JSON.stringify(job.output) : null,
    created_at: job.createdAt.getTime(),
    started_at: job.startedAt?.getTime() ?? null,
    finished_at: job.finishedAt?.getTime() ?? null,
  };
}

function fromRow(row: JobRecordRow): Job {
  const date = (value: unknown) =>
    value === null || value === undefined ? undefined : new Date(Number(value));
  const startedAt = date(row.started_at);
  const finishedAt = date(row.finished_at);
  const { attempts, ...progress } = JSON.parse(String(row.progress)) as Job['progress'] & {
    attempts?: number;
  };
  return {
    id: String(row.id),
    pipeline: String(row.pipeline),
    status: String(row.status) as JobStatus,
    input: JSON.parse(String(row.input)),
    ...(row.idempotency_key === null ? {} : { idempotencyKey: String(row.idempotency_key) }),
    progress,
    attempts: attempts ?? (startedAt ? 1 : 0),
    ...(row.error === null ? {} : { error: JSON.parse(String(row.error)) }),
    ...(row.output === null ? {} : { output: JSON.parse(String(row.output)) }),
    createdAt: new Date(Number(row.created_at)),
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
  };
}
