import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { getCompiler } from '../../schema/dialect/index.ts';
import { columnNode, comparisonNode, literalNode } from '../../schema/expr/index.ts';
import type { SelectQuery } from '../../schema/query/index.ts';
import { sqlType } from '../../schema/record/index.ts';

const TABLE = 'chainql_delta';

/** What a delta-enabled save records next to the version it created. */
export interface DeltaRecord {
  /** Physical table of the dataset version (the record's key). */
  readonly table: string;
  /** Hash of the chain without its source's content version: equal means "made by this chain". */
  readonly deltaHash: string;
  /** The same hash with UDFs described by their output shape only (tells "UDF code changed" apart). */
  readonly shapeHash: string;
  /** Table holding the `deltaOn` + `deltaCompare` fields of every source row the version was made from. */
  readonly snapshotTable: string;
}

const COLUMNS = ['table_name', 'delta_hash', 'shape_hash', 'snapshot_table', 'created_at'] as const;

function column(name: string, kind: 'string' | 'int') {
  return { path: name, name, type: { kind }, nullable: false } as const;
}

/**
 * The delta bookkeeping table `chainql_delta`: one row per version saved by a delta-enabled chain.
 * Rows are written before the version is registered, so a registered version always has its record
 * (a crash in between leaves an unused row, never a version without one). Statements are query nodes
 * compiled for the warehouse's dialect; values are bound.
 */
export class DeltaStateStore {
  private constructor(private readonly warehouse: WarehouseDriver) {}

  /** Opens the store, creating its table when missing. */
  static async open(warehouse: WarehouseDriver): Promise<DeltaStateStore> {
    await warehouse.createTable(
      TABLE,
      COLUMNS.map((name) => ({
        name,
        sqlType: sqlType(column(name, name === 'created_at' ? 'int' : 'string'), warehouse.dialect),
        nullable: false,
      })),
      { ifNotExists: true, orderBy: ['table_name'] },
    );
    return new DeltaStateStore(warehouse);
  }

  /** Records the delta state of a version table (call before registering the version). */
  async record(record: DeltaRecord): Promise<void> {
    await this.warehouse.insert(
      TABLE,
      [...COLUMNS],
      [[record.table, record.deltaHash, record.shapeHash, record.snapshotTable, Date.now()]],
    );
  }

  /** The delta record of a version table, or undefined when that version was not saved with delta. */
  async get(table: string): Promise<DeltaRecord | undefined> {
    const query: SelectQuery = {
      kind: 'select',
      from: { kind: 'table', name: TABLE },
      selections: COLUMNS.map((name) => ({ expr: columnNode(name), alias: name })),
      where: comparisonNode('eq', columnNode('table_name'), literalNode(table)),
      orderBy: [{ expr: columnNode('created_at'), direction: 'desc', nulls: 'last' }],
      limit: 1,
    };
    const rows = await this.warehouse.query(getCompiler(this.warehouse.dialect).compileQuery(query));
    const row = rows[0];
    if (!row) return undefined;
    return {
      table: String(row.table_name),
      deltaHash: String(row.delta_hash),
      shapeHash: String(row.shape_hash),
      snapshotTable: String(row.snapshot_table),
    };
  }
}
