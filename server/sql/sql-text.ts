/**
 * Small helpers for the SQLite statements the GraphQL compiler emits. Identifiers are always quoted;
 * values always go through a {@link Params} sink as `?` placeholders, never into the SQL text.
 */

/** Quotes an SQLite identifier (`"a""b"`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Collects bound parameters in placeholder order. */
export class Params {
  readonly values: unknown[] = [];

  /** Adds `value` and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return '?';
  }
}

/** A fragment of SQL plus the parameters its placeholders bind, in textual order. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** SQL text for the always-true / always-false predicates. */
export const SQL_TRUE = '1';
export const SQL_FALSE = '0';
