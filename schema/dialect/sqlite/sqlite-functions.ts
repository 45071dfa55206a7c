/**
 * Pure-JS implementations of the user-defined functions the SQLite compiler emits. The SQLite warehouse driver
 * registers each with `db.function(name, { deterministic }, fn)` (better-sqlite3) when it opens a database.
 * Values follow the SQLite storage conventions: arrays and vectors are JSON text, booleans are 0/1, and any NULL
 * argument gives NULL.
 */

/** One user-defined SQL function. */
export interface SqliteFunction {
  /** SQL name (all carry the `chainql_` prefix). */
  readonly name: string;
  /** Same inputs always give the same output (lets SQLite use it in indexes and optimise calls). */
  readonly deterministic: boolean;
  /** Accepts any number of arguments (better-sqlite3 `varargs`); default false: the arity of `fn`. */
  readonly varargs?: boolean;
  /** The implementation; receives SQLite values, returns a SQLite value. */
  readonly fn: (...args: SqliteValue[]) => string | number | bigint | null;
}

/** A value SQLite hands to a user function. */
export type SqliteValue = string | number | bigint | Buffer | null;

type SqlValue = SqliteValue;

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Extension of the basename including the dot; `''` when none or when the only dot leads the name. */
function suffix(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}

function parseVector(value: SqlValue, fnName: string): number[] | null {
  if (value === null) return null;
  const parsed: unknown = JSON.parse(String(value));
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'number')) {
    throw new TypeError(`${fnName}: expected a JSON array of numbers, got ${String(value).slice(0, 40)}`);
  }
  return parsed;
}

/**
 * A fresh list of the functions (each list has its own small cache of compiled regular expressions).
 */
export function createSqliteFunctions(): readonly SqliteFunction[] {
  const regexCache = new Map<string, RegExp>();
  const regex = (pattern: string, flags: string): RegExp => {
    const key = `${flags}/${pattern}`;
    let re = regexCache.get(key);
    if (!re) {
      re = new RegExp(pattern, flags);
      if (regexCache.size >= 256) regexCache.clear();
      regexCache.set(key, re);
    }
    return re;
  };
  // A query vector is usually the same JSON text on every row of a statement: parse it once.
  let lastText = '';
  let lastVector: number[] | null = null;
  const vector = (value: SqlValue, fnName: string): number[] | null => {
    if (typeof value === 'string' && value === lastText) return lastVector;
    const parsed = parseVector(value, fnName);
    if (typeof value === 'string') {
      lastText = value;
      lastVector = parsed;
    }
    return parsed;
  };
  const pair = (a: SqlValue, b: SqlValue, fnName: string): [number[], number[]] | null => {
    const x = parseVector(a, fnName);
    const y = vector(b, fnName);
    if (x === null || y === null) return null;
    if (x.length !== y.length)
      throw new RangeError(`${fnName}: vectors of different lengths (${x.length} and ${y.length})`);
    return [x, y];
  };
  const text = (f: (s: string) => string) => (value: SqlValue) => (value === null ? null : f(String(value)));
  const list: SqliteFunction[] = [
    {
      name: 'chainql_regexp',
      deterministic: true,
      fn: (value: SqlValue, pattern: SqlValue) =>
        value === null || pattern === null ? null : regex(String(pattern), 'u').test(String(value)) ? 1 : 0,
    },
    {
      name: 'chainql_iregexp',
      deterministic: true,
      fn: (value: SqlValue, pattern: SqlValue) =>
        value === null || pattern === null ? null : regex(String(pattern), 'iu').test(String(value)) ? 1 : 0,
    },
    { name: 'chainql_path_name', deterministic: true, fn: text(basename) },
    {
      name: 'chainql_path_parent',
      deterministic: true,
      fn: text((p) => {
        const slash = p.lastIndexOf('/');
        return slash < 0 ? '' : p.slice(0, slash);
      }),
    },
    { name: 'chainql_path_suffix', deterministic: true, fn: text((p) => suffix(basename(p))) },
    {
      name: 'chainql_path_stem',
      deterministic: true,
      fn: text((p) => {
        const name = basename(p);
        return name.slice(0, name.length - suffix(name).length);
      }),
    },
    {
      name: 'chainql_split',
      deterministic: true,
      fn: (value: SqlValue, separator: SqlValue) =>
        value === null || separator === null ? null : JSON.stringify(String(value).split(String(separator))),
    },
    {
      name: 'chainql_cosine_distance',
      deterministic: true,
      fn: (a: SqlValue, b: SqlValue) => {
        const vectors = pair(a, b, 'cosineDistance');
        if (!vectors) return null;
        const [x, y] = vectors;
        let dot = 0;
        let nx = 0;
        let ny = 0;
        for (let i = 0; i < x.length; i++) {
          const xi = x[i] ?? 0;
          const yi = y[i] ?? 0;
          dot += xi * yi;
          nx += xi * xi;
          ny += yi * yi;
        }
        // A zero vector has no direction: its distance to anything is NULL (on ClickHouse too).
        const norm = Math.sqrt(nx * ny);
        return norm === 0 ? null : 1 - dot / norm;
      },
    },
    {
      name: 'chainql_euclidean_distance',
      deterministic: true,
      fn: (a: SqlValue, b: SqlValue) => {
        const vectors = pair(a, b, 'euclideanDistance');
        if (!vectors) return null;
        const [x, y] = vectors;
        let sum = 0;
        for (let i = 0; i < x.length; i++) sum += ((x[i] ?? 0) - (y[i] ?? 0)) ** 2;
        return Math.sqrt(sum);
      },
    },
    {
      name: 'chainql_inner_product',
      deterministic: true,
      fn: (a: SqlValue, b: SqlValue) => {
        const vectors = pair(a, b, 'innerProduct');
        if (!vectors) return null;
        const [x, y] = vectors;
        let sum = 0;
        for (let i = 0; i < x.length; i++) sum += (x[i] ?? 0) * (y[i] ?? 0);
        return sum;
      },
    },
  ];
  return Object.freeze(list.map((f) => Object.freeze(f)));
}

/** The default list, for drivers that register the functions once per connection. */
export const sqliteFunctions: readonly SqliteFunction[] = createSqliteFunctions();
