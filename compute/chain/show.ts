/** Renders rows as a fixed-width text table with dot-path headers (for `chain.show()`). */
export function printRows(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)\n';
  const flat = rows.map((row) => flatten(row));
  const headers = [...new Set(flat.flatMap((row) => Object.keys(row)))];
  const cells = flat.map((row) => headers.map((header) => render(row[header])));
  const widths = headers.map((header, i) =>
    Math.min(40, Math.max(header.length, ...cells.map((line) => line[i]!.length))),
  );
  const line = (values: string[]): string =>
    values
      .map((value, i) => clip(value, widths[i]!).padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line), ''].join('\n');
}

function flatten(
  row: Record<string, unknown>,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      flatten(value as Record<string, unknown>, path, out);
    } else {
      out[path] = value;
    }
  }
  return out;
}

function render(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

function clip(value: string, width: number): string {
  return value.length > width ? `${value.slice(0, width - 1)}…` : value;
}
