import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { flattenSchema } from '../../schema/record/index.ts';
import type { Relation } from '../chain/relation.ts';
import type { ChainSaver, ChainSource } from '../chain/sources/chain-source.ts';
import { scanTable } from '../chain/sources/scan.ts';
import { DeltaError } from '../delta/delta-errors.ts';
import type { DeltaOptions, DeltaSource } from '../delta/delta-options.ts';
import { deltaSaver } from '../delta/delta-save.ts';
import type { Session } from '../session.ts';

/** A saved dataset version (latest unless `version` is given) as a source; read in place, never copied. */
export class DatasetSource implements ChainSource, DeltaSource {
  readonly label: string;
  /** With `delta: true`: the incremental save of compute/delta. */
  readonly saver: ChainSaver | undefined;

  constructor(
    readonly name: string,
    readonly version?: string,
    /** `readDataset(name, { delta: true, … })`: incremental saves (see compute/delta/delta-save.ts). */
    readonly deltaOptions: DeltaOptions | undefined = undefined,
  ) {
    this.label = `dataset ${name}${version ? `@${version}` : ''}`;
    this.saver = deltaSaver(deltaOptions);
  }

  async identity(session: Session): Promise<string> {
    const record = await session.registry.getVersion(this.name, this.version);
    return `dataset:${record.name}@${record.version}:${record.table}`;
  }

  async describe(session: Session): Promise<DatasetSchema> {
    return (await session.registry.getVersion(this.name, this.version)).schema;
  }

  async open(session: Session): Promise<Relation> {
    const record = await session.registry.getVersion(this.name, this.version);
    return {
      query: scanTable(record.table, record.schema),
      schema: record.schema,
      order: undefined,
      lineage: [{ dataset: record.name, version: record.version }],
    };
  }

  /** The same source with other delta options (pipelines declared `delta`). */
  withDeltaOptions(delta: DeltaOptions): DatasetSource {
    return new DatasetSource(this.name, this.version, delta);
  }

  /** The dataset name (and pinned version, if any): the source without the version it resolves to. */
  deltaIdentity(): string {
    return `dataset:${this.name}${this.version ? `@${this.version}` : ''}`;
  }

  /**
   * Defaults: `deltaOn` = the dataset's primary key; `deltaCompare` = every other field (any changed value
   * makes the row changed).
   * @throws DeltaError when `deltaOn` is not given and the dataset declares no primary key.
   */
  async deltaDefaults(
    session: Session,
    on: readonly string[] | undefined,
  ): Promise<{ on: readonly string[]; compare: readonly string[] }> {
    const record = await session.registry.getVersion(this.name, this.version);
    const key = on ?? record.primaryKey;
    if (key === undefined || key.length === 0) {
      throw new DeltaError(
        `readDataset('${this.name}', { delta: true }) needs deltaOn: ${record.name}@${record.version} declares no primary key to default to.`,
      );
    }
    const compare = flattenSchema(record.schema)
      .map((column) => column.path)
      .filter((path) => !key.some((k) => path === k || path.startsWith(`${k}.`)));
    return { on: key, compare };
  }
}
