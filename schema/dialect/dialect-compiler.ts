/** The contract every SQL dialect compiler implements, and the capability flags that describe a dialect. */
import type { ExprNode } from '../expr/expr-node.ts';
import type { Query } from '../query/query-node.ts';
import type { CompiledQuery, DialectName } from './compiled-query.ts';

/**
 * Behaviour differences between dialects, read by the shared base compiler instead of `if (dialect === …)`.
 */
export interface DialectCapabilities {
  /** `ILIKE` exists; otherwise `ilike` compiles to `lower(x) LIKE lower(pattern)`. */
  readonly nativeIlike: boolean;
  /** `GLOB` exists; otherwise `glob` compiles to a regex match on a pattern translated at compile time (literal patterns only). */
  readonly nativeGlob: boolean;
  /** `LIKE` needs an explicit `ESCAPE '\'` to treat backslash as the escape character (PostgreSQL's default). */
  readonly likeNeedsEscapeClause: boolean;
  /** Keyword for distinct set difference (`EXCEPT` / `EXCEPT DISTINCT`). */
  readonly exceptKeyword: string;
  /** Outer joins fill missing sides with NULL only when asked (ClickHouse `join_use_nulls`). */
  readonly joinNullsSetting: string | null;
  /**
   * Arrays are stored as JSON text whose bigint items are decimal strings (SQLite), so `arrayContains` must
   * look for the item's text; otherwise arrays are native (`Array(Int64)`) and items compare as numbers.
   */
  readonly bigintArrayItemsAsText: boolean;
}

/** Compiles expression and query nodes into `{ sql, parameters }`. Stateless: safe to share and call concurrently. */
export interface DialectCompiler {
  /** The dialect this compiler targets. */
  readonly dialect: DialectName;
  /** The dialect's capability flags. */
  readonly capabilities: DialectCapabilities;
  /**
   * A standalone expression (e.g. for a `WHERE` clause built elsewhere). Values are bound parameters.
   * @throws DialectUnsupportedError for constructs the dialect cannot express (e.g. a non-literal glob pattern on ClickHouse).
   */
  compileExpression(node: ExprNode): CompiledQuery;
  /**
   * A full query. `ORDER BY` always states NULLS FIRST/LAST; `LIMIT`/`OFFSET` are bound parameters.
   * @throws DialectUnsupportedError for constructs the dialect cannot express.
   */
  compileQuery(query: Query): CompiledQuery;
  /**
   * `INSERT INTO table (columns) <query>`, where the query's output columns are `columns` in order. With
   * `numbered`, that column (not in `columns`) gets 1, 2, … in the query's row order: on SQLite the table's
   * `INTEGER PRIMARY KEY` assigns it, on ClickHouse the statement computes it.
   */
  compileInsertSelect(
    table: string,
    columns: readonly string[],
    query: Query,
    numbered?: string,
  ): CompiledQuery;
}
