import { OutputValidationError } from './udf-errors.ts';
import type { AnyRow, UdfContext, UdfStep } from './udf-step.ts';

/** The rows of one call: one row for map/gen, a chunk for batchMap, a group for agg. */
export interface UnitPayload {
  /** sys__ids of the rows, parallel to `rows`. */
  readonly ids: number[];
  /** The rehydrated rows. */
  readonly rows: AnyRow[];
  /** Group key (agg only). */
  readonly key?: AnyRow;
}

/** A UdfContext whose reported tokens are read back by the executor after the call. */
export class CallContext<R> implements UdfContext<R> {
  /** Tokens reported during this call. */
  tokens = 0;

  constructor(
    readonly resource: R,
    readonly signal: AbortSignal,
    readonly attempt: number,
  ) {}

  /** Adds `count` tokens to this call's usage. */
  reportTokens(count: number): void {
    if (count > 0) this.tokens += count;
  }
}

/**
 * Calls the step's function for one unit and returns the raw (unvalidated) outputs: one for map,
 * any number for gen/agg, one per row for batchMap. Synchronous functions return synchronously.
 * Used in the calling thread and inside worker threads alike.
 */
export function invokeStep(
  step: UdfStep,
  unit: UnitPayload,
  ctx: UdfContext<unknown>,
): unknown[] | Promise<unknown[]> {
  switch (step.kind) {
    case 'map': {
      const result = step.fn(unit.rows[0]!, ctx);
      return isThenable(result) ? result.then((value) => [value]) : [result];
    }
    case 'gen':
      return collect(step.fn(unit.rows[0]!, ctx), unit.ids[0]!, ctx.signal);
    case 'agg':
      return collect(step.fn(unit.rows, unit.key ?? {}, ctx), unit.ids[0]!, ctx.signal);
    case 'batchMap': {
      const result = step.fn(unit.rows, ctx);
      return isThenable(result) ? result.then((value) => checkArray(value, unit)) : checkArray(result, unit);
    }
  }
}

function checkArray(value: unknown, unit: UnitPayload): unknown[] {
  if (!Array.isArray(value)) {
    throw new OutputValidationError(unit.ids[0]!, [
      { path: '', message: `batchMap must return an array of outputs, got ${describe(value)}` },
    ]);
  }
  return value;
}

async function collect(result: unknown, rowId: number, signal: AbortSignal): Promise<unknown[]> {
  const value = isThenable(result) ? await result : result;
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') {
    if (Symbol.asyncIterator in value) {
      const out: unknown[] = [];
      for await (const item of value as AsyncIterable<unknown>) {
        signal.throwIfAborted();
        out.push(item);
      }
      return out;
    }
    if (Symbol.iterator in value) return [...(value as Iterable<unknown>)];
  }
  throw new OutputValidationError(rowId, [
    {
      path: '',
      message: `gen/agg must return an array, an iterable or an async iterable, got ${describe(value)}`,
    },
  ]);
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return (
    value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
  );
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
