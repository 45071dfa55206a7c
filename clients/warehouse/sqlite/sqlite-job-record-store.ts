import type { JobRecordRow, JobRecordStore, JobRecordUpdate } from '../job-record-store.ts';
import type { WarehouseDriver } from '../warehouse-driver.ts';

const TABLE = 'chainql_jobs';

/**
 * Job records in the SQLite table `chainql_jobs` (one row per job, JSON text columns); a unique index on
 * (pipeline, idempotency_key) makes launches with the same key keep one record.
 */
export class SqliteJobRecordStore implements JobRecordStore {
  constructor(private readonly warehouse: Pick<WarehouseDriver, 'execute' | 'query'>) {}

  async migrate(): Promise<void> {
    await this.warehouse.execute({
      sql:
        `CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, status TEXT NOT NULL, ` +
        'input TEXT NOT NULL, idempotency_key TEXT, progress TEXT NOT NULL, error TEXT, output TEXT, ' +
        'created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER)',
      parameters: [],
    });
    await this.warehouse.execute({
      sql: `CREATE UNIQUE INDEX IF NOT EXISTS ${TABLE}_idempotency ON ${TABLE} (pipeline, idempotency_key)`,
      parameters: [],
    });
  }

  async insertIgnore(row: JobRecordRow): Promise<void> {
    await this.warehouse.execute({
      sql:
        `INSERT OR IGNORE INTO ${TABLE} (id, pipeline, status, input, idempotency_key, progress, error, output, ` +
        'created_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      parameters: [
        row.id,
        row.pipeline,
        row.status,
        row.input,
        row.idempotency_key,
        row.progress,
        row.error,
        row.output,
        row.created_at,
        row.started_at,
        row.finished_at,
      ],
    });
  }

  async update(id: string, f: JobRecordUpdate): Promise<void> {
    await this.warehouse.execute({
      sql: `UPDATE ${TABLE} SET status = ?, progress = ?, error = ?, output = ?, started_at = ?, finished_at = ? WHERE id = ?`,
      parameters: [f.status, f.progress, f.error, f.output, f.started_at, f.finished_at, id],
    });
  }

  async get(id: string): Promise<JobRecordRow | undefined> {
    const rows = await this.warehouse.query({ sql: `SELECT * FROM ${TABLE} WHERE id = ?`, parameters: [id] });
    return rows[0] as JobRecordRow | undefined;
  }

  async findByKey(pipeline: string, key: string): Promise<JobRecordRow | undefined> {
    const rows = await this.warehouse.query({
      sql: `SELECT * FROM ${TABLE} WHERE pipeline = ? AND idempotency_key = ?`,
      parameters: [pipeline, key],
    });
    return rows[0] as JobRecordRow | undefined;
  }

  async list(filter: { status?: string; pipeline?: string; limit: number }): Promise<JobRecordRow[]> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      parameters.push(filter.status);
    }
    if (filter.pipeline) {
      where.push('pipeline = ?');
      parameters.push(filter.pipeline);
    }
    parameters.push(filter.limit);
    const rows = await this.warehouse.query({
      sql: `SELECT * FROM ${TABLE}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      parameters,
    });
    return rows as unknown as JobRecordRow[];
  }

  async withStatus(statuses: readonly string[]): Promise<JobRecordRow[]> {
    if (statuses.length === 0) return [];
    const rows = await this.warehouse.query({
      sql: `SELECT * FROM ${TABLE} WHERE status IN (${statuses.map(() => '?').join(', ')})`,
      parameters: [...statuses],
    });
    return rows as unknown as JobRecordRow[];
  }
}
