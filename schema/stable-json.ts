/**
 * The one deterministic JSON for hashes (chain and step hashes, source identities, UDF options and output
 * shapes, row digests): object keys sorted, Dates as ISO strings, bigints as `"<n>n"` (never a throw or a
 * rounded number), functions as their source, undefined dropped. Two structurally equal values always give
 * the same text.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'function') return value.toString();
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = (value as Record<string, unknown>)[key];
      if (inner !== undefined) out[key] = normalise(inner);
    }
    return out;
  }
  return value;
}
