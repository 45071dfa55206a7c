/** The database bridge in chains: `readDatabase` (a source) and the `toDatabase` terminal. */
export { DatabaseSchemaError, DatabaseValueError } from './database-read-errors.ts';
export { DATABASE_READ_PREFIX, type DatabaseReadOptions, DatabaseSource } from './database-source.ts';
export { type ReadDatabaseOptions, readDatabase } from './read-database.ts';
export { type ToDatabaseOptions, toDatabaseChain } from './to-database.ts';
