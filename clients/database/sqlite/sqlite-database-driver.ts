import type BetterSqlite3 from 'better-sqlite3';
import Database from 'better-sqlite3';
import type { DatabaseMode } from '../database-connection.ts';
import type {
  DatabaseCursor,
  DatabaseDriver,
  ResultColumn,
  WriteRequest,
  WriteResult,
} from '../database-driver.ts';
import {
  DatabaseQueryError,
  DatabaseUnreachableError,
  InvalidIdentifierError,
  UnmappableTypeError,
} from '../database-errors.ts';
import { quoteTable } from '../identifiers.ts';
import { sqliteError } from './sqlite-database-errors.ts';
import {
  SQLITE_TABLE_COLUMNS_SQL,
  sqliteCreateTableSql,
  sqliteInsertSql,
  sqliteRowsPerInsert,
  sqliteTableExistsSql,
} from './sqlite-database-statements.ts';
import { readSqliteDate, sqliteEncoder, sqliteResultType } from './sqlite-database-types.ts';

type Convert = (value: unknown) => unknown;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** A 64-bit integer read exactly: a number when it is safe, else left a bigint (validation then names it). */
const toSafeNumber: Convert = (v) =>
  typeof v === 'bigint' && v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : v;

/**
 * SQLite through better-sqlite3: reads iterate a prepared statement `batchSize` rows at a time (the result
 * is never loaded whole), writes run multi-row INSERTs inside one transaction (a savepoint when the
 * caller's handle is already in one).
 */
export class SqliteDatabaseDriver implements DatabaseDriver {
  readonly kind = 'sqlite' as const;
  #closed = false;

  private constructor(
    readonly target: string,
    private readonly db: BetterSqlite3.Database,
    private readonly owned: boolean,
  ) {}

  /** Opens a file: read-only and never created for reads; created when missing for writes. */
  static open(path: string, target: string, mode: DatabaseMode): SqliteDatabaseDriver {
    try {
      const db =
        mode === 'read' ? new Database(path, { readonly: true, fileMustExist: true }) : new Database(path);
      db.pragma('busy_timeout = 5000');
      return new SqliteDatabaseDriver(target, db, true);
    } catch (error) {
      throw new DatabaseUnreachableError(target, (error as Error).message, error);
    }
  }

  /** A driver over the caller's handle (never closed by the bridge). */
  static borrow(db: BetterSqlite3.Database, target: string): SqliteDatabaseDriver {
    if (!db.open) throw new DatabaseUnreachableError(target, 'the better-sqlite3 handle is closed');
    return new SqliteDatabaseDriver(target, db, false);
  }

  async openCursor(
    sql: string,
    params: readonly unknown[] | Readonly<Record<string, unknown>>,
    batchSize: number,
  ): Promise<DatabaseCursor> {
    let statement: BetterSqlite3.Statement;
    let iterator: IterableIterator<unknown[]>;
    let columns: ResultColumn[];
    let converters: Convert[];
    try {
      statement = this.db.prepare(sql);
      if (!statement.reader) {
        throw new DatabaseQueryError(
          this.target,
          'the statement returns no columns (readDatabase needs a query returning rows)',
          { sql },
        );
      }
      statement.safeIntegers(true);
      statement.raw(true);
      ({ columns, converters } = this.#columns(statement.columns()));
      iterator = (
        Array.isArray(params) ? statement.iterate(...params) : statement.iterate(params)
      ) as IterableIterator<unknown[]>;
    } catch (error) {
      throw sqliteError(this.target, error, sql);
    }
    const names = columns.map((column) => column.name);
    const width = names.length;
    const target = this.target;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      iterator.return?.();
    };
    return {
      columns,
      async next() {
        if (done) return [];
        const rows: unknown[][] = [];
        try {
          while (rows.length < batchSize) {
            const step = iterator.next();
            if (step.done) {
              done = true;
              break;
            }
            const row = step.value;
            for (let c = 0; c < width; c++) {
              const value = row[c];
              if (value instanceof Uint8Array) {
                throw new UnmappableTypeError(
                  target,
                  names[c]!,
                  'BLOB',
                  'binary values cannot be read; leave the column out or convert it in SQL (hex(col))',
                );
              }
              if (value !== null) row[c] = converters[c]!(value);
            }
            rows.push(row);
          }
        } catch (error) {
          finish();
          throw sqliteError(target, error, sql);
        }
        return rows;
      },
      async close() {
        finish();
      },
    };
  }

  #columns(described: BetterSqlite3.ColumnDefinition[]): { columns: ResultColumn[]; converters: Convert[] } {
    const seen = new Set<string>();
    const columns: ResultColumn[] = [];
    const converters: Convert[] = [];
    for (const column of described) {
      if (seen.has(column.name)) {
        throw new InvalidIdentifierError(
          this.target,
          column.name,
          'the query returns this column name twice; give each column its own alias',
        );
      }
      seen.add(column.name);
      const type = sqliteResultType(column.type);
      if (type === 'blob') {
        throw new UnmappableTypeError(
          this.target,
          column.name,
          column.type ?? 'BLOB',
          'binary values cannot be read; leave the column out or convert it in SQL (hex(col))',
        );
      }
      columns.push({ name: column.name, engineType: column.type ?? '(none)', type });
      converters.push(converterFor(type));
    }
    return { columns, converters };
  }

  async write(
    request: WriteRequest,
    batches: AsyncIterable<readonly (readonly unknown[])[]>,
  ): Promise<WriteResult> {
    const db = this.db;
    const table = quoteTable(request.table);
    const run = <T>(sql: string, fn: () => T): T => {
      try {
        return fn();
      } catch (error) {
        throw sqliteError(this.target, error, sql, table);
      }
    };
    // A caller's handle may already be inside a transaction: nest with a savepoint instead of BEGIN.
    const nested = db.inTransaction;
    run('BEGIN', () => db.exec(nested ? 'SAVEPOINT chainql_write' : 'BEGIN IMMEDIATE'));
    try {
      const existsSql = sqliteTableExistsSql(request.table.schema);
      const exists = run(existsSql, () => db.prepare(existsSql).get(request.table.name)) !== undefined;
      if (exists) {
        const found = run(SQLITE_TABLE_COLUMNS_SQL, () =>
          db.prepare(SQLITE_TABLE_COLUMNS_SQL).all(request.table.name, request.table.schema ?? 'main'),
        ) as { name: string }[];
        const names = new Set(found.map((column) => column.name));
        for (const column of request.columns) {
          if (!names.has(column.name)) {
            throw new DatabaseQueryError(
              this.target,
              `table ${table} has no column ${JSON.stringify(column.name)} (it has ${[...names].join(', ')})`,
              {},
            );
          }
        }
      } else if (request.createTable) {
        const createSql = sqliteCreateTableSql(request);
        run(createSql, () => db.exec(createSql));
      } else {
        throw new DatabaseQueryError(
          this.target,
          `table ${table} does not exist (pass createTable: true to create it)`,
          {},
        );
      }
      const width = request.columns.length;
      const encoders = request.columns.map((column) => sqliteEncoder(column.type));
      const perStatement = sqliteRowsPerInsert(width);
      const fullSql = sqliteInsertSql(request, perStatement);
      const full = run(fullSql, () => db.prepare(fullSql));
      const values: unknown[] = new Array(perStatement * width);
      let written = 0;
      for await (const batch of batches) {
        let start = 0;
        while (start < batch.length) {
          const count = Math.min(perStatement, batch.length - start);
          const params = count === perStatement ? values : new Array<unknown>(count * width);
          let k = 0;
          for (let r = start; r < start + count; r++) {
            const row = batch[r]!;
            for (let c = 0; c < width; c++) {
              const value = row[c];
              const encode = encoders[c];
              params[k++] = value === null || value === undefined ? null : encode ? encode(value) : value;
            }
          }
          const sql = count === perStatement ? fullSql : sqliteInsertSql(request, count);
          const statement = count === perStatement ? full : run(sql, () => db.prepare(sql));
          written += run(sql, () => statement.run(params)).changes;
          start += count;
        }
      }
      run('COMMIT', () => db.exec(nested ? 'RELEASE chainql_write' : 'COMMIT'));
      return { rows: written, created: !exists };
    } catch (error) {
      // DDL is transactional in SQLite too: the rollback removes a table this write created.
      if (db.inTransaction) {
        db.exec(nested ? 'ROLLBACK TO chainql_write; RELEASE chainql_write' : 'ROLLBACK');
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.owned) this.db.close();
  }
}

function converterFor(type: ResultColumn['type']): Convert {
  switch (type.kind) {
    case 'json':
      return (v) => {
        if (typeof v !== 'string') return toSafeNumber(v);
        try {
          return JSON.parse(v);
        } catch {
          return v;
        }
      };
    case 'dynamic':
      return toSafeNumber;
    case 'leaf':
      switch (type.type.kind) {
        case 'int':
          return toSafeNumber;
        case 'float':
          return (v) => (typeof v === 'bigint' ? Number(v) : v);
        case 'boolean':
          return (v) => (typeof v === 'bigint' ? v !== 0n : typeof v === 'number' ? v !== 0 : v);
        case 'datetime':
          return readSqliteDate;
        default:
          return (v) => v;
      }
  }
}
