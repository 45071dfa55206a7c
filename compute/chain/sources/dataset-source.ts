import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import type { Session } from '../../session.ts';
import type { Relation } from '../relation.ts';
import type { ChainSource } from './chain-source.ts';
import { scanTable } from './scan.ts';

/** A saved dataset version (latest unless `version` is given) as a source; read in place, never copied. */
export class DatasetSource implements ChainSource {
  readonly label: string;

  constructor(
    readonly name: string,
    readonly version?: string,
  ) {
    this.label = `dataset ${name}${version ? `@${version}` : ''}`;
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
}
