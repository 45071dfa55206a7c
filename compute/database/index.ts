/**
 * The database bridge in chains: `readDatabase` (a source) and the `toDatabase` terminal (which lives with the
 * chain's other terminals in compute/chain/to-database.ts).
 */

export { type ToDatabaseOptions, toDatabaseChain } from '../chain/to-database.ts';
export { DatabaseSchemaError, DatabaseValueError } from './database-read-errors.ts';
export { DATABASE_READ_PREFIX, type DatabaseReadOptions, DatabaseSource } from './database-source.ts';
export { type ReadDatabaseOptions, readDatabase } from './read-database.ts';
