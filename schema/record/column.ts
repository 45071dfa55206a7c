import type { LeafType } from './field-type.ts';

/** Separator between nested field names in flattened column names (`det.confidence` → `det__confidence`). */
export const COLUMN_SEPARATOR = '__';

/** One physical column: a leaf of the (possibly nested) row type. */
export interface Column {
  /** Dot path used by the API (`det.confidence`). */
  readonly path: string;
  /** Physical column name (`det__confidence`). */
  readonly name: string;
  readonly type: LeafType;
  /** True when the leaf itself or any enclosing object is nullable. */
  readonly nullable: boolean;
  readonly description?: string;
}

/** `det.confidence` → `det__confidence`. */
export function pathToColumnName(path: string): string {
  return path.split('.').join(COLUMN_SEPARATOR);
}

/** `det__confidence` → `det.confidence`. */
export function columnNameToPath(name: string): string {
  return name.split(COLUMN_SEPARATOR).join('.');
}
