/**
 * Public API of chainql's clients layer: warehouse drivers (the Data Memory) and, later, storage drivers.
 */

// SQLite warehouse
export type { SqliteUserFunction } from './warehouse/sqlite/sqlite-connection.ts';
export { openSqliteWarehouse, SqliteWarehouse } from './warehouse/sqlite/sqlite-warehouse.ts';
export type { SqliteWarehouseOptions } from './warehouse/sqlite/sqlite-warehouse-options.ts';
export type { StatementCacheStats } from './warehouse/sqlite/statement-cache.ts';
// Warehouse contract and errors
export type {
  ColumnDefinition,
  CreateTableOptions,
  IndexDefinition,
  RawRow,
  StreamOptions,
  TableWrite,
  WarehouseDriver,
} from './warehouse/warehouse-driver.ts';
export { TableNotFoundError, WarehouseClosedError, WarehouseError } from './warehouse/warehouse-errors.ts';
