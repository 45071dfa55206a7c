import { threadId } from 'node:worker_threads';
import type { ExecutionSettings } from './execution-settings.ts';
import { resolveSettings } from './execution-settings.ts';
import type { ProgressEvent } from './progress-events.ts';
import type { BatchCommit, ExecutionSummary } from './row-scheduler.ts';
import { RowScheduler } from './row-scheduler.ts';
import { ThreadInvoker } from './thread-invoker.ts';
import { UdfSettingsError } from './udf-errors.ts';
import type { UnitPayload } from './udf-invoke.ts';
import type { AggStep, AnyRow, UdfStep } from './udf-step.ts';
import { stepName } from './udf-step.ts';
import type { UnitInvoker } from './unit-invoker.ts';
import { LocalInvoker } from './unit-invoker.ts';

/** One input row as the chain hands it over. */
export interface UdfInputRow {
  /** sys__id of the input row (stable; what checkpoints record). */
  readonly id: number;
  /** The rehydrated (nested) row object passed to the UDF. */
  readonly row: AnyRow;
}

/** One group for `executeAgg`: rows sharing the step's `partitionBy` values. */
export interface AggGroup {
  /** The partition values by dot path, e.g. `{ 'user.id': 7 }`. */
  readonly key: AnyRow;
  /** Every row of the group (non-empty). The group's first row id anchors its outputs and errors. */
  readonly rows: readonly UdfInputRow[];
}

/** How to run a step and where its results go. */
export interface ExecuteOptions {
  /** Execution settings (defaults documented on ExecutionSettings). */
  readonly settings?: ExecutionSettings;
  /**
   * Persists one batch (outputs + covered input ids + stored errors) in one transaction. Called one
   * batch at a time, in order; the run waits for it. A rejection stops the run with UdfCommitError.
   */
  readonly commit: (batch: BatchCommit) => Promise<void>;
  /** Cancels the run: no new rows start, no further batch is committed, the promise rejects with UdfAbortedError. */
  readonly signal?: AbortSignal;
  /** Receives typed progress events synchronously; errors thrown by the listener are ignored. */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Number of input rows expected (for progress totals and ETA); optional. */
  readonly total?: number;
}

/**
 * Runs a map, gen or batchMap step over `input`, streaming: rows are pulled only while fewer than
 * `concurrency × parallel` calls are running and fewer than `batchSize + concurrency × parallel ×
 * rowsPerCall` input rows are uncommitted (rowsPerCall is 1 except for batchMap), so memory stays flat.
 *
 * Guarantees for checkpointing: a batch lists every input id whose processing finished (with its
 * outputs, or its stored error); a row appears in exactly one committed batch; nothing is reported
 * done before its batch's `commit` resolved. With `onError: 'fail'`, rows that finished before the
 * failing one are committed before the run rejects; on abort nothing more is committed.
 *
 * @throws UdfSettingsError for invalid settings or an agg step (use executeAgg);
 *   UdfRowError (the row id, the original error as `cause`) or OutputValidationError with `onError: 'fail'`;
 *   UdfLoadError when `parallel > 1` and the step cannot be imported in a thread; UdfCommitError;
 *   UdfAbortedError; UdfWorkerError when a thread dies or its setup fails; the setup error in-thread.
 */
export async function executeUdf(
  step: UdfStep,
  input: AsyncIterable<UdfInputRow> | Iterable<UdfInputRow>,
  options: ExecuteOptions,
): Promise<ExecutionSummary> {
  if (step.kind === 'agg') {
    throw new UdfSettingsError('agg steps run over groups: call executeAgg(step, groups, options)', 'kind');
  }
  const settings = resolveSettings(step, options.settings);
  const units =
    step.kind === 'batchMap'
      ? chunkUnits(input, settings.rowsPerCall)
      : mapAsync(input, (r: UdfInputRow): UnitPayload => ({ ids: [r.id], rows: [r.row] }));
  return new RowScheduler(step, settings, makeInvoker(step, settings.parallel), options, stepName(step)).run(
    units,
  );
}

/**
 * Runs an agg step over groups formed by the chain. Each group is one call and is committed whole:
 * its outputs (anchored at the group's first row id) and all its row ids go in the same batch.
 * At most `concurrency × parallel` groups run at once.
 * @throws as executeUdf.
 */
export async function executeAgg(
  step: AggStep,
  groups: AsyncIterable<AggGroup> | Iterable<AggGroup>,
  options: ExecuteOptions,
): Promise<ExecutionSummary> {
  const settings = resolveSettings(step, options.settings);
  const units = mapAsync(
    groups,
    (g: AggGroup): UnitPayload => ({
      ids: g.rows.map((r) => r.id),
      rows: g.rows.map((r) => r.row),
      key: g.key,
    }),
  );
  return new RowScheduler(step, settings, makeInvoker(step, settings.parallel), options, stepName(step)).run(
    units,
  );
}

function makeInvoker(step: UdfStep, parallel: number): UnitInvoker {
  return parallel > 1 ? new ThreadInvoker(step, parallel) : new LocalInvoker(step, threadId);
}

/** Maps an (async) iterable lazily without an async generator's per-item overhead. */
function mapAsync<T, U>(source: AsyncIterable<T> | Iterable<T>, fn: (value: T) => U): AsyncIterable<U> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<U> {
      if (Symbol.asyncIterator in source) {
        const it = source[Symbol.asyncIterator]();
        return {
          next: () =>
            it
              .next()
              .then((r) => (r.done ? { done: true, value: undefined } : { done: false, value: fn(r.value) })),
          return: async () => {
            await it.return?.();
            return { done: true, value: undefined };
          },
        };
      }
      const it = source[Symbol.iterator]();
      return {
        next: async () => {
          const r = it.next();
          return r.done ? { done: true, value: undefined } : { done: false, value: fn(r.value) };
        },
        return: async () => {
          it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** Groups rows into batchMap calls of up to `size` rows. */
async function* chunkUnits(
  source: AsyncIterable<UdfInputRow> | Iterable<UdfInputRow>,
  size: number,
): AsyncIterable<UnitPayload> {
  let ids: number[] = [];
  let rows: AnyRow[] = [];
  for await (const r of source) {
    ids.push(r.id);
    rows.push(r.row);
    if (ids.length >= size) {
      yield { ids, rows };
      ids = [];
      rows = [];
    }
  }
  if (ids.length > 0) yield { ids, rows };
}
