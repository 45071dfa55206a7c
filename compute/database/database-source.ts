import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  type DatabaseConnection,
  type DatabaseCursor,
  describeConnection,
  openDatabase,
  type ResultColumn,
} from '../../clients/database/index.ts';
import type { DialectName } from '../../schema/dialect/compiled-query.ts';
import type { Column } from '../../schema/record/column.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { createRowEncoder, deterministicRand, flattenSchema, fromZod } from '../../schema/record/index.ts';
import { EncodedDigest } from '../chain/encoded-digest.ts';
import type { Relation } from '../chain/relation.ts';
import type { ChainSaver, ChainSource } from '../chain/sources/chain-source.ts';
import { scanTable } from '../chain/sources/scan.ts';
import { stableJson } from '../chain/stable-json.ts';
import { createRowPipeline, createRowTable } from '../chain/table-writer.ts';
import { DeltaError } from '../delta/delta-errors.ts';
import type { DeltaOptions, DeltaSource } from '../delta/delta-options.ts';
import { deltaSaver } from '../delta/delta-save.ts';
import type { DatasetVersion } from '../registry/dataset-registry.ts';
import { DatasetNotFoundError } from '../registry/registry-errors.ts';
import type { Session } from '../session.ts';
import { DatabaseValueError } from './database-read-errors.ts';
import { createDatabaseRowReader, directColumns } from './database-rows.ts';
import { bindLayout, inferLayout } from './database-schema.ts';

/** Dataset names of cached query results start with this (internal: hidden from the GraphQL API). */
export const DATABASE_READ_PREFIX = '_database.';

/** Options of a database source (see `readDatabase`). */
export interface DatabaseReadOptions extends DeltaOptions {
  readonly params?: readonly unknown[] | Readonly<Record<string, unknown>>;
  readonly schema?: z.ZodObject;
  readonly batchSize?: number;
  readonly inferRows?: number;
  readonly ttl?: number;
  readonly update?: boolean;
}

/** The description JSON stored with each cached result version. */
interface ResultMeta {
  readonly kind: 'database-read';
  readonly target: string;
  readonly query: string;
  readonly contentHash: string;
}

/**
 * A query result as a chain source. The result is streamed (server-side cursor, `batchSize` rows per
 * fetch) into a warehouse table registered as a version of the internal dataset `_database.<hash>`, where
 * hash covers the connection target (no password), the SQL, the params and the schema. The version is
 * reused for `ttl` seconds (default 0: every run queries again); a re-read whose rows hash the same keeps
 * the previous version. The source identity names that version, so the chain hash changes exactly when
 * the rows read change: same-hash saves return the existing version and UDF checkpoints resume.
 */
export class DatabaseSource implements ChainSource, DeltaSource {
  readonly label: string;
  readonly target: string;
  readonly #key: string;
  readonly #snapshots = new WeakMap<Session, Promise<DatasetVersion>>();

  constructor(
    private readonly sql: string,
    private readonly connection: DatabaseConnection,
    private readonly options: DatabaseReadOptions,
  ) {
    this.target = describeConnection(connection);
    this.label = `database ${this.target}`;
    this.#key = stableJson({
      target: this.target,
      sql,
      params: options.params ?? [],
      schema: options.schema ? fromZod(options.schema) : null,
    });
  }

  /** The delta options (`readDatabase(sql, conn, { delta: true, deltaOn: 'id' })`). */
  get deltaOptions(): DeltaOptions | undefined {
    return this.options;
  }

  /** With `delta: true`: the incremental save of compute/delta. */
  get saver(): ChainSaver | undefined {
    return deltaSaver(this.options);
  }

  /** Connection target, SQL, params and schema: the query without the rows it returned this time. */
  deltaIdentity(): string {
    return `database:${this.#key}`;
  }

  /**
   * A query has no declared key: `deltaOn` must be given (e.g. the table's primary key column); the
   * default `deltaCompare` is every other column.
   * @throws DeltaError when `deltaOn` is missing.
   */
  async deltaDefaults(
    session: Session,
    on: readonly string[] | undefined,
  ): Promise<{ on: readonly string[]; compare: readonly string[] }> {
    if (on === undefined || on.length === 0) {
      throw new DeltaError(
        `readDatabase(…, { delta: true }) needs deltaOn (the column(s) identifying a row, e.g. the primary key) for ${this.label}.`,
      );
    }
    const compare = flattenSchema(await this.describe(session))
      .map((column) => column.path)
      .filter((path) => !on.some((k) => path === k || path.startsWith(`${k}.`)));
    return { on, compare };
  }

  /** The same query with other delta options (pipelines declared `delta`). */
  withDeltaOptions(delta: DeltaOptions): DatabaseSource {
    return new DatabaseSource(this.sql, this.connection, { ...this.options, ...delta });
  }

  /** The internal dataset holding this query's cached results. */
  get datasetName(): string {
    return `${DATABASE_READ_PREFIX}${createHash('sha256').update(this.#key).digest('hex').slice(0, 24)}`;
  }

  async identity(session: Session): Promise<string> {
    const snapshot = await this.#snapshot(session);
    return `database:${this.#key}:${snapshot.name}@${snapshot.version}`;
  }

  async describe(session: Session): Promise<DatasetSchema> {
    if (this.options.schema) return fromZod(this.options.schema);
    return (await this.#snapshot(session)).schema;
  }

  async open(session: Session): Promise<Relation> {
    const snapshot = await this.#snapshot(session);
    return {
      query: scanTable(snapshot.table, snapshot.schema),
      schema: snapshot.schema,
      order: undefined,
      lineage: [{ dataset: snapshot.name, version: snapshot.version }],
    };
  }

  #snapshot(session: Session): Promise<DatasetVersion> {
    let pending = this.#snapshots.get(session);
    if (pending === undefined) {
      pending = this.#ensure(session);
      this.#snapshots.set(session, pending);
      pending.catch(() => this.#snapshots.delete(session));
    }
    return pending;
  }

  async #ensure(session: Session): Promise<DatasetVersion> {
    const name = this.datasetName;
    const previous = await latest(session, name);
    const ttlMs = (this.options.ttl ?? 0) * 1000;
    if (!this.options.update && previous !== undefined && Date.now() - previous.createdAt.getTime() < ttlMs) {
      return previous;
    }
    const { table, schema, rows, contentHash } = await this.#read(session, name);
    const previousMeta = JSON.parse(previous?.description ?? '{}') as Partial<ResultMeta>;
    if (previous !== undefined && previousMeta.contentHash === contentHash) {
      // Same rows as last time: keep that version (stable chain identity, no version churn).
      await session.warehouse.dropTable(table);
      return previous;
    }
    const meta: ResultMeta = { kind: 'database-read', target: this.target, query: this.sql, contentHash };
    return session.registry.createVersion({
      name,
      table,
      schema,
      rows,
      description: JSON.stringify(meta),
      lineage: [this.target],
    });
  }

  /** Streams the query result into a new warehouse table; returns it with the schema and a content hash. */
  async #read(
    session: Session,
    name: string,
  ): Promise<{ table: string; schema: DatasetSchema; rows: number; contentHash: string }> {
    const batchSize = this.options.batchSize ?? 10_000;
    const driver = await openDatabase(this.connection, 'read');
    let cursor: DatabaseCursor | undefined;
    let table: string | undefined;
    try {
      cursor = await driver.openCursor(this.sql, this.options.params ?? [], batchSize);
      const first = await cursor.next();
      const layout = this.options.schema
        ? bindLayout(this.target, cursor.columns, fromZod(this.options.schema))
        : inferLayout(this.target, cursor.columns, first.slice(0, this.options.inferRows ?? 1000));
      const read = createDatabaseRowReader(this.target, layout, this.options.schema);
      const digest = new EncodedDigest(stableJson(layout.schema));
      const warehouse = session.warehouse;
      table = await session.registry.reserveTableName(name);
      await createRowTable(warehouse, table, layout.schema);
      const names = ['sys__id', 'sys__rand', ...flattenSchema(layout.schema).map((column) => column.name)];
      // A warehouse that copies each row of a synchronous source before pulling the next (SQLite) gets
      // one reused row array: nothing per row is left for the garbage collector.
      const reuseRow = (warehouse as { readonly copiesSyncRows?: boolean }).copiesSyncRows === true;
      const pipeline = createRowPipeline(layout.schema, warehouse.dialect, { digest, reuseRow });
      const direct =
        driver.kind === 'postgres' && !this.options.schema
          ? directColumns(
              layout,
              cursor.columns.map((column) => column.type),
            )
          : undefined;
      const encode = direct
        ? directPipeline(this.target, direct, cursor.columns, warehouse.dialect, digest, reuseRow)
        : (raw: readonly unknown[], index: number) => pipeline(read(raw, index + 1), index);
      // One insert per fetched batch (no per-row async step); the next batch is already being fetched by
      // the cursor meanwhile.
      let count = 0;
      for (let batch = first; batch.length > 0; batch = await cursor.next()) {
        if (reuseRow) {
          await warehouse.insert(table, names, encodedBatch(batch, encode, count));
          count += batch.length;
          continue;
        }
        const encoded = new Array<unknown[]>(batch.length);
        for (let i = 0; i < batch.length; i++) encoded[i] = encode(batch[i]!, count++);
        await warehouse.insert(table, names, encoded);
      }
      return { table, schema: layout.schema, rows: count, contentHash: digest.digest() };
    } catch (error) {
      if (table !== undefined) await session.warehouse.dropTable(table).catch(() => undefined);
      throw error;
    } finally {
      await cursor?.close();
      await driver.close();
    }
  }
}

async function latest(session: Session, name: string): Promise<DatasetVersion | undefined> {
  try {
    return await session.registry.getVersion(name);
  } catch (error) {
    if (error instanceof DatasetNotFoundError) return undefined;
    throw error;
  }
}

/**
 * One fetched batch as a synchronous row source for a warehouse that copies each row at once: every
 * step encodes the next result row (numbered from `offset`) into the encoder's reused array.
 */
function encodedBatch(
  batch: readonly (readonly unknown[])[],
  encode: (raw: readonly unknown[], index: number) => unknown[],
  offset: number,
): Iterable<unknown[]> {
  return {
    [Symbol.iterator](): Iterator<unknown[]> {
      let i = 0;
      const step: { done: false; value: unknown[] } = { done: false, value: [] };
      return {
        next(): IteratorResult<unknown[]> {
          if (i >= batch.length) return { done: true, value: undefined };
          step.value = encode(batch[i]!, offset + i);
          i++;
          return step;
        },
      };
    },
  };
}

/**
 * Encodes result arrays straight into warehouse rows (system values first, like `createRowPipeline`),
 * for layouts `directColumns` accepted; feeds the content digest the same way. With `reuseRow` every
 * row is encoded into one array (the consumer copies it before the next).
 */
function directPipeline(
  target: string,
  direct: { readonly columns: Column[]; readonly dates: readonly number[] },
  columns: readonly ResultColumn[],
  dialect: DialectName,
  digest: EncodedDigest,
  reuseRow: boolean,
): (raw: readonly unknown[], index: number) => unknown[] {
  const encodeRow = createRowEncoder(direct.columns, dialect, { leadingSlots: 2 });
  const shared = reuseRow ? new Array<unknown>(direct.columns.length + 2).fill(null) : undefined;
  const dates = direct.dates;
  return (raw, index) => {
    for (const i of dates) {
      const value = raw[i];
      if (value !== null && !(value instanceof Date && !Number.isNaN(value.getTime()))) {
        const column = columns[i]!.name;
        throw new DatabaseValueError(
          target,
          index + 1,
          column,
          column,
          `expected a datetime, got ${String(value)}`,
        );
      }
    }
    const values = encodeRow(raw, shared);
    const id = index + 1;
    values[0] = id;
    values[1] = deterministicRand(id);
    digest.add(values, 2);
    return values;
  };
}
