import type { z } from 'zod';
import type { RateLimitSettings, RetrySettings } from './execution-settings.ts';
import { captureCallerModule } from './udf-origin.ts';

/** A zod raw shape declaring a UDF's output fields: `{ emb: z.array(z.number()) }`. */
export type OutputShape = z.ZodRawShape;

/** What a UDF must return for a shape (zod input type: before defaults/transforms). */
export type OutputOf<S extends OutputShape> = z.input<z.ZodObject<S>>;

/** What a row looks like when the chain does not say more. */
export type AnyRow = Record<string, unknown>;

/** Per-call context handed to every UDF invocation. */
export interface UdfContext<R = undefined> {
  /** The value returned by the step's `setup` in this worker (undefined without setup). */
  readonly resource: R;
  /** Aborted when the run is cancelled or fails fast; pass it to `fetch` so calls stop promptly. */
  readonly signal: AbortSignal;
  /** 1 on the first attempt, 2 on the first retry, … */
  readonly attempt: number;
  /** Reports tokens consumed by this call; they are charged to the step's `tokensPerMinute` limit. */
  reportTokens(count: number): void;
}

/** How a row error is handled: `fail` stops the run (UdfRowError), `store` records it and goes on. */
export type OnErrorPolicy = 'fail' | 'store';

/** Where a step is defined, so worker threads can import it again. */
export interface UdfOrigin {
  /** `file:` URL of the defining module. */
  readonly moduleUrl: string;
  /** Export name in that module; when undefined the thread finds the export by source text. */
  readonly exportName?: string;
  /** `file:line:col` of the constructor call, for error messages. */
  readonly location?: string;
}

/** Options shared by every UDF kind. Step options override the run's execution settings. */
export interface UdfOptions<R = undefined> {
  /** Display name (progress, errors). Default: the export name or `<kind> step`. */
  readonly name?: string;
  /** Creates an expensive resource (client, model) once per worker; passed as `ctx.resource`. */
  setup?(): R | Promise<R>;
  /** Releases the resource once per worker after the run (also after failure or abort). */
  teardown?(resource: R): void | Promise<void>;
  /** Row error policy. Default `'fail'`. */
  readonly onError?: OnErrorPolicy;
  /** Retries for retryable errors (network, 429, 5xx). Default: settings.retries, else no retries. */
  readonly retries?: RetrySettings;
  /** Request/token limits shared by every row of the step. Default: settings.rateLimit, else none. */
  readonly rateLimit?: RateLimitSettings;
}

/** Options for `batchMap`. */
export interface BatchMapOptions<R = undefined> extends UdfOptions<R> {
  /** Rows handed to one call of the function. Default 32. */
  readonly rowsPerCall?: number;
}

/** The part of a step that does not depend on its kind. */
interface StepBase<S extends OutputShape, R> {
  /** Brand checked by `isUdfStep`. */
  readonly udfStep: true;
  /** Output fields, validated for every output. */
  readonly outputShape: S;
  /** The step's options as given. */
  readonly options: UdfOptions<R>;
  /** Defining module (detected from the call stack, or set by `udfFromModule`). */
  readonly origin: UdfOrigin | undefined;
}

/** 1 → 1: returns the output fields added to the row. */
export interface MapStep<In = AnyRow, S extends OutputShape = OutputShape, R = unknown>
  extends StepBase<S, R> {
  readonly kind: 'map';
  fn(row: In, ctx: UdfContext<R>): OutputOf<S> | Promise<OutputOf<S>>;
}

/** What a `gen` or `agg` function may produce: an array, any (async) iterable, or a promise of one. */
export type ManyOutputs<O> = Iterable<O> | AsyncIterable<O> | Promise<Iterable<O>>;

/** 1 → N: the outputs replace the row. */
export interface GenStep<In = AnyRow, S extends OutputShape = OutputShape, R = unknown>
  extends StepBase<S, R> {
  readonly kind: 'gen';
  fn(row: In, ctx: UdfContext<R>): ManyOutputs<OutputOf<S>>;
}

/** Group → N: rows sharing the `partitionBy` values are handed over together. */
export interface AggStep<In = AnyRow, S extends OutputShape = OutputShape, R = unknown>
  extends StepBase<S, R> {
  readonly kind: 'agg';
  /** Dot paths of the grouping columns (the chain groups; the executor receives groups). */
  readonly partitionBy: readonly string[];
  fn(rows: In[], key: AnyRow, ctx: UdfContext<R>): ManyOutputs<OutputOf<S>>;
}

/** N → N in one call (batched model inference, batch embedding APIs): output i belongs to row i. */
export interface BatchMapStep<In = AnyRow, S extends OutputShape = OutputShape, R = unknown>
  extends StepBase<S, R> {
  readonly kind: 'batchMap';
  readonly options: BatchMapOptions<R>;
  fn(rows: In[], ctx: UdfContext<R>): OutputOf<S>[] | Promise<OutputOf<S>[]>;
}

/** Any UDF step. */
export type UdfStep<In = AnyRow, S extends OutputShape = OutputShape, R = unknown> =
  | MapStep<In, S, R>
  | GenStep<In, S, R>
  | AggStep<In, S, R>
  | BatchMapStep<In, S, R>;

/** The kind of a step. */
export type UdfKind = UdfStep['kind'];

/**
 * A 1→1 UDF: `fn(row, ctx)` returns the declared output fields, which are added to the row.
 * The defining module is detected so the step can run in worker threads when it is exported.
 */
export function map<In = AnyRow, S extends OutputShape = OutputShape, R = undefined>(
  outputShape: S,
  fn: (row: In, ctx: UdfContext<R>) => OutputOf<S> | Promise<OutputOf<S>>,
  options: UdfOptions<R> = {},
): MapStep<In, S, R> {
  return { udfStep: true, kind: 'map', outputShape, fn, options, origin: captureCallerModule() };
}

/**
 * A 1→N UDF: `fn(row, ctx)` returns an array, an iterable or an async generator of outputs;
 * the outputs replace the row (zero outputs drop it).
 */
export function gen<In = AnyRow, S extends OutputShape = OutputShape, R = undefined>(
  outputShape: S,
  fn: (row: In, ctx: UdfContext<R>) => ManyOutputs<OutputOf<S>>,
  options: UdfOptions<R> = {},
): GenStep<In, S, R> {
  return { udfStep: true, kind: 'gen', outputShape, fn, options, origin: captureCallerModule() };
}

/**
 * A group→N UDF: the chain groups rows by `partitionBy` (dot paths) and `fn(rows, key, ctx)` returns
 * the outputs of the group (array, iterable or async generator). Run with `executeAgg`.
 */
export function agg<In = AnyRow, S extends OutputShape = OutputShape, R = undefined>(
  partitionBy: string | readonly string[],
  outputShape: S,
  fn: (rows: In[], key: AnyRow, ctx: UdfContext<R>) => ManyOutputs<OutputOf<S>>,
  options: UdfOptions<R> = {},
): AggStep<In, S, R> {
  const keys = typeof partitionBy === 'string' ? [partitionBy] : [...partitionBy];
  return {
    udfStep: true,
    kind: 'agg',
    partitionBy: keys,
    outputShape,
    fn,
    options,
    origin: captureCallerModule(),
  };
}

/**
 * An N→N UDF: `fn(rows, ctx)` receives up to `options.rowsPerCall` rows (default 32) and must
 * return exactly one output per row, in order.
 */
export function batchMap<In = AnyRow, S extends OutputShape = OutputShape, R = undefined>(
  outputShape: S,
  fn: (rows: In[], ctx: UdfContext<R>) => OutputOf<S>[] | Promise<OutputOf<S>[]>,
  options: BatchMapOptions<R> = {},
): BatchMapStep<In, S, R> {
  return { udfStep: true, kind: 'batchMap', outputShape, fn, options, origin: captureCallerModule() };
}

/** True when `value` is a step built by `map`, `gen`, `agg` or `batchMap`. */
export function isUdfStep(value: unknown): value is UdfStep {
  return typeof value === 'object' && value !== null && (value as { udfStep?: unknown }).udfStep === true;
}

/** The step's display name: `options.name`, else its export name, else `<kind>`. */
export function stepName(step: UdfStep): string {
  return step.options.name ?? step.origin?.exportName ?? step.kind;
}
