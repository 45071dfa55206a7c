/**
 * The typed storage the in-process job manager (compute/pipelines/job-store.ts) needs from a warehouse: one
 * record per pipeline job. A dialect implements it in its own folder (clients/warehouse/<dialect>/), so the job
 * store holds no SQL and no dialect branch. Values are plain columns; the JSON ones are already serialised.
 */
export interface JobRecordRow {
  readonly id: string;
  readonly pipeline: string;
  readonly status: string;
  readonly input: string;
  readonly idempotency_key: string | null;
  readonly progress: string;
  readonly error: string | null;
  readonly output: string | null;
  /** Epoch milliseconds. */
  readonly created_at: number;
  readonly started_at: number | null;
  readonly finished_at: number | null;
}

/** The mutable part of a job record. */
export type JobRecordUpdate = Pick<
  JobRecordRow,
  'status' | 'progress' | 'error' | 'output' | 'started_at' | 'finished_at'
>;

/** Job records of one warehouse. */
export interface JobRecordStore {
  /** Creates the table and its (pipeline, idempotency_key) unique index when missing (idempotent). */
  migrate(): Promise<void>;
  /** Stores the record unless its id, or its (pipeline, idempotency_key), is already stored. */
  insertIgnore(row: JobRecordRow): Promise<void>;
  /** Replaces the mutable fields of record `id` (no-op when absent). */
  update(id: string, fields: JobRecordUpdate): Promise<void>;
  /** The record with this id. */
  get(id: string): Promise<JobRecordRow | undefined>;
  /** The record launched with this idempotency key for this pipeline. */
  findByKey(pipeline: string, key: string): Promise<JobRecordRow | undefined>;
  /** Records matching the filters, newest first, at most `limit`. */
  list(filter: { status?: string; pipeline?: string; limit: number }): Promise<JobRecordRow[]>;
  /** Records in one of the statuses. */
  withStatus(statuses: readonly string[]): Promise<JobRecordRow[]>;
}
