/** ClickHouse dialect. */
export * from './clickhouse-compiler.ts';
export * from './clickhouse-glob.ts';
export * from './clickhouse-sql-functions.ts';
