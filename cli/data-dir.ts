import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataDirNotFoundError } from './cli-errors.ts';

/**
 * The data directory a command reads: `--data`, else `$CHAINQL_DATA_DIR`, else `./.chainql`.
 * Commands that only read or change existing data never create it (a typo in `--data` would leave an
 * empty directory behind and answer "no datasets").
 * @throws DataDirNotFoundError (exit code 2) when it does not exist or is not a directory.
 */
export function existingDataDir(option: string | undefined, hint: string): string {
  const dir = resolve(option ?? process.env.CHAINQL_DATA_DIR ?? '.chainql');
  // With ClickHouse the warehouse holds everything: the data directory need not exist (nothing is read there).
  if (process.env.CHAINQL_CLICKHOUSE_URL) return dir;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataDirNotFoundError(dir, hint);
  return dir;
}

/** Help text of the `--data` flag, shared by the commands. */
export const DATA_FLAG_HELP = 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql)';

/** Help text of the `--warehouse` flag (every command that opens the Data Memory takes it). */
export const WAREHOUSE_FLAG_HELP =
  'ClickHouse server holding all data, http(s)://user:password@host:8123/db (default: $CHAINQL_CLICKHOUSE_URL); ' +
  'without it, the embedded SQLite file in --data';
