import type { RowCapNotes } from '../plugins/use-row-cap-warnings.ts';
import type { FilterLimits } from '../query/filter-limits.ts';
import type { ReadTarget } from '../query/run-read.ts';

/** Row limits applied by the generated resolvers. */
export interface RowLimits {
  /** Rows returned when a query gives no `limit` (also caps `_aggregate.nodes`). Default 100. */
  readonly defaultLimit: number;
  /** Largest `limit` (and `k`) accepted; larger values are BAD_USER_INPUT. Default 10000. */
  readonly maxLimit: number;
}

/** Every limit the generated resolvers apply. */
export interface QueryLimits extends RowLimits, FilterLimits {}

/**
 * What the generated resolvers need besides their arguments: the warehouse (any `WarehouseDriver`), the
 * compiler of its dialect, and the limits.
 */
export interface QueryEnv extends ReadTarget {
  readonly limits: QueryLimits;
}

/** The per-request GraphQL context fields the server's plugins provide. */
export interface RequestContext {
  /** Aborted when the per-query timeout passes (see plugins/use-timeout.ts); cancels running SQL. */
  readonly signal?: AbortSignal;
  /** The caller's role (see plugins/use-auth.ts); undefined when auth is off. */
  readonly role?: 'reader' | 'writer' | 'admin';
  /** Resolvers report lists cut at the default row cap here (see plugins/use-row-cap-warnings.ts). */
  readonly rowCap?: RowCapNotes;
}
