import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import type { DatasetVersion } from '../../registry/dataset-registry.ts';
import type { Session } from '../../session.ts';
import type { ChainPlan } from '../plan.ts';
import type { Relation } from '../relation.ts';
import type { SaveOptions } from '../terminals.ts';

/**
 * A way of saving a chain that a source brings along (see {@link ChainSource.saver}): it replaces the full run
 * of `save()` and returns the version it registered (or reused).
 */
export type ChainSaver = (
  plan: ChainPlan,
  session: Session,
  name: string,
  options: SaveOptions,
) => Promise<DatasetVersion>;

/** Where a chain's rows come from. */
export interface ChainSource {
  /** Short human label for logs and errors (`dataset photos@1.0.2`, `csv ./x.csv`). */
  readonly label: string;
  /**
   * Stable text identifying the input data (dataset version, file size + mtime, content hash),
   * hashed into the chain hash so a changed input yields a new checkpoint/version.
   */
  identity(session: Session): Promise<string>;
  /** The row type, without materialising anything (used to validate a save before any data is written). */
  describe(session: Session): Promise<DatasetSchema>;
  /**
   * Opens the source as a relation. Sources that are not tables yet (records, files) are materialised
   * into a table owned by the run; `track` registers it so the run drops it unless `save` publishes it.
   */
  open(session: Session, track: (table: string) => void): Promise<Relation>;
  /**
   * Set when the source changes how `save()` works: a source read with `delta: true` saves incrementally
   * (compute/delta plugs in here, so the chain core never imports it). Undefined (the default): `save()`
   * runs the chain over the whole source.
   */
  readonly saver?: ChainSaver;
}
