import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import type { Job, JobListOptions, JobStatus } from './job.ts';
import { PipelineConfigError } from './pipeline-errors.ts';

const TABLE = 'chainql_jobs';

/**
 * Jobs of the in-process job manager, persisted in the warehouse table `chainql_jobs` (one row per
 * job, JSON columns for input/progress/error/output), so `job(id)` and `jobs` answer after restarts.
 * A unique index on (pipeline, idempotency_key) makes launches with the same key return one job.
 * Embedded SQLite only.
 */
export class JobStore {
  private constructor(private readonly warehouse: WarehouseDriver) {}

  /** Opens the store, creating the table and index when missing. @throws PipelineConfigError for a non-SQLite warehouse. */
  static async open(warehouse: WarehouseDriver): Promise<JobStore> {
    if (warehouse.dialect !== 'sqlite') {
      throw new PipelineConfigError(
        'The in-process job manager stores jobs in the embedded SQLite warehouse.',
      );
    }
    await warehouse.execute({
      sql:
        `CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, status TEXT NOT NULL, ` +
        'input TEXT NOT NULL, idempotency_key TEXT, progress TEXT NOT NULL, error TEXT, output TEXT, ' +
        'created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER)',
      parameters: [],
    });
    await warehouse.execute({
      sql: `CREATE UNIQUE INDEX IF NOT EXISTS ${TABLE}_idempotency ON ${TABLE} (pipeline, idempotency_key)`,
      parameters: [],
    });
    return new JobStore(warehouse);
  }

  /** Inserts a job unless one with the same pipeline and idempotency key exists; returns the stored one. */
  async insert(job: Job): Promise<Job> {
    await this.warehouse.execute({
      sql:
        `INSERT OR IGNORE INTO ${TABLE} (id, pipeline, status, input, idempotency_key, progress, error, output, ` +
        'created_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      parameters: toRow(job),
    });
    if (job.idempotencyKey !== undefined) {
      const existing = await this.findByKey(job.pipeline, job.idempotencyKey);
      if (existing) return existing;
    }
    return (await this.get(job.id)) ?? job;
  }

  /** Replaces a job's mutable fields. */
  async update(job: Job): Promise<void> {
    const row = toRow(job);
    await this.warehouse.execute({
      sql: `UPDATE ${TABLE} SET status = ?, progress = ?, error = ?, output = ?, started_at = ?, finished_at = ? WHERE id = ?`,
      parameters: [row[2], row[5], row[6], row[7], row[9], row[10], job.id],
    });
  }

  /** The job with this id, or undefined. */
  async get(id: string): Promise<Job | undefined> {
    const rows = await this.warehouse.query({ sql: `SELECT * FROM ${TABLE} WHERE id = ?`, parameters: [id] });
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** The job launched with this idempotency key for this pipeline, or undefined. */
  async findByKey(pipeline: string, key: string): Promise<Job | undefined> {
    const rows = await this.warehouse.query({
      sql: `SELECT * FROM ${TABLE} WHERE pipeline = ? AND idempotency_key = ?`,
      parameters: [pipeline, key],
    });
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Jobs matching the filters, newest first. */
  async list(options: JobListOptions = {}): Promise<Job[]> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    if (options.status) {
      where.push('status = ?');
      parameters.push(options.status);
    }
    if (options.pipeline) {
      where.push('pipeline = ?');
      parameters.push(options.pipeline);
    }
    parameters.push(Math.min(Math.max(1, options.limit ?? 50), 1000));
    const rows = await this.warehouse.query({
      sql: `SELECT * FROM ${TABLE}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      parameters,
    });
    return rows.map(fromRow);
  }

  /** Jobs in one of the statuses (to fail the ones a previous process left running). */
  async withStatus(statuses: readonly JobStatus[]): Promise<Job[]> {
    const rows = await this.warehouse.query({
      sql: `SELECT * FROM ${TABLE} WHERE status IN (${statuses.map(() => '?').join(', ')})`,
      parameters: [...statuses],
    });
    return rows.map(fromRow);
  }
}

function toRow(job: Job): unknown[] {
  return [
    job.id,
    job.pipeline,
    job.status,
    JSON.stringify(job.input ?? null),
    job.idempotencyKey ?? null,
    // attempts rides in the progress JSON: no column (and no migration of existing tables) needed.
    JSON.stringify({ ...job.progress, attempts: job.attempts }),
    job.error ? JSON.stringify(job.error) : null,
    job.output ? JSON.stringify(job.output) : null,
    job.createdAt.getTime(),
    job.startedAt?.getTime() ?? null,
    job.finishedAt?.getTime() ?? null,
  ];
}

function fromRow(row: Record<string, unknown>): Job {
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
