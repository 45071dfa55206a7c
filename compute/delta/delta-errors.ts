import { ChainqlError } from '../../schema/errors.ts';

/**
 * A delta (incremental) save cannot be set up as asked: a `deltaOn` field missing from the result, a
 * step that mixes rows of several source rows (`groupBy`, `agg`, `limit`, …), a dataset source without a
 * key to default `deltaOn` to. Code `INVALID_DELTA`; nothing is written when it is thrown.
 */
export class DeltaError extends ChainqlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_DELTA', message, options);
  }
}
