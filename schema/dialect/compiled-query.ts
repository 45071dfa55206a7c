/** SQL dialects chainql compiles to. */
export type DialectName = 'sqlite' | 'clickhouse';

/**
 * A statement ready for a warehouse driver. Values are never spliced into `sql`:
 * SQLite uses positional `?` placeholders bound from `parameters` in order;
 * ClickHouse uses typed placeholders `{p0:Int64}`, `{p1:String}`, … where `pN` is `parameters[N]`.
 */
export interface CompiledQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}
