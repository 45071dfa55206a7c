/**
 * SQL for scalar functions and aggregates on SQLite. Each template uses every argument exactly once and in
 * order, because SQLite placeholders are positional. `chainql_*` functions come from sqlite-functions.ts.
 */
import type { AggregateSqlMap, FunctionSqlMap } from '../base-compiler.ts';

const call = (name: string) => (args: readonly string[]) => `${name}(${args.join(', ')})`;

/** Scalar functions. */
export const SQLITE_FUNCTIONS: FunctionSqlMap = Object.freeze({
  length: call('length'),
  lower: call('lower'),
  upper: call('upper'),
  concat: (args) => (args.length === 1 ? `(${args[0]} || '')` : `(${args.join(' || ')})`),
  substr: call('substr'),
  replace: call('replace'),
  split: call('chainql_split'),
  pathName: call('chainql_path_name'),
  pathParent: call('chainql_path_parent'),
  pathSuffix: call('chainql_path_suffix'),
  pathStem: call('chainql_path_stem'),
  abs: call('abs'),
  round: call('round'),
  floor: call('floor'),
  ceil: call('ceil'),
  coalesce: (args) => (args.length === 1 ? `coalesce(${args[0]}, NULL)` : call('coalesce')(args)),
  ifNull: call('ifnull'),
  arrayLength: call('json_array_length'),
  arrayContains: ([array, item]) =>
    `EXISTS (SELECT 1 FROM json_each(${array}) WHERE json_each.value = ${item})`,
  cosineDistance: call('chainql_cosine_distance'),
  euclideanDistance: call('chainql_euclidean_distance'),
  innerProduct: call('chainql_inner_product'),
});

/** Aggregates. `anyValue` uses MIN, which returns some non-NULL value of the group. */
export const SQLITE_AGGREGATES: AggregateSqlMap = Object.freeze({
  count: (arg) => `COUNT(${arg})`,
  countDistinct: (arg) => `COUNT(DISTINCT ${arg})`,
  sum: (arg) => `SUM(${arg})`,
  sumInt: (arg) => `SUM(${arg})`,
  avg: (arg) => `AVG(${arg})`,
  avgInt: (arg) => `AVG(${arg})`,
  min: (arg) => `MIN(${arg})`,
  max: (arg) => `MAX(${arg})`,
  anyValue: (arg) => `MIN(${arg})`,
  collect: (arg) => `json_group_array(${arg})`,
  concat: (arg, separator) => `group_concat(${arg}, ${separator})`,
});
