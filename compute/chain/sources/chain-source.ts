import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import type { Session } from '../../session.ts';
import type { Relation } from '../relation.ts';

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
}
