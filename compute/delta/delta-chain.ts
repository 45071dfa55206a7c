import { Chain } from '../chain/chain.ts';
import type { ChainSource } from '../chain/sources/chain-source.ts';
import { DeltaError } from './delta-errors.ts';
import type { DeltaOptions, DeltaSource } from './delta-options.ts';

/** A source whose delta options can be replaced (every {@link DeltaSource} chainql ships). */
interface DeltaConfigurable extends DeltaSource {
  withDeltaOptions(options: DeltaOptions): ChainSource;
}

/**
 * The chain with its source read incrementally (`delta: true` plus `options`), as if the source had been
 * called with them: a pipeline declared `delta` uses it so a nightly mutation processes only the day's files.
 * Options given on the source itself win over `options`.
 * @throws DeltaError when the chain's source cannot be read incrementally (in-memory records, files).
 */
export function withDelta<T extends Record<string, unknown>>(
  chain: Chain<T>,
  options: DeltaOptions = {},
): Chain<T> {
  const source = chain.plan.source as Partial<DeltaConfigurable> & ChainSource;
  if (typeof source.withDeltaOptions !== 'function') {
    throw new DeltaError(
      `${source.label} cannot be read incrementally; delta needs readStorage, readDataset or readDatabase as the chain's source.`,
    );
  }
  const merged: DeltaOptions = {
    ...options,
    ...(source.deltaOptions?.delta ? source.deltaOptions : {}),
    delta: true,
  };
  return new Chain<T>({ ...chain.plan, source: source.withDeltaOptions(merged) });
}
