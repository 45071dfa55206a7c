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
  /**
   * Nullability of every path segment, outermost first; the last entry is the leaf itself
   * (`det.box.w` → 3 entries). Row decoders use it to tell "absent" from "null" and to turn an
   * all-NULL nullable object back into `null`. Absent (columns built by hand or by a query):
   * enclosing objects count as required and the leaf as `{ nullable, optional: false }`.
   */
  readonly segments?: readonly SegmentNullability[];
}

/** Whether one segment of a column path (an enclosing object or the leaf) may be `null` or absent. */
export interface SegmentNullability {
  /** The value may be `null`. */
  readonly nullable: boolean;
  /** The key may be absent (`undefined`). */
  readonly optional: boolean;
}

/** `det.confidence` → `det__confidence`. */
export function pathToColumnName(path: string): string {
  return path.split('.').join(COLUMN_SEPARATOR);
}

/** `det__confidence` → `det.confidence`. */
export function columnNameToPath(name: string): string {
  return name.split(COLUMN_SEPARATOR).join('.');
}
