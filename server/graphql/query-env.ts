import type { ReadExecutor } from '../exec/read-pool.ts';
import type { RowCapNotes } from '../plugins/use-row-cap-warnings.ts';

/** Row limits applied by the generated resolvers. */
export interface RowLimits {
  /** Rows returned when a query gives no `limit` (also caps `_aggregate.nodes`). Default 100. */
  readonly defaultLimit: number;
  /** Largest `limit` (and `k`) accepted; larger values are BAD_USER_INPUT. Default 10000. */
  readonly maxLimit: number;
}

/** What the generated resolvers need besides their arguments: where and how to run SQL. */
export interface QueryEnv {
  readonly executor: ReadExecutor;
  /**
   * Executor for point lookups bounded by a unique index (`_by_pk`); default `executor`. The server runs
   * them on the main thread (see exec/inline-reader.ts).
   */
  readonly pointExecutor?: ReadExecutor;
  /** The SQLite warehouse file. */
  readonly dbPath: string;
  readonly limits: RowLimits;
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
