/**
 * The database bridge's client side: drivers for PostgreSQL (`pg`, loaded lazily) and SQLite
 * (better-sqlite3), connection parsing and coded errors. `readDatabase` / `toDatabase` in compute/ use it.
 */
export {
  type DatabaseConnection,
  type DatabaseMode,
  describeConnection,
  openDatabase,
} from './database-connection.ts';
export type {
  DatabaseCursor,
  DatabaseDriver,
  DatabaseKind,
  ResultColumn,
  ResultColumnType,
  TargetColumn,
  WriteRequest,
  WriteResult,
} from './database-driver.ts';
export {
  DatabaseAuthError,
  DatabaseConflictError,
  DatabaseError,
  DatabaseQueryError,
  DatabaseSyntaxError,
  DatabaseUnreachableError,
  InvalidConnectionError,
  InvalidIdentifierError,
  UnmappableTypeError,
} from './database-errors.ts';
export { checkIdentifier, parseTableName, quoteName, quoteTable, type TableName } from './identifiers.ts';
