/**
 * An independent in-JS evaluator of Hasura `where` / `order_by` / `limit` / `offset` semantics on plain
 * rows (as the API returns them), used by the differential test. It shares no code with server/query.
 * Three-valued logic: `true`, `false`, or `null` (unknown).
 */

export type Tri = boolean | null;
type Obj = Record<string, unknown>;

/** Leaf kinds the evaluator understands. */
export type Kind = 'int' | 'float' | 'string' | 'boolean' | 'enum' | 'datetime';

/** Field kinds by dot path. */
export type KindMap = ReadonlyMap<string, Kind>;

const and3 = (values: Tri[]): Tri => (values.includes(false) ? false : values.includes(null) ? null : true);
const or3 = (values: Tri[]): Tri => (values.includes(true) ? true : values.includes(null) ? null : false);
const not3 = (v: Tri): Tri => (v === null ? null : !v);

/** Compares two non-null values of a kind: strings by UTF-8 bytes, datetimes by instant. */
export function compareValues(kind: Kind, a: unknown, b: unknown): number {
  if (kind === 'string' || kind === 'enum')
    return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
  if (kind === 'datetime') return Date.parse(String(a)) - Date.parse(String(b));
  if (kind === 'boolean') return Number(a) - Number(b);
  return (a as number) - (b as number);
}

function likeToRegex(pattern: string, flags: string): RegExp {
  let out = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\' && i + 1 < chars.length) out += escapeRe(chars[++i] as string);
    else if (c === '%') out += '[\\s\\S]*';
    else if (c === '_') out += '[\\s\\S]';
    else out += escapeRe(c);
  }
  return new RegExp(`^${out}$`, `u${flags}`);
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function getPath(row: Obj, path: string): unknown {
  let v: unknown = row;
  for (const p of path.split('.')) v = v === null || v === undefined ? null : (v as Obj)[p];
  return v ?? null;
}

function compare(kind: Kind, value: unknown, op: string, arg: unknown): Tri {
  switch (op) {
    case '_is_null':
      return arg ? value === null : value !== null;
    case '_in': {
      const list = arg as unknown[];
      if (list.length === 0) return false;
      if (value === null) return null;
      return list.some((x) => compareValues(kind, value, x) === 0);
    }
    case '_nin': {
      const list = arg as unknown[];
      if (list.length === 0) return true;
      if (value === null) return null;
      return !list.some((x) => compareValues(kind, value, x) === 0);
    }
  }
  if (value === null) return null;
  switch (op) {
    case '_eq':
      return compareValues(kind, value, arg) === 0;
    case '_neq':
      return compareValues(kind, value, arg) !== 0;
    case '_gt':
      return compareValues(kind, value, arg) > 0;
    case '_gte':
      return compareValues(kind, value, arg) >= 0;
    case '_lt':
      return compareValues(kind, value, arg) < 0;
    case '_lte':
      return compareValues(kind, value, arg) <= 0;
    case '_like':
      return likeToRegex(String(arg), '').test(String(value));
    case '_nlike':
      return !likeToRegex(String(arg), '').test(String(value));
    case '_ilike':
      return likeToRegex(asciiLower(String(arg)), '').test(asciiLower(String(value)));
    case '_nilike':
      return !likeToRegex(asciiLower(String(arg)), '').test(asciiLower(String(value)));
    case '_regex':
      return new RegExp(String(arg)).test(String(value));
    default:
      throw new Error(`reference evaluator: unknown operator ${op}`);
  }
}

/** Evaluates a bool_exp (with GraphQL field names equal to dataset names) on one row. */
export function evaluate(exp: Obj, row: Obj, kinds: KindMap, prefix = ''): Tri {
  const parts: Tri[] = [];
  for (const [key, value] of Object.entries(exp)) {
    if (key === '_and') parts.push(and3((value as Obj[]).map((e) => evaluate(e, row, kinds, prefix))));
    else if (key === '_or') parts.push(or3((value as Obj[]).map((e) => evaluate(e, row, kinds, prefix))));
    else if (key === '_not') parts.push(not3(evaluate(value as Obj, row, kinds, prefix)));
    else {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const kind = kinds.get(path);
      if (kind === undefined) parts.push(evaluate(value as Obj, row, kinds, path));
      else {
        const v = getPath(row, path);
        parts.push(and3(Object.entries(value as Obj).map(([op, arg]) => compare(kind, v, op, arg))));
      }
    }
  }
  return and3(parts);
}

/** One order_by item flattened: path and direction. */
function orderTerm(item: Obj): { path: string; dir: string } {
  const path: string[] = [];
  let v: unknown = item;
  while (typeof v === 'object' && v !== null) {
    const [k, next] = Object.entries(v as Obj)[0] as [string, unknown];
    path.push(k);
    v = next;
  }
  return { path: path.join('.'), dir: String(v) };
}

/** Filters, sorts (ties by `_id`), and pages rows as the API should. */
export function runReference(
  rows: readonly Obj[],
  kinds: KindMap,
  q: { where?: Obj; order_by?: Obj[]; limit?: number; offset?: number },
): Obj[] {
  const matched = rows.filter((r) => (q.where === undefined ? true : evaluate(q.where, r, kinds) === true));
  const terms = (q.order_by ?? []).map(orderTerm);
  const sorted = [...matched].sort((a, b) => {
    for (const t of terms) {
      const kind = kinds.get(t.path) as Kind;
      const x = getPath(a, t.path);
      const y = getPath(b, t.path);
      const desc = t.dir.startsWith('desc');
      const nullsFirst = t.dir.endsWith('nulls_first') || t.dir === 'desc';
      if (x === null || y === null) {
        if (x === null && y === null) continue;
        return (x === null ? -1 : 1) * (nullsFirst ? 1 : -1);
      }
      const c = compareValues(kind, x, y);
      if (c !== 0) return desc ? -c : c;
    }
    return Number(a._id) - Number(b._id);
  });
  const offset = q.offset ?? 0;
  return sorted.slice(offset, q.limit === undefined ? undefined : offset + q.limit);
}
