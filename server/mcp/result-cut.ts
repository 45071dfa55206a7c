/** Outcome of {@link cutResult}: the (possibly shortened) data and one note per shortened list. */
export interface CutResult {
  readonly data: Record<string, unknown>;
  /** Empty when nothing was cut. */
  readonly notes: readonly string[];
}

/**
 * Shortens the root lists of a GraphQL `data` object until its JSON fits in `maxChars`, longest list
 * first, and says for each cut list how many rows are shown and how to page to the rest (Hasura-style
 * `limit`/`offset`). Lists nested inside rows are left whole; an answer that does not fit even with
 * one row per list is returned with that one row (and the note asks for fewer fields).
 */
export function cutResult(data: Record<string, unknown>, maxChars: number): CutResult {
  if (JSON.stringify(data).length <= maxChars) return { data, notes: [] };
  const out: Record<string, unknown> = { ...data };
  const original = new Map<string, number>();
  for (const [field, value] of Object.entries(data))
    if (Array.isArray(value)) original.set(field, value.length);
  const size = (): number => JSON.stringify(out).length;
  while (size() > maxChars) {
    let longest: string | undefined;
    for (const field of original.keys()) {
      const length = (out[field] as unknown[]).length;
      if (length > 1 && (longest === undefined || length > (out[longest] as unknown[]).length))
        longest = field;
    }
    if (longest === undefined) break;
    const rows = out[longest] as unknown[];
    out[longest] = rows.slice(0, Math.max(1, Math.floor(rows.length / 2)));
  }
  const notes: string[] = [];
  for (const [field, total] of original) {
    const shown = (out[field] as unknown[]).length;
    if (shown === total) continue;
    notes.push(
      `\`${field}\` returned ${total} rows; only the first ${shown} are shown to keep this answer under ` +
        `${maxChars} characters. Get the next page with \`${field}(limit: ${shown}, offset: ${shown}, …)\` ` +
        '(keep the same `order_by` so pages do not overlap), or select fewer fields.',
    );
  }
  return { data: out, notes };
}
