import type { Query } from '../../schema/query/index.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import type { OrderKey } from './steps.ts';

/** A dataset version a chain read from, recorded as lineage of what it saves. */
export interface LineageEntry {
  readonly dataset: string;
  readonly version: string;
}

/**
 * An intermediate result while planning a chain: a query (not yet run) whose output columns are the
 * system columns `sys__id`, `sys__rand` and one column per leaf of `schema`, by flattened name.
 */
export interface Relation {
  readonly query: Query;
  readonly schema: DatasetSchema;
  /** The ordering the chain asked for, re-applied by later steps while its columns survive. */
  readonly order: readonly OrderKey[] | undefined;
  readonly lineage: readonly LineageEntry[];
  /**
   * Set when `query` is a plain scan of a table this run created and owns (a materialised source):
   * `save` can publish that table as is instead of copying it.
   */
  readonly ownedTable?: string;
}
