/**
 * Job records of the in-process job manager on ClickHouse, without transactions or unique indexes:
 *
 * - `chainql_jobs` is a `ReplacingMergeTree(revision) ORDER BY id`: a record is a row, an update is a new row
 *   for the same id with a higher `revision`, and reads use `FINAL`, so they see exactly the newest row of each
 *   id. `revision` is taken from a clock when `update` is *called* (microseconds, strictly increasing in this
 *   process), so updates sent without waiting (progress) that reach the server out of order still leave the
 *   last one called as the record.
 * - An update is one `INSERT … SELECT` copying the immutable fields (pipeline, input, key, created time) from
 *   the current row: nothing is written for an absent id.
 * - `insertIgnore` checks for the id and the (pipeline, idempotency_key) pair, then inserts with the
 *   `insert_deduplication_token` `job-key:<sha256 of pipeline and key>` (`job-id:<sha256 of id>` without a key;
 *   hashed, as a setting value must stay plain text whatever the key holds): of two machines
 *   launching the same key at once the server keeps the first INSERT (the table remembers its last 10,000
 *   tokens). Should a token have left that window, the record of the earliest (created_at, id) wins and the
 *   other writer deletes its own row, as the registry does with version claims.
 * - `seq` (the revision of the first row, never updated) orders records created in the same millisecond.
 */
import { createHash } from 'node:crypto';
import type { JobRecordRow, JobRecordStore, JobRecordUpdate } from '../job-record-store.ts';
import type { ClickhouseWarehouse } from './clickhouse-warehouse.ts';
import { TABLE_SETTINGS } from './clickhouse-warehouse-options.ts';

const TABLE = 'chainql_jobs';

/** The record's columns, in table order (the JobRecordRow fields). */
const RECORD_COLUMNS = [
  'id',
  'pipeline',
  'status',
  'input',
  'idempotency_key',
  'progress',
  'error',
  'output',
  'created_at',
  'started_at',
  'finished_at',
] as const satisfies readonly (keyof JobRecordRow)[];

const SELECT = `SELECT ${RECORD_COLUMNS.join(', ')} FROM ${TABLE} FINAL`;

/** {@link JobRecordStore} on a ClickHouse warehouse (see the module comment). */
export class ClickhouseJobRecordStore implements JobRecordStore {
  #lastRevision = 0;

  constructor(private readonly warehouse: Pick<ClickhouseWarehouse, 'execute' | 'query' | 'insertOnce'>) {}

  /** @inheritdoc `CREATE TABLE IF NOT EXISTS`, so any number of processes may open at once. */
  async migrate(): Promise<void> {
    await this.warehouse.execute({
      sql: `CREATE TABLE IF NOT EXISTS ${TABLE} (
        id String, pipeline String, status LowCardinality(String), input String,
        idempotency_key Nullable(String), progress String, error Nullable(String), output Nullable(String),
        created_at Int64, started_at Nullable(Int64), finished_at Nullable(Int64), seq UInt64, revision UInt64
      ) ENGINE = ReplacingMergeTree(revision) ORDER BY id SETTINGS ${TABLE_SETTINGS}`,
      parameters: [],
    });
  }

  /** @inheritdoc Race-safe across machines through a deduplication token (see the module comment). */
  async insertIgnore(row: JobRecordRow): Promise<void> {
    const key = row.idempotency_key;
    const existing = await this.warehouse.query({
      sql:
        key === null
          ? `SELECT id FROM ${TABLE} WHERE id = {p0:String} LIMIT 1`
          : `SELECT id FROM ${TABLE} WHERE id = {p0:String} OR (pipeline = {p1:String} AND idempotency_key = {p2:String}) LIMIT 1`,
      parameters: key === null ? [row.id] : [row.id, row.pipeline, key],
    });
    if (existing.length > 0) return;
    const revision = this.#nextRevision();
    await this.warehouse.insertOnce(
      TABLE,
      [...RECORD_COLUMNS, 'seq', 'revision'],
      [[...RECORD_COLUMNS.map((column) => row[column]), revision, revision]],
      key === null ? `job-id:${digest(row.id)}` : `job-key:${digest(`${row.pipeline}\u0000${key}`)}`,
    );
    if (key === null) return;
    const winner = await this.findByKey(row.pipeline, key);
    if (winner !== undefined && winner.id !== row.id && (await this.get(row.id)) !== undefined) {
      // Only reachable if the token left the deduplication window: keep the winner's record alone.
      await this.warehouse.execute({
        sql: `DELETE FROM ${TABLE} WHERE id = {p0:String}`,
        parameters: [row.id],
      });
    }
  }

  /** @inheritdoc A new row for the id (`INSERT … SELECT` from the current one) with the next revision. */
  async update(id: string, f: JobRecordUpdate): Promise<void> {
    const revision = this.#nextRevision();
    await this.warehouse.execute({
      sql:
        `INSERT INTO ${TABLE} (${RECORD_COLUMNS.join(', ')}, seq, revision) ` +
        'SELECT id, pipeline, {p0:String}, input, idempotency_key, {p1:String}, {p2:Nullable(String)}, ' +
        '{p3:Nullable(String)}, created_at, {p4:Nullable(Int64)}, {p5:Nullable(Int64)}, seq, {p6:UInt64} ' +
        `FROM ${TABLE} FINAL WHERE id = {p7:String}`,
      parameters: [f.status, f.progress, f.error, f.output, f.started_at, f.finished_at, revision, id],
    });
  }

  /** @inheritdoc */
  async get(id: string): Promise<JobRecordRow | undefined> {
    const rows = await this.warehouse.query({ sql: `${SELECT} WHERE id = {p0:String}`, parameters: [id] });
    return rows[0] as JobRecordRow | undefined;
  }

  /** @inheritdoc The earliest (created_at, id) record should two have the key (see the module comment). */
  async findByKey(pipeline: string, key: string): Promise<JobRecordRow | undefined> {
    const rows = await this.warehouse.query({
      sql: `${SELECT} WHERE pipeline = {p0:String} AND idempotency_key = {p1:String} ORDER BY created_at, id LIMIT 1`,
      parameters: [pipeline, key],
    });
    return rows[0] as JobRecordRow | undefined;
  }

  /** @inheritdoc */
  async list(filter: { status?: string; pipeline?: string; limit: number }): Promise<JobRecordRow[]> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    if (filter.status) {
      where.push(`status = {p${parameters.length}:String}`);
      parameters.push(filter.status);
    }
    if (filter.pipeline) {
      where.push(`pipeline = {p${parameters.length}:String}`);
      parameters.push(filter.pipeline);
    }
    const limit = `{p${parameters.length}:UInt64}`;
    parameters.push(filter.limit);
    const rows = await this.warehouse.query({
      sql: `${SELECT}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, seq DESC LIMIT ${limit}`,
      parameters,
    });
    return rows as unknown as JobRecordRow[];
  }

  /** @inheritdoc */
  async withStatus(statuses: readonly string[]): Promise<JobRecordRow[]> {
    if (statuses.length === 0) return [];
    const rows = await this.warehouse.query({
      sql: `${SELECT} WHERE has({p0:Array(String)}, status)`,
      parameters: [[...statuses]],
    });
    return rows as unknown as JobRecordRow[];
  }

  /**
   * Microseconds since the epoch, strictly increasing in this store (2^53 µs is year 2255). Across machines the
   * order is their clocks' (updates of one job come from the process running it, so skew rarely matters).
   */
  #nextRevision(): number {
    const now = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    this.#lastRevision = Math.max(now, this.#lastRevision + 1);
    return this.#lastRevision;
  }
}

/** Hex SHA-256 of a text (deduplication tokens). */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
