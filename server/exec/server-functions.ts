import type { SqliteUserFunction } from '../../clients/warehouse/sqlite/sqlite-connection.ts';

/**
 * SQL functions the GraphQL compiler emits on top of chainql's own (`schema/dialect/sqlite/sqlite-functions.ts`):
 * - `chainql_gql_regexp(pattern, flags, value)` → 1/0 (NULL value → NULL), JavaScript regular expressions;
 * - `chainql_gql_distance(metric, vector, query)` → distance between a stored JSON vector and the query
 *   vector (JSON text, parsed once per statement): `cosine` (1 − cosine similarity), `l2` (Euclidean),
 *   `dot` (negative inner product, so smaller is nearer). NULL or mismatched-length vectors → NULL.
 */
export function createServerFunctions(): SqliteUserFunction[] {
  const regexes = new Map<string, RegExp>();
  let lastQueryText = '';
  let lastQuery: number[] = [];
  return [
    {
      name: 'chainql_gql_regexp',
      deterministic: true,
      fn: ((pattern: string, flags: string, value: unknown) => {
        if (value === null || value === undefined) return null;
        const key = `${flags}/${pattern}`;
        let re = regexes.get(key);
        if (re === undefined) {
          re = new RegExp(pattern, flags);
          if (regexes.size > 256) regexes.clear();
          regexes.set(key, re);
        }
        return re.test(String(value)) ? 1 : 0;
      }) as (...args: never[]) => unknown,
    },
    {
      name: 'chainql_gql_distance',
      deterministic: true,
      fn: ((metric: string, stored: unknown, queryText: string) => {
        if (stored === null || stored === undefined) return null;
        if (queryText !== lastQueryText) {
          lastQuery = JSON.parse(queryText) as number[];
          lastQueryText = queryText;
        }
        const v = JSON.parse(String(stored)) as unknown;
        if (!Array.isArray(v) || v.length !== lastQuery.length) return null;
        return distance(metric, v as number[], lastQuery);
      }) as (...args: never[]) => unknown,
    },
  ];
}

/** Distance between two equal-length vectors under `metric` (see {@link createServerFunctions}). */
export function distance(metric: string, a: readonly number[], b: readonly number[]): number | null {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
    l2 += (x - y) ** 2;
  }
  if (metric === 'l2') return Math.sqrt(l2);
  if (metric === 'dot') return -dot;
  const norm = Math.sqrt(na * nb);
  return norm === 0 ? null : 1 - dot / norm;
}
