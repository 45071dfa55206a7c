import type Database from 'better-sqlite3';
import { openConnection, registerFunctions } from '../../clients/warehouse/sqlite/sqlite-connection.ts';
import { sqliteFunctions } from '../../schema/dialect/sqlite/sqlite-functions.ts';
import type { ReadExecutor } from './read-pool.ts';
import type { ReadTask } from './read-worker.ts';
import { createServerFunctions } from './server-functions.ts';

const STATEMENT_CACHE = 256;

/**
 * Runs statements on the calling (main) thread with its own read-only connection. Only for point lookups
 * bounded by a unique index (`_by_pk`): they take microseconds, so they cannot stall the server the way a
 * scan could, and skipping the worker-thread round trip removes most of their latency. Every other read
 * still goes to the worker pool.
 */
export function createInlineReader(): ReadExecutor {
  const connections = new Map<string, Database.Database>();
  const statements = new Map<string, Database.Statement>();
  const connection = (path: string): Database.Database => {
    let db = connections.get(path);
    if (db === undefined) {
      db = openConnection({
        path,
        readonly: true,
        queryOnly: true,
        busyTimeoutMs: 5000,
        functions: sqliteFunctions,
      });
      registerFunctions(db, createServerFunctions());
      connections.set(path, db);
    }
    return db;
  };
  return {
    async read(task: ReadTask): Promise<Record<string, unknown>[]> {
      const key = `${task.dbPath}\u0000${task.sql}`;
      let statement = statements.get(key);
      if (statement === undefined) {
        statement = connection(task.dbPath).prepare(task.sql);
        if (statements.size >= STATEMENT_CACHE) statements.clear();
        statements.set(key, statement);
      }
      statement.safeIntegers(task.bigints);
      return statement.all(...(task.params as unknown[])) as Record<string, unknown>[];
    },
    async close(): Promise<void> {
      statements.clear();
      for (const db of connections.values()) db.close();
      connections.clear();
    },
  };
}
