import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import type { FormatReader } from '../../formats/format-reader.ts';
import { openCsv, openJson, openJsonl, openParquet } from '../../formats/index.ts';
import type { Session } from '../../session.ts';
import type { Relation } from '../relation.ts';
import { stableJson } from '../stable-json.ts';
import { temporaryTableName, writeRows } from '../table-writer.ts';
import type { ChainSource } from './chain-source.ts';
import { scanTable } from './scan.ts';

/** Data file formats a chain can read. */
export type FileFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

/**
 * A local data file as a source: its schema is inferred (or given), its rows streamed into a table
 * owned by the run. The identity covers path, size and modification time, so an edited file is new input.
 */
export class FileSource implements ChainSource {
  readonly label: string;
  private readonly path: string;

  constructor(
    private readonly format: FileFormat,
    path: string,
    private readonly options: object,
  ) {
    this.path = resolve(path);
    this.label = `${format} ${path}`;
  }

  async identity(): Promise<string> {
    const info = await stat(this.path).catch(() => undefined);
    return `file:${this.format}:${this.path}:${info?.size ?? 'missing'}:${info?.mtimeMs ?? 0}:${stableJson(this.options)}`;
  }

  private async reader(): Promise<FormatReader> {
    switch (this.format) {
      case 'csv':
        return openCsv(this.path, this.options);
      case 'jsonl':
        return openJsonl(this.path, this.options);
      case 'json':
        return openJson(this.path, this.options);
      case 'parquet':
        return openParquet(this.path, this.options);
    }
  }

  async describe(): Promise<DatasetSchema> {
    return (await this.reader()).schema;
  }

  async open(session: Session, track: (table: string) => void): Promise<Relation> {
    const reader = await this.reader();
    const table = temporaryTableName();
    track(table);
    await writeRows(session.warehouse, table, reader.schema, reader.rows());
    return {
      query: scanTable(table, reader.schema),
      schema: reader.schema,
      order: undefined,
      lineage: [],
      ownedTable: table,
    };
  }
}
