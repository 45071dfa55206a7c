import { pathToColumnName } from '../../schema/record/column.ts';
import type { FieldSpec } from '../../schema/record/field-type.ts';
import type { DatasetModel, LeafModel } from '../model/dataset-model.ts';
import type { ServedVersion } from '../registry-view.ts';
import { ServedVersionNotFoundError } from '../server-errors.ts';
import { quoteIdent } from './sql-text.ts';

/** The table one query reads: a dataset version, and how each leaf of the served type is read from it. */
export interface QueryScope {
  readonly ds: DatasetModel;
  readonly version: ServedVersion;
  /** Quoted table name. */
  readonly table: string;
  /**
   * SQL reading a leaf: its quoted column, or `NULL` when this version's schema lacks it (older versions
   * are served through the newest version's types).
   */
  readonly col: (leaf: LeafModel) => string;
}

/** The row id column every stored row has (`schema/record/system-columns.ts`). */
export const ID_COLUMN = quoteIdent('sys__id');

/**
 * Resolves the `version:` argument (default: newest) to a scope.
 * @throws ServedVersionNotFoundError when the dataset has no such version.
 */
export function scopeFor(ds: DatasetModel, version: string | null | undefined): QueryScope {
  const v =
    version === null || version === undefined ? ds.latest : ds.versions.find((x) => x.version === version);
  if (v === undefined) throw new ServedVersionNotFoundError(ds.name, String(version));
  const present = v === ds.latest ? undefined : columnsOf(v.schema.fields, '');
  return {
    ds,
    version: v,
    table: quoteIdent(v.table),
    col: (leaf) => (present === undefined || present.has(leaf.column) ? quoteIdent(leaf.column) : 'NULL'),
  };
}

function columnsOf(
  fields: Readonly<Record<string, FieldSpec>>,
  prefix: string,
  out = new Set<string>(),
): Set<string> {
  for (const [name, spec] of Object.entries(fields)) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (spec.type.kind === 'object') columnsOf(spec.type.fields, path, out);
    else out.add(pathToColumnName(path));
  }
  return out;
}
