import type { RawRow } from '../../clients/warehouse/warehouse-driver.ts';
import type { CompiledQuery } from '../../schema/dialect/compiled-query.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import type { DatasetVersion, LineageSource } from './dataset-version.ts';
import { RegistryMetadataError } from './registry-errors.ts';
import { VERSIONS_TABLE } from './registry-migrations.ts';

/** Columns selected for a full `DatasetVersion`. */
export const VERSION_SELECT = `SELECT dataset, version, table_name, schema_json, row_count, created_at, chain_hash,
  lineage_json, description, primary_key_json, indexes_json FROM ${VERSIONS_TABLE}`;

/** The INSERT storing one version record. */
export function insertVersion(v: DatasetVersion): CompiledQuery {
  return {
    sql: `INSERT INTO ${VERSIONS_TABLE} (dataset, version, table_name, schema_json, row_count, created_at,
      chain_hash, lineage_json, description, primary_key_json, indexes_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    parameters: [
      v.name,
      v.version,
      v.table,
      JSON.stringify(v.schema),
      v.rows,
      v.createdAt.getTime(),
      v.chainHash ?? null,
      JSON.stringify(v.lineage),
      v.description ?? null,
      v.primaryKey === undefined ? null : JSON.stringify(v.primaryKey),
      v.indexes === undefined ? null : JSON.stringify(v.indexes),
    ],
  };
}

/**
 * Rebuilds a `DatasetVersion` from a `VERSION_SELECT` row.
 * @throws RegistryMetadataError when stored JSON is unreadable (a corrupted or hand-edited row).
 */
export function rowToVersion(row: RawRow): DatasetVersion {
  const name = String(row.dataset);
  const version = String(row.version);
  const parse = <T>(column: string): T | undefined => {
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
