import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { quoteIdentifier } from '../../schema/dialect/index.ts';

const META = 'chainql_checkpoints';

/** Status of one UDF step's checkpoint. */
export type CheckpointStatus = 'running' | 'done';

/** The tables of one UDF step's checkpoint (named after the step hash). */
export interface CheckpointTables {
  /** The step's input rows, materialised once with stable ids 1..n. */
  readonly input: string;
  /** Committed outputs (and stored errors), keyed by a deterministic id derived from the input id. */
  readonly output: string;
  /** Ids of the input rows whose batch committed. */
  readonly done: string;
}

/** A checkpoint record. */
export interface Checkpoint {
  readonly stepHash: string;
  readonly status: CheckpointStatus;
  readonly tables: CheckpointTables;
  readonly updatedAt: Date;
}

/** The physical table names of a step hash's checkpoint. */
export function checkpointTables(stepHash: string): CheckpointTables {
  const id = stepHash.slice(0, 24);
  return {
    input: `chainql_ckpt_${id}_in`,
    output: `chainql_ckpt_${id}_out`,
    done: `chainql_ckpt_${id}_done`,
  };
}

/**
 * Bookkeeping of UDF checkpoints in the warehouse: which step hashes have tables, whether they finished,
 * and when they were last touched (for garbage collection). The data itself lives in the step's tables;
 * commits to them are atomic with the done-ids (see the UDF step runner).
 */
export class CheckpointStore {
  private constructor(private readonly warehouse: WarehouseDriver) {}

  /** Opens the store, creating its metadata table when missing. */
  static async open(warehouse: WarehouseDriver): Promise<CheckpointStore> {
    await warehouse.createTable(
      META,
      [
        { name: 'step_hash', sqlType: warehouse.dialect === 'sqlite' ? 'TEXT' : 'String', nullable: false },
        { name: 'status', sqlType: warehouse.dialect === 'sqlite' ? 'TEXT' : 'String', nullable: false },
        {
          name: 'updated_at',
          sqlType: warehouse.dialect === 'sqlite' ? 'INTEGER' : 'Int64',
          nullable: false,
        },
      ],
      { ifNotExists: true, orderBy: ['step_hash'] },
    );
    return new CheckpointStore(warehouse);
  }

  private get table(): string {
    return quoteIdentifier(this.warehouse.dialect, META);
  }

  /** The checkpoint of a step hash, or undefined when none exists. */
  async get(stepHash: string): Promise<Checkpoint | undefined> {
    const rows = await this.warehouse.query({
      sql: `SELECT status, updated_at FROM ${this.table} WHERE step_hash = ? ORDER BY updated_at DESC, status ASC LIMIT 1`,
      parameters: [stepHash],
    });
    const row = rows[0];
    if (!row) return undefined;
    return {
      stepHash,
      status: row.status as CheckpointStatus,
      tables: checkpointTables(stepHash),
      updatedAt: new Date(Number(row.updated_at)),
    };
  }

  /** Records a status for a step hash (replacing the previous one). */
  async mark(stepHash: string, status: CheckpointStatus): Promise<void> {
    // Insert the new record first, then drop older ones: a crash in between leaves two records, and
    // `get` reads the newest ('done' wins a same-millisecond tie).
    const now = Date.now();
    await this.warehouse.insert(META, ['step_hash', 'status', 'updated_at'], [[stepHash, status, now]]);
    await this.warehouse.execute({
      sql: `DELETE FROM ${this.table} WHERE step_hash = ? AND updated_at < ?`,
      parameters: [stepHash, now],
    });
  }

  /** Drops a step's checkpoint tables and its record. */
  async drop(stepHash: string): Promise<void> {
    const tables = checkpointTables(stepHash);
    for (const table of [tables.input, tables.output, tables.done]) await this.warehouse.dropTable(table);
    await this.warehouse.execute({
      sql: `DELETE FROM ${this.table} WHERE step_hash = ?`,
      parameters: [stepHash],
    });
  }

  /**
   * Garbage-collects checkpoints not touched for `olderThanMs` (default 7 days): unfinished runs nobody
   * resumed and finished ones nobody reused. Returns the number of checkpoints dropped.
   */
  async collectGarbage(olderThanMs = 7 * 24 * 3600_000): Promise<number> {
    const rows = await this.warehouse.query({
      sql: `SELECT step_hash FROM ${this.table} WHERE updated_at < ?`,
      parameters: [Date.now() - olderThanMs],
    });
    for (const row of rows) await this.drop(String(row.step_hash));
    return rows.length;
  }
}
