import { agg } from '../../schema/expr/index.ts';
import type { SelectQuery } from '../../schema/query/index.ts';
import { applyKeys, resolveKeys } from '../keys/index.ts';
import type { DatasetVersion, LineageSource } from '../registry/dataset-registry.ts';
import type { ChainRun } from './chain-run.ts';
import { compileInsertSelect } from './insert-select.ts';
import type { Relation } from './relation.ts';
import { createRowTable } from './table-writer.ts';
import type { SaveOptions } from './terminals.ts';

/** What {@link publishRelation} writes. */
export interface PublishInput {
  readonly name: string;
  readonly relation: Relation;
  /** Recorded with the version (a later save of the same chain returns it). */
  readonly chainHash: string;
  readonly save: SaveOptions;
  /** Lineage to record instead of the relation's. */
  readonly lineage?: readonly LineageSource[];
  /** Runs after the table is filled and keyed, before the version is registered (delta bookkeeping). */
  readonly beforeRegister?: (table: string) => Promise<void>;
}

/** `SELECT COUNT(*) AS n FROM <from>`. */
export function countQuery(from: SelectQuery['from']): SelectQuery {
  return { kind: 'select', from, selections: [{ expr: agg.count().node, alias: 'n' }] };
}

/**
 * Writes a planned relation as a new version of `name`: into a fresh table (or by renaming a table the
 * run owns), in chain order, then applies the key declaration (a duplicate key fails with
 * `DuplicateKeyError` and nothing is registered), registers the version and releases the run's
 * checkpoints. On any failure the new table is dropped; earlier versions are untouched.
 */
export async function publishRelation(run: ChainRun, input: PublishInput): Promise<DatasetVersion> {
  const { name, relation, save } = input;
  const { warehouse, registry } = run.session;
  // Key declarations are checked against the planned schema before the version's table exists.
  const keys = await resolveKeys(registry, name, relation.schema, save);
  const table = await registry.reserveTableName(name);
  try {
    if (relation.ownedTable) {
      await warehouse.renameTable(relation.ownedTable, table);
      run.adopt(relation.ownedTable);
    } else {
      await createRowTable(warehouse, table, relation.schema);
      await warehouse.execute(
        compileInsertSelect(warehouse.dialect, table, relation, run.orderedQuery(relation)),
      );
    }
    await applyKeys(warehouse, table, name, keys);
    const counted = await warehouse.query(run.compile(countQuery({ kind: 'table', name: table })));
    await input.beforeRegister?.(table);
    const version = await registry.createVersion({
      name,
      version: save.version,
      description: save.description,
      table,
      schema: relation.schema,
      rows: Number(counted[0]?.n ?? 0),
      chainHash: input.chainHash,
      lineage: input.lineage ?? relation.lineage,
      ...keys.declaration,
    });
    await run.releaseCheckpoints();
    return version;
  } catch (error) {
    await warehouse.dropTable(table);
    throw error;
  }
}
