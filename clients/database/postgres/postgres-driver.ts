import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Client, ClientConfig, FieldDef, Pool, PoolClient, PoolConfig } from 'pg';
import { conflictClause } from '../conflict-clause.ts';
import type {
  DatabaseCursor,
  DatabaseDriver,
  ResultColumn,
  WriteRequest,
  WriteResult,
} from '../database-driver.ts';
import { DatabaseQueryError, InvalidIdentifierError, UnmappableTypeError } from '../database-errors.ts';
import { quoteName, quoteTable } from '../identifiers.ts';
import {
  BINARY_COPY_HEADER,
  BINARY_COPY_TRAILER,
  type BinaryRowEncoder,
  BinaryValueError,
  binaryRowEncoder,
} from './postgres-binary-copy.ts';
import { CopyIn, copyText } from './postgres-copy.ts';
import { connectError, statementError } from './postgres-errors.ts';
import {
  CATALOG_TYPES_SQL,
  createTableSql,
  insertSql,
  MAX_PARAMETERS,
  TABLE_COLUMNS_SQL,
  TABLE_EXISTS_SQL,
} from './postgres-statements.ts';
import { type CatalogType, postgresColumnType, resultType } from './postgres-types.ts';
import {
  createTypeParsers,
  jsonEncoder,
  type TypeParsers,
  type ValueEncoder,
  valueEncoder,
} from './postgres-values.ts';

type PgModule = typeof import('pg');

/** The parts of pg-cursor's Cursor the driver uses (the package ships no types). */
interface PgCursor {
  read(
    rows: number,
    callback: (error: Error | undefined, rows: unknown[][], result: { fields: FieldDef[] }) => void,
  ): void;
  close(callback?: (error?: Error) => void): Promise<void> | undefined;
  /** The result being built; its `fields` are set once the row description arrived. */
  readonly _result: { readonly fields: FieldDef[] };
}
type CursorConstructor = new (
  text: string,
  values: readonly unknown[],
  config: { types: TypeParsers; rowMode: 'array' },
) => PgCursor;

const require = createRequire(import.meta.url);
let loaded: { pg: PgModule; Cursor: CursorConstructor; parsers: TypeParsers } | undefined;

/** Loads `pg` and `pg-cursor` on first use, so the SQLite bridge never imports them. */
async function load(): Promise<NonNullable<typeof loaded>> {
  if (loaded === undefined) {
    const pg = ((await import('pg')) as unknown as { default: PgModule }).default;
    const Cursor = require('pg-cursor') as CursorConstructor;
    loaded = { pg, Cursor, parsers: createTypeParsers(pg.types) };
  }
  return loaded;
}

/** Rows per INSERT statement: a few thousand parameters each (measured in test/bench/bridge.ts). */
export function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.min(500, Math.floor(MAX_PARAMETERS / columns), Math.floor(8192 / columns)));
}

interface Lease {
  readonly client: Client | PoolClient;
  release(error?: Error): void;
}

/**
 * PostgreSQL through `pg`: reads with a server-side cursor (pg-cursor: one portal, `batchSize` rows per
 * round trip, one batch fetched ahead), writes through one COPY FROM STDIN inside one transaction
 * (multi-row parameterised INSERTs when the client has no JS connection, e.g. pg-native).
 */
export class PostgresDriver implements DatabaseDriver {
  readonly kind = 'postgres' as const;
  #closed = false;

  private constructor(
    readonly target: string,
    private readonly pool: Pool | undefined,
    private readonly client: Client | undefined,
    private readonly owned: boolean,
  ) {}

  /** A driver with its own pool (closed by `close()`), from a URL or config. */
  static async fromConfig(config: PoolConfig | ClientConfig, target: string): Promise<PostgresDriver> {
    const { pg } = await load();
    const pool = new pg.Pool({ ...(config as PoolConfig), max: 2 });
    // An idle client that dies must not crash the process; the next checkout reports the failure.
    pool.on('error', () => undefined);
    return new PostgresDriver(target, pool, undefined, true);
  }

  /** A driver over the caller's pool (never ended by the bridge). */
  static async borrowPool(pool: Pool, target: string): Promise<PostgresDriver> {
    await load();
    return new PostgresDriver(target, pool, undefined, false);
  }

  /** A driver over the caller's connected client (not in a transaction; never ended by the bridge). */
  static async borrowClient(client: Client, target: string): Promise<PostgresDriver> {
    await load();
    return new PostgresDriver(target, undefined, client, false);
  }

  async #lease(): Promise<Lease> {
    if (this.client) return { client: this.client, release: () => undefined };
    try {
      const client = await this.pool!.connect();
      return { client, release: (error) => client.release(error) };
    } catch (error) {
      throw connectError(this.target, error);
    }
  }

  async openCursor(
    sql: string,
    params: readonly unknown[] | Readonly<Record<string, unknown>>,
    batchSize: number,
  ): Promise<DatabaseCursor> {
    if (!Array.isArray(params)) {
      throw new DatabaseQueryError(
        this.target,
        'PostgreSQL takes positional parameters ($1, $2, …): pass params as an array',
        { sql },
      );
    }
    const { Cursor, parsers } = await load();
    const lease = await this.#lease();
    const cursor = lease.client.query(
      new Cursor(sql, params as unknown[], { types: parsers, rowMode: 'array' }) as never,
    ) as unknown as PgCursor;
    type Batch = { rows: unknown[][]; fields: FieldDef[] };
    const read = () =>
      new Promise<Batch>((resolve, reject) => {
        cursor.read(batchSize, (error, rows, result) =>
          error ? reject(error) : resolve({ rows, fields: result?.fields ?? cursor._result.fields }),
        );
      });
    // One batch is always fetched ahead: the server produces batch k+1 while batch k is processed.
    let ahead: Promise<Batch> | undefined;
    const fetchAhead = () => {
      ahead = read();
      ahead.catch(() => undefined); // observed by the next `next()`
    };
    let done = false;
    const finish = async (error?: Error): Promise<void> => {
      if (done) return;
      done = true;
      if (ahead) await ahead.catch(() => undefined);
      ahead = undefined;
      await new Promise<void>((resolve) => {
        cursor.close(() => resolve());
      }).catch(() => undefined);
      lease.release(error);
    };
    let first: Batch;
    let columns: ResultColumn[];
    try {
      first = await read();
      columns = await this.#columns(first.fields, sql);
    } catch (error) {
      await finish(error as Error);
      throw statementError(this.target, error, sql);
    }
    // Arrays of types pg has no parser for (enums, citext) arrive as array literals: parse them as text[].
    const literalArrays = columns.flatMap((column, i) => (column.engineType.startsWith('_') ? [i] : []));
    const parseTextArray = parsers.getTypeParser(1009, 'text');
    const fix = (rows: unknown[][]): unknown[][] => {
      if (literalArrays.length === 0) return rows;
      for (const row of rows) {
        for (const i of literalArrays) {
          const value = row[i];
          if (typeof value === 'string') row[i] = parseTextArray(value);
        }
      }
      return rows;
    };
    let pending: unknown[][] | undefined = fix(first.rows);
    if (pending.length > 0) fetchAhead();
    const target = this.target;
    return {
      columns,
      async next() {
        if (pending !== undefined) {
          const rows = pending;
          pending = undefined;
          if (rows.length === 0) await finish();
          return rows;
        }
        if (done || ahead === undefined) return [];
        try {
          const { rows } = await ahead;
          ahead = undefined;
          if (rows.length === 0) await finish();
          else fetchAhead();
          return fix(rows);
        } catch (error) {
          ahead = undefined;
          await finish(error as Error);
          throw statementError(target, error, sql);
        }
      },
      close: () => finish(),
    };
  }

  /** Maps result fields to chainql types; OIDs outside the built-in tables are looked up in pg_type. */
  async #columns(fields: readonly FieldDef[], sql: string): Promise<ResultColumn[]> {
    if (fields.length === 0) {
      throw new DatabaseQueryError(
        this.target,
        'the statement returns no columns (readDatabase needs a query returning rows)',
        { sql },
      );
    }
    const unknown = fields
      .filter((field) => typeof resultType(field.dataTypeID) === 'string')
      .map((f) => f.dataTypeID);
    const catalog = unknown.length > 0 ? await this.#catalog(unknown) : new Map<number, CatalogType>();
    const seen = new Set<string>();
    return fields.map((field) => {
      if (seen.has(field.name)) {
        throw new InvalidIdentifierError(
          this.target,
          field.name,
          'the query returns this column name twice; give each column its own alias',
        );
      }
      seen.add(field.name);
      const mapped = resultType(field.dataTypeID, catalog.get(field.dataTypeID));
      if (typeof mapped === 'string') {
        throw new UnmappableTypeError(
          this.target,
          field.name,
          mapped,
          `cast it in the query (${JSON.stringify(field.name)}::text) or leave it out`,
        );
      }
      return { name: field.name, engineType: mapped.name, type: mapped.type };
    });
  }

  /** pg_type rows for `oids`, on another connection (the cursor's is busy). Unknown without a pool. */
  async #catalog(oids: readonly number[]): Promise<Map<number, CatalogType>> {
    const out = new Map<number, CatalogType>();
    if (!this.pool) return out;
    const result = await this.pool.query<{
      oid: number;
      name: string;
      category: string;
      element: number;
      element_category: string | null;
    }>(CATALOG_TYPES_SQL, [[...new Set(oids)]]);
    for (const row of result.rows) {
      out.set(row.oid, {
        name: row.name,
        category: row.category,
        element: row.element,
        elementCategory: row.element_category ?? undefined,
      });
    }
    return out;
  }

  async write(
    request: WriteRequest,
    batches: AsyncIterable<readonly (readonly unknown[])[]>,
  ): Promise<WriteResult> {
    const { client, release } = await this.#lease();
    const table = quoteTable(request.table);
    // Statement failures become coded errors here; a failure of the rows' source passes through as it is.
    const run = async <R extends Record<string, unknown>>(
      text: string,
      values?: unknown[],
      name?: string,
    ): Promise<{ rows: R[]; rowCount: number | null }> => {
      try {
        return await client.query<R>(name ? { name, text, values } : { text, values });
      } catch (error) {
        throw statementError(this.target, error, text, table);
      }
    };
    let failure: Error | undefined;
    try {
      await run('BEGIN');
      const exists = (await run<{ present: boolean }>(TABLE_EXISTS_SQL, [table])).rows[0]?.present === true;
      let existing: Map<string, string> | undefined;
      let oids: Map<string, number> | undefined;
      if (exists) {
        const rows = (await run<{ name: string; type: string; oid: number }>(TABLE_COLUMNS_SQL, [table]))
          .rows;
        existing = new Map(rows.map((row) => [row.name, row.type]));
        oids = new Map(rows.map((row) => [row.name, row.oid]));
        for (const column of request.columns) {
          if (!existing.has(column.name)) {
            throw new DatabaseQueryError(
              this.target,
              `table ${table} has no column ${JSON.stringify(column.name)} (it has ${[...existing.keys()].join(', ')})`,
              { engineCode: '42703' },
            );
          }
        }
      } else if (request.createTable) {
        await run(createTableSql(request));
        const rows = (await run<{ name: string; oid: number }>(TABLE_COLUMNS_SQL, [table])).rows;
        oids = new Map(rows.map((row) => [row.name, row.oid]));
      } else {
        throw new DatabaseQueryError(
          this.target,
          `table ${table} does not exist (pass createTable: true to create it)`,
          {
            engineCode: '42P01',
          },
        );
      }
      // Columns stored as JSON: created as jsonb, or an existing json/jsonb column (whatever our type).
      const jsonColumns = new Set<number>();
      const encoders: (ValueEncoder | undefined)[] = request.columns.map((column, i) => {
        const existingType = existing?.get(column.name);
        const json =
          existingType === undefined ? postgresColumnType(column.type).json : /^jsonb?$/.test(existingType);
        if (!json) return valueEncoder(column.type);
        jsonColumns.add(i);
        return jsonEncoder;
      });
      let written = 0;
      if (hasCopy(client)) {
        const binary = binaryRowEncoder(
          request.columns.map((column) => ({ oid: oids?.get(column.name) ?? 0, type: column.type })),
        );
        const copy = { client, request, table, encoders, binary, run, target: this.target };
        written = await copyRows(copy, batches);
      } else {
        const write = valuesWriter(request, jsonColumns, run);
        for await (const batch of batches) {
          if (batch.length > 0) written += await write(batch, encoders);
        }
      }
      await run('COMMIT');
      return { rows: written, created: !exists };
    } catch (error) {
      // DDL is transactional in PostgreSQL: the rollback also removes a table this write created.
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        failure = rollbackError;
      });
      throw error;
    } finally {
      release(failure);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.owned && this.pool) await this.pool.end().catch(() => undefined);
  }
}

type Run = (text: string, values?: unknown[], name?: string) => Promise<{ rowCount: number | null }>;
type BatchWriter = (
  batch: readonly (readonly unknown[])[],
  encoders: readonly (ValueEncoder | undefined)[],
) => Promise<number>;

function encode(value: unknown, encoder: ValueEncoder | undefined): unknown {
  return value === null || value === undefined ? null : encoder ? encoder(value) : value;
}

/** Multi-row `INSERT … VALUES (…), (…)` statements of `rowsPerInsert` rows (the fallback without COPY). */
function valuesWriter(request: WriteRequest, jsonColumns: ReadonlySet<number>, run: Run): BatchWriter {
  const width = request.columns.length;
  const perStatement = rowsPerInsert(width);
  const fullSql = insertSql(request, perStatement, jsonColumns);
  const fullName = `chainql_${createHash('sha1').update(fullSql).digest('hex').slice(0, 24)}`;
  const values: unknown[] = new Array(perStatement * width);
  return async (batch, encoders) => {
    let written = 0;
    let start = 0;
    while (start < batch.length) {
      const count = Math.min(perStatement, batch.length - start);
      const params = count === perStatement ? values : new Array<unknown>(count * width);
      let k = 0;
      for (let r = start; r < start + count; r++) {
        const row = batch[r]!;
        for (let c = 0; c < width; c++) params[k++] = encode(row[c], encoders[c]);
      }
      // Full statements are prepared once per connection (named); the tail of a batch is not.
      const result =
        count === perStatement
          ? await run(fullSql, params, fullName)
          : await run(insertSql(request, count, jsonColumns), params);
      written += result.rowCount ?? 0;
      start += count;
    }
    return written;
  };
}

/** Whether the client speaks COPY through pg's JS connection (not pg-native). */
function hasCopy(client: Client | PoolClient): boolean {
  const connection = (client as unknown as { connection?: { sendCopyFromChunk?: unknown } }).connection;
  return typeof connection?.sendCopyFromChunk === 'function';
}

/** What `copyRows` needs besides the rows. */
interface CopyContext {
  readonly client: Client | PoolClient;
  readonly request: WriteRequest;
  /** The quoted target table. */
  readonly table: string;
  /** Text-format encoders per column (used when `binary` is undefined). */
  readonly encoders: readonly (ValueEncoder | undefined)[];
  /** The binary-format encoder, when every column has a binary writer. */
  readonly binary: BinaryRowEncoder | undefined;
  readonly run: Run;
  readonly target: string;
}

/**
 * Streams every batch through one `COPY … FROM STDIN` — the fastest way into PostgreSQL — in binary
 * format when every column type has a binary writer (postgres-binary-copy.ts), else in text format.
 * `onConflict: 'error'` copies into the table itself (a duplicate key fails the COPY); `'ignore'` and
 * `'update'` copy into a temporary table dropped at commit, then one `INSERT … SELECT … ON CONFLICT`
 * moves the rows. Returns the rows written. A failure of the rows' source aborts the COPY (CopyFail).
 */
async function copyRows(
  context: CopyContext,
  batches: AsyncIterable<readonly (readonly unknown[])[]>,
): Promise<number> {
  const { client, request, table, encoders, binary, run, target } = context;
  const names = request.columns.map((column) => quoteName(column.name)).join(', ');
  const staged = request.onConflict !== 'error';
  const stage = quoteName(`chainql_stage_${randomBytes(6).toString('hex')}`);
  if (staged) {
    await run(`CREATE TEMP TABLE ${stage} ON COMMIT DROP AS SELECT ${names} FROM ${table} WITH NO DATA`);
  }
  const sql = `COPY ${staged ? stage : table} (${names}) FROM STDIN${binary ? ' (FORMAT binary)' : ''}`;
  const copy = new CopyIn(sql);
  client.query(copy as never);
  let copied: number;
  try {
    await copy.ready();
    if (binary) {
      await copy.write(BINARY_COPY_HEADER);
      for await (const batch of batches) {
        if (batch.length > 0) await copy.write(binaryBatch(binary, batch, request, target, sql));
      }
      await copy.write(BINARY_COPY_TRAILER);
    } else {
      for await (const batch of batches) {
        if (batch.length > 0) await copy.write(copyText(batch, encoders));
      }
    }
  } catch (error) {
    await copy.fail(error instanceof Error ? error.message : String(error));
    throw isServerError(error) ? statementError(target, error, sql, table) : error;
  }
  try {
    copied = await copy.end();
  } catch (error) {
    throw statementError(target, error, sql, table);
  }
  if (!staged) return copied;
  return (
    (await run(`INSERT INTO ${table} (${names}) SELECT ${names} FROM ${stage}${conflictClause(request)}`))
      .rowCount ?? 0
  );
}

/** One batch in binary COPY form; a value its column cannot hold fails as the server would (coded, column named). */
function binaryBatch(
  binary: BinaryRowEncoder,
  batch: readonly (readonly unknown[])[],
  request: WriteRequest,
  target: string,
  sql: string,
): Buffer {
  try {
    return binary.encode(batch);
  } catch (error) {
    if (!(error instanceof BinaryValueError)) throw error;
    const column = request.columns[error.column]?.name ?? '?';
    throw new DatabaseQueryError(target, `column ${JSON.stringify(column)}: ${error.message}`, {
      sql,
      engineCode: error.sqlState,
      cause: error,
    });
  }
}

/** An error the server sent (it carries a SQLSTATE), as opposed to one thrown by the rows' source. */
function isServerError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    'severity' in error
  );
}
