import { quoteIdentifier, quoteIdentifiers } from '../../../schema/dialect/quote-identifier.ts';
import { WarehouseError } from '../warehouse-errors.ts';
import { toWarehouseError } from './sqlite-error-mapping.ts';
import type { StatementCache } from './statement-cache.ts';

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER (since 3.32): bound parameters per statement. */
export const SQLITE_MAX_VARIABLES = 32766;

/**
 * Rows per multi-row INSERT. Measured on this machine (300k rows × 6 columns, WAL, NORMAL):
 * a reused single-row statement took ~420–520 ms, multi-row statements of 10/50/100/500 rows
 * ~215–235 ms — the JS↔native call per row dominates, and beyond ~50 rows the gain is flat.
 * We aim for ~4096 values per statement, capped at 256 rows and at the variable limit.
 */
export function rowsPerStatement(columnCount: number): number {
  const byValues = Math.floor(4096 / columnCount);
  const byLimit = Math.floor(SQLITE_MAX_VARIABLES / columnCount);
  return Math.max(1, Math.min(256, byValues, byLimit));
}

/**
 * Writes rows into one table with multi-row `INSERT … VALUES (?,…),(?,…)` statements taken from the
 * connection's statement cache. It does not open a transaction: callers wrap calls in one
 * (`insert` per batch, `writeAtomically` around everything).
 */
export class BatchInserter {
  readonly #statements: StatementCache;
  readonly #table: string;
  readonly #columnCount: number;
  readonly #perStatement: number;
  readonly #multiSql: string;
  readonly #singleSql: string;
  readonly #buffer: unknown[];
  /** Rows buffered by `add` (their values are in `#buffer`), not yet inserted. */
  #pending = 0;
  /** Rows `add` has received so far, for error messages. */
  #added = 0;

  /** @throws WarehouseError when `columns` is empty or too wide for one statement. */
  constructor(statements: StatementCache, table: string, columns: readonly string[]) {
    if (columns.length === 0) throw new WarehouseError(`insert into '${table}' needs at least one column.`);
    if (columns.length > SQLITE_MAX_VARIABLES) {
      throw new WarehouseError(`insert into '${table}': ${columns.length} columns exceed SQLite's limit.`);
    }
    this.#statements = statements;
    this.#table = table;
    this.#columnCount = columns.length;
    this.#perStatement = rowsPerStatement(columns.length);
    const head = `INSERT INTO ${quoteIdentifier('sqlite', table)} (${quoteIdentifiers('sqlite', columns)}) VALUES `;
    const tuple = `(${new Array(columns.length).fill('?').join(',')})`;
    this.#singleSql = head + tuple;
    this.#multiSql = head + new Array(this.#perStatement).fill(tuple).join(',');
    this.#buffer = new Array(this.#perStatement * columns.length);
  }

  /**
   * Inserts `rows` (each exactly one value per column, already encoded for SQLite; booleans become
   * 1/0 and `undefined` NULL). Must run inside a transaction for speed and atomicity.
   *
   * @throws WarehouseError naming the row when its length is wrong, or wrapping the engine's error
   *         (the SQL is on the error; `parameters` holds the failing statement's values).
   */
  write(rows: readonly (readonly unknown[])[]): void {
    const width = this.#columnCount;
    const per = this.#perStatement;
    const buffer = this.#buffer;
    let i = 0;
    if (rows.length >= per) {
      const multi = this.#prepare(this.#multiSql);
      for (; i + per <= rows.length; i += per) {
        let k = 0;
        for (let j = i; j < i + per; j++) {
          const row = rows[j]!;
          if (row.length !== width) this.#throwWidth(j, row.length);
          for (let c = 0; c < width; c++) {
            const v = row[c];
            buffer[k++] = v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v;
          }
        }
        this.#run(multi, this.#multiSql, buffer);
      }
    }
    if (i < rows.length) {
      const single = this.#prepare(this.#singleSql);
      const values = new Array<unknown>(width);
      for (; i < rows.length; i++) {
        const row = rows[i]!;
        if (row.length !== width) this.#throwWidth(i, row.length);
        for (let c = 0; c < width; c++) {
          const v = row[c];
          values[c] = v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v;
        }
        this.#run(single, this.#singleSql, values);
      }
    }
  }

  /**
   * Streams one row in: its values are copied into the statement buffer at once (so `row` may be
   * reused or dropped by the caller) and a full buffer is inserted with one multi-row statement.
   * Call `flush()` before the transaction ends. Must run inside a transaction.
   *
   * @throws WarehouseError like `write`; the row number counts every row `add` received.
   */
  add(row: readonly unknown[]): void {
    const width = this.#columnCount;
    if (row.length !== width) this.#throwWidth(this.#added, row.length);
    this.#added++;
    const buffer = this.#buffer;
    let k = this.#pending * width;
    for (let c = 0; c < width; c++) {
      const v = row[c];
      buffer[k++] = v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v;
    }
    if (++this.#pending === this.#perStatement) {
      this.#run(this.#prepare(this.#multiSql), this.#multiSql, buffer);
      this.#pending = 0;
    }
  }

  /** Inserts the rows `add` buffered (one single-row statement each). Must run inside a transaction. */
  flush(): void {
    const pending = this.#pending;
    if (pending === 0) return;
    this.#pending = 0;
    const width = this.#columnCount;
    const single = this.#prepare(this.#singleSql);
    for (let i = 0; i < pending; i++) {
      this.#run(single, this.#singleSql, this.#buffer.slice(i * width, i * width + width));
    }
  }

  #run(statement: { run(values: unknown[]): unknown }, sql: string, values: unknown[]): void {
    try {
      statement.run(values);
    } catch (cause) {
      throw toWarehouseError(cause, sql, values.slice());
    }
  }

  #prepare(sql: string) {
    try {
      return this.#statements.get(sql);
    } catch (cause) {
      throw toWarehouseError(cause, sql, []);
    }
  }

  #throwWidth(rowIndex: number, length: number): never {
    throw new WarehouseError(
      `insert into '${this.#table}': row ${rowIndex} of the batch has ${length} values, expected ${this.#columnCount}.`,
    );
  }
}
