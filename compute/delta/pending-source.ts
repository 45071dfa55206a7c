import { getCompiler } from '../../schema/dialect/index.ts';
import type { SelectQuery } from '../../schema/query/index.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { compileInsertSelect } from '../chain/insert-select.ts';
import { countQuery } from '../chain/publish.ts';
import type { LineageEntry, Relation } from '../chain/relation.ts';
import type { ChainSource } from '../chain/sources/chain-source.ts';
import { scanTable } from '../chain/sources/scan.ts';
import { createRowTable, temporaryTableName } from '../chain/table-writer.ts';
import type { Session } from '../session.ts';

/**
 * Writes the rows a delta run processes (new, changed and retried source rows, `query`) into a fresh table
 * owned by the run (`track`), numbered 1..n in source order. Returns the table and its row count.
 */
export async function writePendingRows(
  session: Session,
  query: SelectQuery,
  schema: DatasetSchema,
  track: (table: string) => void,
): Promise<{ readonly table: string; readonly rows: number }> {
  const { warehouse } = session;
  const table = temporaryTableName();
  track(table);
  await createRowTable(warehouse, table, schema);
  const shape: Relation = { query, schema, order: undefined, lineage: [] };
  await warehouse.execute(compileInsertSelect(warehouse.dialect, table, shape, query));
  const counted = await warehouse.query(
    getCompiler(warehouse.dialect).compileQuery(countQuery({ kind: 'table', name: table })),
  );
  return { table, rows: Number(counted[0]?.n ?? 0) };
}

/**
 * The rows a delta run processes, already written by {@link writePendingRows}, as a chain source. Its
 * identity is given by the delta save and is the same when a crashed delta run is run again (the pending
 * rows are derived deterministically from the same inputs, in the same order), so the chain's UDF steps
 * resume from their checkpoints.
 */
export class PendingRowsSource implements ChainSource {
  readonly label: string;

  constructor(
    private readonly inner: ChainSource,
    private readonly table: string,
    private readonly schema: DatasetSchema,
    private readonly id: string,
    private readonly lineage: readonly LineageEntry[],
  ) {
    this.label = `delta of ${inner.label}`;
  }

  /** The storage context of the wrapped source (File rows read through it). */
  get storage(): unknown {
    return (this.inner as { readonly storage?: unknown }).storage;
  }

  async identity(): Promise<string> {
    return this.id;
  }

  async describe(): Promise<DatasetSchema> {
    return this.schema;
  }

  async open(): Promise<Relation> {
    return {
      query: scanTable(this.table, this.schema),
      schema: this.schema,
      order: undefined,
      lineage: this.lineage,
    };
  }
}

/** An already opened source relation as a chain source (so a run does not open the source twice). */
export class OpenedSource implements ChainSource {
  readonly label: string;

  constructor(
    private readonly inner: ChainSource,
    private readonly relation: Relation,
  ) {
    this.label = inner.label;
  }

  /** The storage context of the wrapped source. */
  get storage(): unknown {
    return (this.inner as { readonly storage?: unknown }).storage;
  }

  identity(session: Session): Promise<string> {
    return this.inner.identity(session);
  }

  describe(session: Session): Promise<DatasetSchema> {
    return this.inner.describe(session);
  }

  async open(): Promise<Relation> {
    return this.relation;
  }
}
