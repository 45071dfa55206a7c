import type { VersionRecordRow } from '../../clients/warehouse/registry-store.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import type { DatasetVersion, LineageSource } from './dataset-version.ts';
import { RegistryMetadataError } from './registry-errors.ts';

/** The stored record of one version (JSON columns serialised). */
export function versionToRow(v: DatasetVersion): VersionRecordRow {
  return {
    dataset: v.name,
    version: v.version,
    table_name: v.table,
    schema_json: JSON.stringify(v.schema),
    row_count: v.rows,
    created_at: v.createdAt.getTime(),
    chain_hash: v.chainHash ?? null,
    lineage_json: JSON.stringify(v.lineage),
    description: v.description ?? null,
    primary_key_json: v.primaryKey === undefined ? null : JSON.stringify(v.primaryKey),
    indexes_json: v.indexes === undefined ? null : JSON.stringify(v.indexes),
  };
}

/**
 * Rebuilds a `DatasetVersion` from its stored record.
 * @throws RegistryMetadataError when stored JSON is unreadable (a corrupted or hand-edited row).
 */
export function rowToVersion(row: VersionRecordRow): DatasetVersion {
  const name = String(row.dataset);
  const version = String(row.version);
  const parse = <T>(column: keyof VersionRecordRow): T | undefined => {
    const text = row[column];
    if (text === null || text === undefined) return undefined;
    try {
      return JSON.parse(String(text)) as T;
    } catch (cause) {
      throw new RegistryMetadataError(`Stored ${column} of ${name}@${version} is not valid JSON.`, { cause });
    }
  };
  const schema = parse<DatasetSchema>('schema_json');
  if (schema === undefined) throw new RegistryMetadataError(`${name}@${version} has no stored schema.`);
  const chainHash = row.chain_hash;
  const description = row.description;
  const primaryKey = parse<string[]>('primary_key_json');
  const indexes = parse<string[][]>('indexes_json');
  return {
    name,
    version,
    table: String(row.table_name),
    schema,
    rows: Number(row.row_count),
    createdAt: new Date(Number(row.created_at)),
    ...(chainHash === null || chainHash === undefined ? {} : { chainHash: String(chainHash) }),
    lineage: parse<LineageSource[]>('lineage_json') ?? [],
    ...(description === null || description === undefined ? {} : { description: String(description) }),
    ...(primaryKey === undefined ? {} : { primaryKey }),
    ...(indexes === undefined ? {} : { indexes }),
  };
}
