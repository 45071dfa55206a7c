import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { getCompiler } from '../../schema/dialect/index.ts';
import { and, C } from '../../schema/expr/index.ts';
import type { SelectQuery } from '../../schema/query/index.ts';
import { sqlType } from '../../schema/record/index.ts';

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
    const column = (name: string, kind: 'string' | 'int') => ({
      name,
      sqlType: sqlType({ path: name, name, type: { kind }, nullable: false }, warehouse.dialect),
      nullable: false,
    });
    await warehouse.createTable(
      META,
      [column('step_hash', 'string'), column('status', 'string'), column('updated_at', 'int')],
      { ifNotExists: true, orderBy: ['step_hash'] },
    );
    return new CheckpointStore(warehouse);
  }

  /** Runs a SELECT over the metadata table, compiled for the warehouse's dialect. */
  private select(query: Omit<SelectQuery, 'kind' | 'from'>) {
    const compiled = getCompiler(this.warehouse.dialect).compileQuery({
      kind: 'select',
      from: { kind: 'table', name: META },
      ...query,
    });
    return this.warehouse.query(compiled);
  }

  /** The checkpoint of a step hash, or undefined when none exists. */
  async get(stepHash: string): Promise<Checkpoint | undefined> {
    const rows = await this.select({
      selections: [
        { expr: C('status').node, alias: 'status' },
        { expr: C('updated_at').node, alias: 'updated_at' },
      ],
      where: C('step_hash').eq(stepHash).node,
      orderBy: [
        { expr: C('updated_at').node, direction: 'desc' },
        { expr: C('status').node, direction: 'asc' },
      ],
      limit: 1,
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
    await this.warehouse.deleteWhere(META, and(C('step_hash').eq(stepHash), C('updated_at').lt(now)).node);
  }

  /** Drops a step's checkpoint tables and its record. */
  async drop(stepHash: string): Promise<void> {
    const tables = checkpointTables(stepHash);
    for (const table of [tables.input, tables.output, tables.done]) await this.warehouse.dropTable(table);
    await this.warehouse.deleteWhere(META, C('step_hash').eq(stepHash).node);
  }

  /**
   * Garbage-collects checkpoints not touched for `olderThanMs` (default 7 days): unfinished runs nobody
   * resumed and finished ones nobody reused. Returns the number of checkpoints dropped.
   */
  async collectGarbage(olderThanMs = 7 * 24 * 3600_000): Promise<number> {
    const rows = await this.select({
      selections: [{ expr: C('step_hash').node, alias: 'step_hash' }],
      where: C('updated_at').lt(Date.now() - olderThanMs).node,
    });
    for (const row of rows) await this.drop(String(row.step_hash));
    return rows.length;
  }
}
