import { Chain, type Row } from '../chain/chain.ts';
import type { SourceOptions } from '../chain/read.ts';
import type { DeltaOptions } from '../delta/delta-options.ts';
import { DatasetSource } from './dataset-source.ts';

/** Options of {@link readDataset}. */
export type ReadDatasetOptions = SourceOptions & DeltaOptions & { readonly version?: string };

/**
 * A saved dataset (latest version unless `version`), read in place. With `delta: true`, `save()` processes
 * only rows that are new or changed since the result's previous version (see {@link DeltaOptions}).
 */
export function readDataset<T extends Row = Row>(name: string, options: ReadDatasetOptions = {}): Chain<T> {
  const { session, version, ...delta } = options;
  return new Chain<T>(
    {
      source: new DatasetSource(name, version, delta.delta === true ? delta : undefined),
      steps: [],
      settings: {},
    },
    session,
  );
}
