import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { clickhouseQueryParams } from '../../../schema/dialect/clickhouse/clickhouse-compiler.ts';
import type { CompiledQuery, DialectName } from '../../../schema/dialect/compiled-query.ts';
import { getCompiler } from '../../../schema/dialect/get-compiler.ts';
import { quoteIdentifier } from '../../../schema/dialect/quote-identifier.ts';
import type { ExprNode } from '../../../schema/expr/expr-node.ts';
import type { JobRecordStore } from '../job-record-store.ts';
import type { RegistryStore } from '../registry-store.ts';
import type {
  ColumnDefinition,
  CreateTableOptions,
  IndexDefinition,
  QueryOptions,
  RawRow,
  ReadOptions,
  StreamOptions,
  TableWrite,
  WarehouseDriver,
} from '../warehouse-driver.ts';
import {
  ReadCancelledError,
  TableNotFoundError,
  WarehouseClosedError,
  WarehouseError,
} from '../warehouse-errors.ts';
import { type ErrorContext, toWarehouseError } from './clickhouse-errors.ts';
import { ClickhouseJobRecordStore } from './clickhouse-job-record-store.ts';
import { ClickhouseRegistryStore } from './clickhouse-registry-store.ts';
import { arrayBuilder, type RowBuilder, rowBuilder, stringifyValues } from './clickhouse-values.ts';
import {
  type ClickhouseWarehouseOptions,
  type ResolvedClickhouseOptions,
  resolveClickhouseOptions,
  TABLE_SETTINGS,
} from './clickhouse-warehouse-options.ts';

const q = (name: string): string => quoteIdentifier('clickhouse', name);

/**
 * Settings sent with every statement (ClickHouse 25.3 or newer). 64-bit integers quoted in JSON (else precision is
 * lost past 2^53);
 * synchronous inserts (`async_insert` is on by default in 26.x: a checkpoint commit must be durable when the
 * call returns, and deduplication tokens apply to synchronous inserts); mutations (index materialisation,
 * lightweight deletes) wait for completion; large parameter values fit `max_query_size`.
 */
const BASE_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 1,
  async_insert: 0,
  mutations_sync: '2',
  lightweight_deletes_sync: '2',
  date_time_input_format: 'best_effort',
  // Parameter values (e.g. a 100,000-value `_in` list bound as one Array) are parsed under this limit too.
  max_query_size: '67108864',
  // Nullable arrays, vectors and records are one-type Variants (schema/record/sql-types.ts); grouping or sorting
  // by one is as well-defined as by the Array/Map it holds.
  allow_suspicious_types_in_group_by: 1,
  allow_suspicious_types_in_order_by: 1,
};

/**
 * Opens a ClickHouse warehouse and checks the connection and credentials with one `SELECT 1`.
 * @throws WarehouseUnreachableError naming the URL, WarehouseAuthError for refused credentials.
 */
export async function openClickhouseWarehouse(
  options: ClickhouseWarehouseOptions,
): Promise<ClickhouseWarehouse> {
  const resolved = resolveClickhouseOptions(options);
  const client = options.client ?? (await createHttpClient(resolved));
  const warehouse = new ClickhouseWarehouse(client, resolved);
  try {
    await warehouse.ping();
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  return warehouse;
}

async function createHttpClient(options: ResolvedClickhouseOptions): Promise<ClickHouseClient> {
  // Loaded on first use: the embedded SQLite path never imports the ClickHouse client.
  const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
  return createClient({
    url: options.baseUrl,
    username: options.username,
    password: options.password,
    database: options.database,
    request_timeout: options.requestTimeoutMs,
    use_multipart_params_auto: true,
    compression: { request: false, response: false },
    log: { level: ClickHouseLogLevel.OFF },
    json: { parse: JSON.parse, stringify: stringifyValues },
  });
}

/**
 * The scale-out Data Memory: `WarehouseDriver` on `@clickhouse/client` (HTTP). Tables are MergeTree ordered by
 * the given sort key (`sys__id`, or a dataset's declared primary key); every value is a typed query parameter
 * (`{p0:Int64}`, see the ClickHouse compiler); inserts stream in large blocks; reads stream
 * (`JSONCompactEachRowWithNamesAndTypes`), 64-bit integers returned as numbers (or bigints when asked).
 *
 * There are no transactions: `writeAtomically` sends each write as one INSERT (atomic on its own) with a
 * deduplication token derived from its content, so a retried commit adds nothing; callers that need more
 * (checkpoints, the registry) rely on deterministic ids and tokens, documented where they are used.
 */
export class ClickhouseWarehouse implements WarehouseDriver {
  /** @inheritdoc */
  readonly dialect: DialectName = 'clickhouse';
  /** @inheritdoc */
  readonly transactional = false;
  /** The server URL without credentials. */
  readonly url: string;
  /** Rows per INSERT observed (most recent last, at most 1000 kept), for benchmarks and tests. */
  readonly insertBlocks: number[] = [];

  readonly #client: ClickHouseClient;
  readonly #options: ResolvedClickhouseOptions;
  #closed = false;
  #jobRecords: ClickhouseJobRecordStore | undefined;

  /** Use `openClickhouseWarehouse`. */
  constructor(client: ClickHouseClient, options: ResolvedClickhouseOptions) {
    this.#client = client;
    this.#options = options;
    this.url = options.displayUrl;
  }

  /** @inheritdoc */
  async execute(query: CompiledQuery): Promise<void> {
    this.#assertOpen('execute');
    await this.#run(query, undefined, () =>
      this.#client.command({
        query: query.sql,
        query_params: clickhouseQueryParams(query.parameters),
        clickhouse_settings: BASE_SETTINGS,
      }),
    );
  }

  /** @inheritdoc */
  async query(query: CompiledQuery, options?: QueryOptions): Promise<RawRow[]> {
    const rows: RawRow[] = [];
    for await (const chunk of this.#stream(query, options?.bigints ?? false, 10_000)) {
      for (const row of chunk) rows.push(row);
    }
    return rows;
  }

  /**
   * @inheritdoc Over HTTP, so it never blocks the caller's event loop. `timeoutMs` becomes the statement's
   * `max_execution_time` (whole seconds, rounded up; the server stops it: ReadTimeoutError, code TIMEOUT) and
   * the client also gives up at that time plus a second; `signal` aborts the HTTP request.
   */
  async read(query: CompiledQuery, options: ReadOptions = {}): Promise<RawRow[]> {
    const { signal, timeoutMs } = options;
    const limit = timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : undefined;
    const rows: RawRow[] = [];
    try {
      for await (const chunk of this.#stream(query, options.bigints ?? false, 10_000, limit, signal)) {
        for (const row of chunk) rows.push(row);
      }
    } catch (error) {
      if (signal?.aborted) {
        throw signal.reason instanceof Error
          ? signal.reason
          : new ReadCancelledError({ sql: query.sql, parameters: query.parameters });
      }
      throw error;
    }
    return rows;
  }

  /** @inheritdoc Rows arrive as the server streams them; breaking the loop (or aborting) closes the response. */
  stream(query: CompiledQuery, options?: StreamOptions): AsyncIterable<RawRow[]> {
    const chunkSize = options?.chunkSize ?? 1000;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new WarehouseError(`stream chunkSize must be a positive integer, got ${chunkSize}.`);
    }
    return this.#stream(query, options?.bigints ?? false, chunkSize, undefined, options?.signal);
  }

  /** @inheritdoc The server's compact JSON arrays, with 64-bit integers converted as in `stream`. */
  streamArrays(query: CompiledQuery, options?: StreamOptions): AsyncIterable<unknown[][]> {
    const chunkSize = options?.chunkSize ?? 1000;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new WarehouseError(`stream chunkSize must be a positive integer, got ${chunkSize}.`);
    }
    return this.#stream(
      query,
      options?.bigints ?? false,
      chunkSize,
      undefined,
      options?.signal,
      arrayBuilder,
    );
  }

  async *#stream<Row = RawRow>(
    query: CompiledQuery,
    bigints: boolean,
    chunkSize: number,
    timeoutMs?: number,
    signal?: AbortSignal,
    builder: RowBuilder<Row> = rowBuilder as unknown as RowBuilder<Row>,
  ): AsyncGenerator<Row[], void, undefined> {
    this.#assertOpen('query');
    signal?.throwIfAborted();
    const settings: ClickHouseSettings =
      timeoutMs === undefined
        ? BASE_SETTINGS
        : { ...BASE_SETTINGS, max_execution_time: Math.max(1, Math.ceil(timeoutMs / 1000)) };
    const result = await this.#run(query, timeoutMs, () =>
      this.#client.query({
        query: query.sql,
        query_params: clickhouseQueryParams(query.parameters),
        format: 'JSONCompactEachRowWithNamesAndTypes',
        clickhouse_settings: settings,
        ...(signal ? { abort_signal: signal } : {}),
      }),
    );
    let names: string[] | undefined;
    let build: ((values: readonly unknown[]) => Row) | undefined;
    let chunk: Row[] = [];
    const stream = result.stream();
    try {
      for await (const rows of stream) {
        for (const row of rows) {
          const values = row.json<unknown[]>();
          if (names === undefined) {
            names = values as string[];
            continue;
          }
          if (build === undefined) {
            build = builder(names, values as string[], bigints);
            continue;
          }
          chunk.push(build(values));
          if (chunk.length >= chunkSize) {
            signal?.throwIfAborted();
            yield chunk;
            chunk = [];
          }
        }
      }
    } catch (cause) {
      signal?.throwIfAborted();
      throw toWarehouseError(cause, this.#context(query, timeoutMs));
    } finally {
      result.close();
    }
    if (chunk.length > 0) yield chunk;
  }

  /** @inheritdoc MergeTree `ORDER BY` the sort key (`tuple()` without one); nullable columns become `Nullable(T)`. */
  async createTable(
    table: string,
    columns: readonly ColumnDefinition[],
    options?: CreateTableOptions,
  ): Promise<void> {
    this.#assertOpen('createTable');
    if (columns.length === 0) throw new WarehouseError(`createTable '${table}' needs at least one column.`);
    const body = columns.map((c) => `${q(c.name)} ${columnType(c)}`).join(', ');
    const keys = options?.orderBy ?? [];
    const orderBy =
      keys.length === 0 ? 'tuple()' : keys.length === 1 ? q(keys[0]!) : `(${keys.map(q).join(', ')})`;
    const ifNotExists = options?.ifNotExists ? 'IF NOT EXISTS ' : '';
    await this.execute({
      sql: `CREATE TABLE ${ifNotExists}${q(table)} (${body}) ENGINE = MergeTree ORDER BY ${orderBy} SETTINGS ${TABLE_SETTINGS}`,
      parameters: [],
    });
  }

  /**
   * @inheritdoc ClickHouse has no unique indexes: a unique index first checks the table for duplicate keys
   * (WarehouseError naming one) and then, like a plain one, adds a `bloom_filter` data-skipping index over the
   * columns and materialises it for the existing rows.
   */
  async createIndex(table: string, index: IndexDefinition): Promise<void> {
    this.#assertOpen('createIndex');
    const columns = index.columns.map(q).join(', ');
    if (index.unique) {
      const duplicate = await this.query({
        sql: `SELECT ${columns}, count() AS chainql_rows FROM ${q(table)} GROUP BY ${columns} HAVING count() > 1 LIMIT 1`,
        parameters: [],
      });
      if (duplicate[0] !== undefined) {
        throw new WarehouseError(
          `Cannot create unique index ${index.name} on ${table}: duplicate key ${JSON.stringify(duplicate[0])}.`,
        );
      }
    }
    const expression = index.columns.length === 1 ? columns : `(${columns})`;
    await this.execute({
      sql: `ALTER TABLE ${q(table)} ADD INDEX IF NOT EXISTS ${q(index.name)} ${expression} TYPE bloom_filter GRANULARITY 1`,
      parameters: [],
    });
    await this.execute({
      sql: `ALTER TABLE ${q(table)} MATERIALIZE INDEX ${q(index.name)}`,
      parameters: [],
    });
  }

  /** @inheritdoc */
  async dropTable(table: string): Promise<void> {
    this.#assertOpen('dropTable');
    await this.execute({ sql: `DROP TABLE IF EXISTS ${q(table)} SYNC`, parameters: [] });
  }

  /** @inheritdoc @throws TableNotFoundError when `from` does not exist; WarehouseError when `to` does. */
  async renameTable(from: string, to: string): Promise<void> {
    this.#assertOpen('renameTable');
    await this.execute({ sql: `RENAME TABLE ${q(from)} TO ${q(to)}`, parameters: [] });
  }

  /** @inheritdoc Table names are case-sensitive on ClickHouse. */
  async tableExists(table: string): Promise<boolean> {
    const rows = await this.query({
      sql: 'SELECT 1 AS found FROM system.tables WHERE database = currentDatabase() AND name = {p0:String}',
      parameters: [table],
    });
    return rows.length > 0;
  }

  /** @inheritdoc */
  async tableColumns(table: string): Promise<string[]> {
    const sql =
      'SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {p0:String} ORDER BY position';
    const rows = await this.query({ sql, parameters: [table] });
    if (rows.length === 0) throw new TableNotFoundError(table, { sql, parameters: [table] });
    return rows.map((r) => String(r.name));
  }

  /**
   * @inheritdoc Rows are sent in blocks of at least `minBlockRows` (10,000) rows per INSERT except the last,
   * and at most one INSERT per `minInsertIntervalMs` (1 s) while a block stays below `maxBlockRows`: ClickHouse
   * makes one part per INSERT and merges them in the background, so few large inserts are what it wants.
   * Each block is atomic; a failure keeps the earlier blocks (write into a fresh table and publish it).
   */
  async insert(
    table: string,
    columns: readonly string[],
    rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
  ): Promise<number> {
    this.#assertOpen('insert');
    const { minBlockRows, maxBlockRows, minInsertIntervalMs } = this.#options;
    let total = 0;
    let block: (readonly unknown[])[] = [];
    let lastInsert = 0;
    const flush = async () => {
      await this.#insertBlock(table, columns, block);
      total += block.length;
      block = [];
      lastInsert = Date.now();
    };
    for await (const row of rows) {
      block.push(row);
      if (
        block.length >= maxBlockRows ||
        (block.length >= minBlockRows && Date.now() - lastInsert >= minInsertIntervalMs)
      ) {
        await flush();
      }
    }
    if (block.length > 0) await flush();
    return total;
  }

  /**
   * @inheritdoc Not a transaction: each write is one INSERT (atomic on its own) carrying an
   * `insert_deduplication_token` derived from its table and rows, so the same commit sent again (a retry after
   * a lost acknowledgement, a worker that died after inserting) is dropped by the server; then the statements
   * run in order.
   */
  async writeAtomically(
    writes: readonly TableWrite[],
    statements: readonly CompiledQuery[] = [],
  ): Promise<void> {
    this.#assertOpen('writeAtomically');
    for (const write of writes) {
      if (write.rows.length === 0) continue;
      await this.#insertBlock(write.table, write.columns, write.rows, await contentToken(write));
    }
    for (const statement of statements) await this.execute(statement);
  }

  /** @inheritdoc A lightweight `DELETE` (synchronous). */
  async deleteWhere(table: string, where: ExprNode): Promise<void> {
    const condition = getCompiler('clickhouse').compileExpression(where);
    await this.execute({
      sql: `DELETE FROM ${q(table)} WHERE ${condition.sql}`,
      parameters: condition.parameters,
    });
  }

  /**
   * Inserts one block with an explicit deduplication token: a second INSERT with the same token into the same
   * table (within the table's `non_replicated_deduplication_window`) is dropped. Returns nothing either way.
   */
  async insertOnce(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
    token: string,
  ): Promise<void> {
    this.#assertOpen('insertOnce');
    await this.#insertBlock(table, columns, rows, token);
  }

  /** @inheritdoc One `SELECT 1` (a fresh HTTP request: the client reconnects after an outage by itself). */
  async ping(): Promise<void> {
    await this.query({ sql: 'SELECT 1 AS ok', parameters: [] });
  }

  /** @inheritdoc */
  registryStore(): RegistryStore {
    return new ClickhouseRegistryStore(this);
  }

  /**
   * @inheritdoc One store per warehouse (its revision clock orders this process's updates): a
   * `ReplacingMergeTree` keyed by job id, read with `FINAL` (see clickhouse-job-record-store.ts).
   */
  jobRecordStore(): JobRecordStore {
    this.#jobRecords ??= new ClickhouseJobRecordStore(this);
    return this.#jobRecords;
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** @inheritdoc Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }

  async #insertBlock(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
    token?: string,
  ): Promise<void> {
    if (rows.length === 0) return;
    const sql = `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) FORMAT JSONCompactEachRow`;
    await this.#run({ sql, parameters: [] }, undefined, () =>
      this.#client.insert({
        table: q(table),
        columns: columns.map(q) as [string, ...string[]],
        values: rows as unknown[][],
        format: 'JSONCompactEachRow',
        clickhouse_settings:
          token === undefined
            ? BASE_SETTINGS
            : { ...BASE_SETTINGS, insert_deduplicate: 1, insert_deduplication_token: token },
      }),
    );
    this.insertBlocks.push(rows.length);
    if (this.insertBlocks.length > 1000) this.insertBlocks.shift();
  }

  async #run<T>(query: CompiledQuery, timeoutMs: number | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (cause) {
      throw toWarehouseError(cause, this.#context(query, timeoutMs));
    }
  }

  #context(query: CompiledQuery, timeoutMs?: number): ErrorContext {
    return {
      url: this.url,
      user: this.#options.username,
      sql: query.sql,
      parameters: query.parameters,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new WarehouseClosedError(what);
  }
}

/** The column's type, wrapped in Nullable when the definition is nullable and the type is not already. */
function columnType(column: ColumnDefinition): string {
  const type = column.sqlType;
  if (!column.nullable || /^(Nullable|LowCardinality\(Nullable|Array|Map|Tuple|Variant)\(/.test(type))
    return type;
  return `Nullable(${type})`;
}

/** A deduplication token for one write: a hash of its table, columns and rows. */
async function contentToken(write: TableWrite): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  hash.update(write.table);
  hash.update('\u0000');
  hash.update(write.columns.join('\u0000'));
  for (const row of write.rows) {
    hash.update('\n');
    hash.update(stringifyValues(row));
  }
  return hash.digest('hex');
}
