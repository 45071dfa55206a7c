/** SQLite dialect. */
export * from './sqlite-compiler.ts';
export * from './sqlite-functions.ts';
export * from './sqlite-sql-functions.ts';
