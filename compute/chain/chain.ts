import type { z } from 'zod';
import type { DatabaseConnection } from '../../clients/database/index.ts';
import { columnNode, type Expr, type ExprNode, toNode } from '../../schema/expr/index.ts';
import type { DatasetVersion } from '../registry/dataset-registry.ts';
import { getDefaultSession, type Session } from '../session.ts';
import {
  agg as aggStep,
  type BatchMapOptions,
  batchMap as batchMapStep,
  gen as genStep,
  isUdfStep,
  type ManyOutputs,
  map as mapStep,
  type OutputOf,
  type OutputShape,
  type UdfContext,
  type UdfOptions,
  type UdfStep,
} from '../udf/index.ts';
import type { UdfRow } from '../udf/udf-row.ts';
import { InvalidArgumentError } from './chain-errors.ts';
import { type DiffOptions, type DiffStatus, diffSpec } from './diff.ts';
import { type ExportFormat, exportChain } from './export.ts';
import type { ChainPlan, ChainSettings, PlanStep } from './plan.ts';
import { printRows } from './show.ts';
import type { JoinKey, OrderKey } from './steps.ts';
import {
  aggregateChain,
  countChain,
  type NumericAggregate,
  type SaveOptions,
  saveChain,
  streamChain,
} from './terminals.ts';
import { type ToDatabaseOptions, toDatabaseChain } from './to-database.ts';

/** A row as chains see it: nested objects keyed by field name. */
export type Row = Record<string, unknown>;

/** An expression, or a bare string meaning the column at that dot path. */
export type PathOrExpr = Expr | ExprNode | string;

/** One ordering key: a path/expression, optionally with direction and null placement. */
export type OrderInput =
  | PathOrExpr
  | { readonly key: PathOrExpr; readonly desc?: boolean; readonly nulls?: 'first' | 'last' };

/** Options of `join()`. */
export interface JoinOptions {
  /** Default `inner`. */
  readonly type?: 'inner' | 'left' | 'full';
  /** Prefix for right-side fields whose names clash with the left side. Default `right_`. */
  readonly rightPrefix?: string;
}

/** Join keys: one path on both sides, several, or explicit left/right pairs. */
export type JoinOn = string | readonly string[] | JoinKey | readonly JoinKey[];

type TopKey<K extends string> = K extends `${infer Head}.${string}` ? Head : K;

/** The row type a zod output shape produces. */
export type Produced<S extends OutputShape> = z.output<z.ZodObject<S>>;

/** Row type after `select(...paths)`: top-level keys named by the paths (nested picks keep the parent). */
export type Selected<T extends Row, K extends string> = Pick<T, Extract<TopKey<K>, keyof T>> & Row;

function exprNode(input: PathOrExpr): ExprNode {
  return typeof input === 'string' ? columnNode(input) : toNode(input);
}

function count(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${name}() needs a non-negative integer, got ${String(value)}.`);
  }
  return value;
}

function joinKeys(on: JoinOn): JoinKey[] {
  const list = (Array.isArray(on) ? on : [on]) as (string | JoinKey)[];
  if (list.length === 0) throw new InvalidArgumentError('join() needs at least one key.');
  return list.map((key) => (typeof key === 'string' ? { left: key, right: key } : key));
}

/**
 * A lazy, immutable chain: each method returns a new chain with one more step; nothing runs until a
 * terminal (`save`, `collect`, iteration, `count`, `sum`, …). SQL steps compile into one query run by
 * the warehouse; rows never pass through JavaScript except where a terminal returns them.
 */
export class Chain<T extends Row = Row> implements AsyncIterable<T> {
  /** @internal use the `read*` functions. */
  constructor(
    readonly plan: ChainPlan,
    private readonly boundSession?: Session,
  ) {}

  private with<U extends Row = T>(step: PlanStep): Chain<U> {
    return new Chain<U>({ ...this.plan, steps: [...this.plan.steps, step] }, this.boundSession);
  }

  private async sessionToUse(): Promise<Session> {
    return this.boundSession ?? getDefaultSession();
  }

  /** Runs this chain in `session` instead of the default one. */
  session(session: Session): Chain<T> {
    return new Chain<T>(this.plan, session);
  }

  /** Merges execution settings (later calls win). */
  settings(settings: ChainSettings): Chain<T> {
    return new Chain<T>(
      { ...this.plan, settings: { ...this.plan.settings, ...settings } },
      this.boundSession,
    );
  }

  /** Keeps rows where `predicate` is true (NULL counts as false). Compiles to SQL `WHERE`. */
  filter(predicate: Expr | ExprNode): Chain<T> {
    return this.with({ kind: 'filter', predicate: toNode(predicate) });
  }

  /** Keeps only the given paths (leaves or whole nested objects). */
  select<K extends string>(...paths: K[]): Chain<Selected<T, K>> {
    if (paths.length === 0) throw new InvalidArgumentError('select() needs at least one path.');
    return this.with({ kind: 'select', paths });
  }

  /** Drops the given paths. */
  selectExcept<K extends string>(...paths: K[]): Chain<Omit<T, K> & Row> {
    if (paths.length === 0) throw new InvalidArgumentError('selectExcept() needs at least one path.');
    return this.with({ kind: 'selectExcept', paths });
  }

  /** Adds or replaces fields computed by expressions (dot names create nested fields). */
  mutate<M extends Record<string, PathOrExpr>>(
    fields: M,
  ): Chain<Omit<T, keyof M> & { [K in keyof M]: unknown }> {
    const list = Object.entries(fields).map(([name, expr]) => ({ name, expr: exprNode(expr) }));
    if (list.length === 0) throw new InvalidArgumentError('mutate() needs at least one field.');
    return this.with({ kind: 'mutate', fields: list });
  }

  /**
   * Orders rows by one or more keys. `options` applies to keys given as plain paths/expressions.
   * Nulls: last for ascending, first for descending, unless `nulls` says otherwise.
   */
  orderBy(
    keys: OrderInput | readonly OrderInput[],
    options: { desc?: boolean; nulls?: 'first' | 'last' } = {},
  ): Chain<T> {
    const list = (Array.isArray(keys) ? keys : [keys]) as OrderInput[];
    if (list.length === 0) throw new InvalidArgumentError('orderBy() needs at least one key.');
    const order: OrderKey[] = list.map((key) => {
      const spec = typeof key === 'object' && key !== null && 'key' in key ? key : { key, ...options };
      const nulls = spec.nulls;
      return {
        expr: exprNode(spec.key as PathOrExpr),
        direction: spec.desc ? 'desc' : 'asc',
        ...(nulls ? { nulls } : {}),
      };
    });
    return this.with({ kind: 'orderBy', keys: order });
  }

  /** Keeps the first `n` rows (in chain order). */
  limit(n: number): Chain<T> {
    return this.with({ kind: 'limit', count: count('limit', n) });
  }

  /** Skips the first `n` rows (in chain order). */
  offset(n: number): Chain<T> {
    return this.with({ kind: 'offset', count: count('offset', n) });
  }

  /** One row per distinct value of `paths` (all columns when none given), the first by `sys__id`. */
  distinct(...paths: string[]): Chain<T> {
    return this.with({ kind: 'distinct', paths });
  }

  /** Groups by paths and computes aggregates (`count()`, `sum('x')`, `collect('y')`, …) per group. */
  groupBy<A extends Record<string, Expr | ExprNode>>(
    by: string | readonly string[],
    aggregates: A,
  ): Chain<Row & { [K in keyof A]: unknown }> {
    const keys = typeof by === 'string' ? [by] : [...by];
    if (keys.length === 0) throw new InvalidArgumentError('groupBy() needs at least one path.');
    const list = Object.entries(aggregates).map(([name, expr]) => ({ name, expr: toNode(expr) }));
    return this.with({ kind: 'groupBy', by: keys, aggregates: list });
  }

  /** Joins with another chain; right-side fields with clashing names get `rightPrefix` (`right_`). */
  join<U extends Row>(right: Chain<U>, on: JoinOn, options: JoinOptions = {}): Chain<T & Row> {
    return this.with({
      kind: 'join',
      other: right.plan,
      on: joinKeys(on),
      joinType: options.type ?? 'inner',
      rightPrefix: options.rightPrefix ?? 'right_',
    });
  }

  /** Appends another chain's rows; both must have the same columns and types. */
  union(other: Chain<T>): Chain<T> {
    return this.with({ kind: 'union', other: other.plan });
  }

  /** Removes rows that match a row of `other` on `on` (default: every column they share). */
  subtract<U extends Row>(other: Chain<U>, on?: JoinOn): Chain<T> {
    return this.with({
      kind: 'subtract',
      other: other.plan,
      on: on === undefined ? undefined : joinKeys(on),
    });
  }

  /**
   * What changed from `other` to this chain, row by row: this chain's rows with a status field
   * (`diff` unless `status` says otherwise) of `added` (key not in `other`), `modified` (a `compare` field
   * differs) or `same`, plus `other`'s rows whose key is gone here with status `deleted`. Compiled to one
   * SQL statement (two outer joins). `readDataset('photos').diff(readDataset('photos', { version: '1.0.0' }), { on: 'file.path' })`.
   */
  diff<U extends Row>(other: Chain<U>, options: DiffOptions): Chain<T & { diff: DiffStatus }> {
    return this.with({ kind: 'diff', other: other.plan, spec: diffSpec(options) });
  }

  /** `n` rows chosen by the deterministic `sys__rand` (same input → same sample). */
  sample(n: number): Chain<T> {
    return this.with({ kind: 'sample', count: count('sample', n) });
  }

  /** Deterministic shuffle by `sys__rand`. */
  shuffle(): Chain<T> {
    return this.with({ kind: 'shuffle' });
  }

  private udf<U extends Row>(step: UdfStep): Chain<U> {
    return this.with<U>({ kind: 'udf', udf: step as UdfStep });
  }

  /**
   * 1 → 1 UDF: `fn(row, ctx)` returns the declared output fields, added to the row (same names replace).
   * Outputs are validated against `outputShape`; runs `concurrency` rows at once (and in `parallel`
   * worker threads when the function is exported from a module), committing checkpoints every `batchSize` rows.
   * Accepts a step made with `map()` from 'chainql' as well.
   */
  map<S extends OutputShape, R = undefined>(
    outputShape: S,
    fn: (row: UdfRow<T>, ctx: UdfContext<R>) => OutputOf<S> | Promise<OutputOf<S>>,
    options?: UdfOptions<R>,
  ): Chain<Omit<T, keyof S> & Produced<S>>;
  map<U extends Row = Row>(step: UdfStep): Chain<U>;
  map(
    shapeOrStep: OutputShape | UdfStep,
    fn?: (row: never, ctx: never) => unknown,
    options?: UdfOptions<unknown>,
  ): Chain<Row> {
    if (isUdfStep(shapeOrStep)) return this.udf(shapeOrStep);
    return this.udf(mapStep(shapeOrStep, fn as never, options as never));
  }

  /** 1 → N UDF: `fn(row, ctx)` returns (or yields) outputs that replace the row; zero outputs drop it. */
  gen<S extends OutputShape, R = undefined>(
    outputShape: S,
    fn: (row: UdfRow<T>, ctx: UdfContext<R>) => ManyOutputs<OutputOf<S>>,
    options?: UdfOptions<R>,
  ): Chain<Produced<S>>;
  gen<U extends Row = Row>(step: UdfStep): Chain<U>;
  gen(
    shapeOrStep: OutputShape | UdfStep,
    fn?: (row: never, ctx: never) => unknown,
    options?: UdfOptions<unknown>,
  ): Chain<Row> {
    if (isUdfStep(shapeOrStep)) return this.udf(shapeOrStep);
    return this.udf(genStep(shapeOrStep, fn as never, options as never));
  }

  /** Group → N UDF: rows sharing the `partitionBy` values go to one `fn(rows, key, ctx)` call. */
  agg<S extends OutputShape, R = undefined>(
    partitionBy: string | readonly string[],
    outputShape: S,
    fn: (rows: UdfRow<T>[], key: Row, ctx: UdfContext<R>) => ManyOutputs<OutputOf<S>>,
    options?: UdfOptions<R>,
  ): Chain<Produced<S>>;
  agg<U extends Row = Row>(step: UdfStep): Chain<U>;
  agg(
    partitionOrStep: string | readonly string[] | UdfStep,
    outputShape?: OutputShape,
    fn?: (rows: never, key: never, ctx: never) => unknown,
    options?: UdfOptions<unknown>,
  ): Chain<Row> {
    if (isUdfStep(partitionOrStep)) return this.udf(partitionOrStep);
    const by = typeof partitionOrStep === 'string' ? [partitionOrStep] : [...(partitionOrStep as string[])];
    return this.udf(aggStep(by, outputShape as OutputShape, fn as never, options as never));
  }

  /** N → N UDF: `fn(rows, ctx)` returns one output per row, in order (batched inference, batch APIs). */
  batchMap<S extends OutputShape, R = undefined>(
    outputShape: S,
    fn: (rows: UdfRow<T>[], ctx: UdfContext<R>) => OutputOf<S>[] | Promise<OutputOf<S>[]>,
    options?: BatchMapOptions<R>,
  ): Chain<Omit<T, keyof S> & Produced<S>>;
  batchMap<U extends Row = Row>(step: UdfStep): Chain<U>;
  batchMap(
    shapeOrStep: OutputShape | UdfStep,
    fn?: (rows: never, ctx: never) => unknown,
    options?: BatchMapOptions<unknown>,
  ): Chain<Row> {
    if (isUdfStep(shapeOrStep)) return this.udf(shapeOrStep);
    return this.udf(batchMapStep(shapeOrStep, fn as never, options as never));
  }

  /** Saves the rows as a new version of dataset `name`; see {@link SaveOptions}. */
  async save(name: string, options: SaveOptions = {}): Promise<DatasetVersion> {
    return saveChain(this.plan, await this.sessionToUse(), name, options);
  }

  /** All rows as typed objects (nested objects rehydrated). Prefer iteration for big results. */
  async collect(): Promise<T[]> {
    const rows: T[] = [];
    for await (const row of this) rows.push(row);
    return rows;
  }

  /** Streams rows (typed, nested) without loading the whole result. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* streamChain(this.plan, await this.sessionToUse()) as AsyncGenerator<T>;
  }

  /** Number of rows. */
  async count(): Promise<number> {
    return countChain(this.plan, await this.sessionToUse());
  }

  /** Sum of a numeric column (null over no rows). */
  async sum(path: string): Promise<number> {
    return (await this.aggregate('sum', path)) as number;
  }

  /** Average of a numeric column (null over no rows). */
  async avg(path: string): Promise<number> {
    return (await this.aggregate('avg', path)) as number;
  }

  /** Minimum of a column (null over no rows). */
  async min(path: string): Promise<unknown> {
    return this.aggregate('min', path);
  }

  /** Maximum of a column (null over no rows). */
  async max(path: string): Promise<unknown> {
    return this.aggregate('max', path);
  }

  private async aggregate(fn: NumericAggregate, path: string): Promise<unknown> {
    return aggregateChain(this.plan, await this.sessionToUse(), fn, path);
  }

  /** Writes the rows to a CSV file (dot-path headers); returns the row count. */
  async toCsv(path: string): Promise<number> {
    return this.export('csv', path);
  }

  /** Writes the rows to a JSON Lines file; returns the row count. */
  async toJsonl(path: string): Promise<number> {
    return this.export('jsonl', path);
  }

  /** Writes the rows to a Parquet file; returns the row count. */
  async toParquet(path: string): Promise<number> {
    return this.export('parquet', path);
  }

  private async export(format: ExportFormat, path: string): Promise<number> {
    return exportChain(this.plan, await this.sessionToUse(), format, path);
  }

  /**
   * Writes the rows into a PostgreSQL or SQLite table in one transaction (all or nothing); returns the
   * rows written. See {@link ToDatabaseOptions} (`columns`, `onConflict`, `conflictColumns`, `createTable`).
   */
  async toDatabase(
    table: string,
    connection: DatabaseConnection,
    options: ToDatabaseOptions = {},
  ): Promise<number> {
    return toDatabaseChain(this.plan, await this.sessionToUse(), table, connection, options);
  }

  /** Prints the first `n` rows (default 20) as a table to stdout (or `write`). */
  async show(n = 20, write: (text: string) => void = (text) => process.stdout.write(text)): Promise<void> {
    const rows: Row[] = [];
    for await (const row of streamChain(this.plan, await this.sessionToUse(), count('show', n)))
      rows.push(row);
    write(printRows(rows));
  }
}
