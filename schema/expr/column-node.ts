/**
 * Column references: a leaf column by its dot path (`det.confidence`), and `*` for `count(*)`.
 */

/** A reference to one leaf column by its API dot path; compilers flatten it (`det__confidence`). */
export interface ColumnNode {
  readonly kind: 'column';
  /** Dot path of the leaf (`det.confidence`). */
  readonly path: string;
  /** Optional table (or join side) qualifier, e.g. the alias of a joined source. */
  readonly table?: string;
}

/** `*` — only meaningful as the argument of `count`. */
export interface StarNode {
  readonly kind: 'star';
}

/** Creates a frozen column node. `table` qualifies the column for joins; omitted when undefined. */
export function columnNode(path: string, table?: string): ColumnNode {
  return Object.freeze(table === undefined ? { kind: 'column', path } : { kind: 'column', path, table });
}

const STAR: StarNode = Object.freeze({ kind: 'star' });

/** The (shared, frozen) `*` node. */
export function starNode(): StarNode {
  return STAR;
}
