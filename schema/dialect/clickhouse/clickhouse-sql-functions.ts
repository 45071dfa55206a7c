/**
 * SQL for scalar functions and aggregates on ClickHouse. ClickHouse placeholders are named (`{p0:Int64}`), so a
 * template may repeat or reorder its arguments. Regex constants below are compiler-owned, not user values.
 */
import type { AggregateSqlMap, FunctionSqlMap } from '../base-compiler.ts';

const call = (name: string) => (args: readonly string[]) => `${name}(${args.join(', ')})`;
const one = (f: (x: string) => string) => (args: readonly string[]) => f(args[0] ?? 'NULL');

/** SQL for the basename of a path expression. */
const basename = (x: string): string => `replaceRegexpOne(${x}, '^.*/', '')`;

/** Scalar functions. */
export const CLICKHOUSE_FUNCTIONS: FunctionSqlMap = Object.freeze({
  length: call('lengthUTF8'),
  lower: call('lower'),
  upper: call('upper'),
  concat: (args) => (args.length === 1 ? `concat(${args[0]}, '')` : call('concat')(args)),
  substr: call('substringUTF8'),
  replace: call('replaceAll'),
  split: ([s, sep]) => `splitByString(${sep}, ${s})`,
  pathName: one(basename),
  pathParent: one((x) => `replaceRegexpOne(${x}, '/?[^/]*$', '')`),
  pathSuffix: one((x) => `extract(${basename(x)}, '^.+(\\\\.[^.]*)$')`),
  pathStem: one((x) => `replaceRegexpOne(${basename(x)}, '^(.+)\\\\.[^.]*$', '\\\\1')`),
  abs: call('abs'),
  // ClickHouse's round() rounds halves to even on floats; chainql rounds halves away from zero like SQLite/PostgreSQL.
  round: one((x) => `if(${x} >= 0, floor(${x} + 0.5), ceil(${x} - 0.5))`),
  floor: call('floor'),
  ceil: call('ceil'),
  coalesce: (args) => (args.length === 1 ? `coalesce(${args[0]}, NULL)` : call('coalesce')(args)),
  ifNull: call('ifNull'),
  arrayLength: call('length'),
  // A nullable array column is a one-type Variant (schema/record/sql-types.ts), which `has` refuses; `a || []`
  // is the plain Array whatever the column's form (NULL → [], and the caller keeps NULL unknown).
  arrayContains: ([array, item]) => `has(${array} || [], ${item})`,
  // ClickHouse gives NaN for a zero vector; chainql's answer is NULL (as on SQLite). Named placeholders let the
  // argument SQL repeat.
  cosineDistance: (args) => {
    const d = call('cosineDistance')(args);
    return `if(isFinite(${d}), ${d}, NULL)`;
  },
  euclideanDistance: call('L2Distance'),
  innerProduct: call('dotProduct'),
});

/**
 * Aggregates. The `OrNull` forms return NULL over no rows (plain `sum` would return 0, `avg` NaN). Counts of a
 * column skip NULLs explicitly: `count`/`uniqExact` of a Variant (a nullable array, vector or record) would count
 * them.
 */
export const CLICKHOUSE_AGGREGATES: AggregateSqlMap = Object.freeze({
  count: (arg) => (arg === '*' ? 'count(*)' : `countIf(${arg} IS NOT NULL)`),
  countDistinct: (arg) => `uniqExactIf(${arg}, ${arg} IS NOT NULL)`,
  sum: (arg) => `sumOrNull(${arg})`,
  sumInt: (arg) => `sumOrNull(toInt128(${arg}))`,
  avg: (arg) => `avgOrNull(${arg})`,
  avgInt: (arg) => `avgOrNull(toInt128(${arg}))`,
  min: (arg) => `minOrNull(${arg})`,
  max: (arg) => `maxOrNull(${arg})`,
  anyValue: (arg) => `any(${arg})`,
  collect: (arg) => `groupArray(${arg})`,
  concat: (arg, separator) => `arrayStringConcat(groupArray(${arg}), ${separator})`,
});
