import type { Session } from '../session.ts';
import { DeltaError } from './delta-errors.ts';

/**
 * Options that make a source incremental (`readStorage(uri, { delta: true })`,
 * `readDataset(name, { delta: true })`): `save()` then reuses the latest version of the result dataset
 * made by the same chain and runs the chain only over source rows that are new or changed.
 */
export interface DeltaOptions {
  /** Incremental save (see compute/delta/delta-save.ts). Default false. */
  readonly delta?: boolean;
  /**
   * Source fields identifying a source row (dot paths). Default: `['file.source', 'file.path']` for
   * `readStorage`; the dataset's primary key for `readDataset` (a `DeltaError` when it declares none).
   * The result must contain them too (or `deltaResultOn`): that is how result rows are traced back.
   */
  readonly deltaOn?: string | readonly string[];
  /**
   * Source fields whose change makes a row "changed" (reprocessed; its old result rows dropped).
   * Default: `['file.etag', 'file.version']` for `readStorage`; every other field for `readDataset`.
   * Compared NULL-safely (NULL equals NULL).
   */
  readonly deltaCompare?: string | readonly string[];
  /**
   * Also reprocess source rows with no row in the previous result (`true`), and — given a field name
   * such as `'udf_error'` — rows whose result has that field set (a stored UDF error). Default: off.
   */
  readonly deltaRetry?: boolean | string;
  /** The result's names of the `deltaOn` fields, when the chain renamed them. Default: `deltaOn`. */
  readonly deltaResultOn?: string | readonly string[];
}

/** Delta options with defaults applied, as a delta save uses them (and hashes them). */
export interface ResolvedDelta {
  readonly on: readonly string[];
  readonly compare: readonly string[];
  readonly resultOn: readonly string[];
  /** false: off; true: rows missing from the result; a field path: missing rows and rows with it set. */
  readonly retry: boolean | string;
}

/** A source that supports delta saves (`readStorage`, `readDataset`, `readDatabase`). */
export interface DeltaSource {
  /** The user's delta options (`delta: true` turns them on). */
  readonly deltaOptions: DeltaOptions | undefined;
  /**
   * The source's identity without its content version (URIs and glob, dataset name): equal for two
   * runs over the same source that gained or changed rows.
   */
  deltaIdentity(): string;
  /**
   * The defaults for `deltaOn` (unless `on` is given) and `deltaCompare` (relative to that key).
   * @throws DeltaError when the source has no key to default `deltaOn` to.
   */
  deltaDefaults(
    session: Session,
    on: readonly string[] | undefined,
  ): Promise<{ readonly on: readonly string[]; readonly compare: readonly string[] }>;
}

/** `'a'` → `['a']`; a list as is; undefined stays undefined. */
export function pathList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : value;
}

/** The delta options of `source` with defaults applied. */
export async function resolveDelta(source: DeltaSource, session: Session): Promise<ResolvedDelta> {
  const options = source.deltaOptions ?? {};
  const givenOn = pathList(options.deltaOn);
  const givenCompare = pathList(options.deltaCompare);
  const defaults =
    givenOn !== undefined && givenCompare !== undefined
      ? { on: givenOn, compare: givenCompare }
      : await source.deltaDefaults(session, givenOn);
  const on = givenOn ?? defaults.on;
  if (on.length === 0) throw new DeltaError('delta needs at least one deltaOn field.');
  const compare = (givenCompare ?? defaults.compare).filter((path) => !on.includes(path));
  return {
    on,
    compare,
    resultOn: pathList(options.deltaResultOn) ?? on,
    retry: options.deltaRetry ?? false,
  };
}
