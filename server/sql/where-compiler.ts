import type { FieldType } from '../../schema/record/field-type.ts';
import type { LeafModel, ObjectModel } from '../model/dataset-model.ts';
import { BadUserInputError } from '../server-errors.ts';
import { ID_COLUMN } from './scope.ts';
import { type Params, SQL_FALSE, SQL_TRUE } from './sql-text.ts';
import { encodeParam } from './value-codec.ts';

/**
 * Compiles a Hasura-style boolean expression (`<ds>_bool_exp`) to an SQLite predicate.
 *
 * Semantics are Hasura's on PostgreSQL: the keys of one object and several operators on one field are
 * ANDed; `{}` and `_and: []` are true, `_or: []` false; `_in: []` false, `_nin: []` true; comparisons with
 * NULL are unknown (SQL three-valued logic), so neither `{x: {_gt: 1}}` nor its `_not` matches a NULL `x`.
 * `_like`/`_ilike` use `%`/`_` wildcards with `\` as escape; the connection runs with
 * `case_sensitive_like = ON`, and `_ilike` lower-cases both sides (ASCII, like SQLite's `lower`).
 * `_regex`/`_iregex` use JavaScript regular expressions through a user-defined function.
 */

/** Maps a leaf to the SQL expression reading it (its quoted column, or `NULL` if a version lacks it). */
export type ColumnSql = (leaf: LeafModel) => string;

type Operand = Readonly<Record<string, unknown>>;

/** Compiles `exp` on `object` (the row or a nested object); unknown keys are rejected. */
export function compileWhere(object: ObjectModel, exp: unknown, col: ColumnSql, params: Params): string {
  if (exp === null || exp === undefined) return SQL_TRUE;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(exp as Operand)) {
    if (value === undefined) continue;
    if (value === null) throw new BadUserInputError(`where: '${key}' must not be null.`);
    if (key === '_and' || key === '_or') {
      const items = value as readonly unknown[];
      if (items.length === 0) {
        parts.push(key === '_and' ? SQL_TRUE : SQL_FALSE);
        continue;
      }
      const joined = items
        .map((e) => `(${compileWhere(object, e, col, params)})`)
        .join(key === '_and' ? ' AND ' : ' OR ');
      parts.push(`(${joined})`);
      continue;
    }
    if (key === '_not') {
      parts.push(`NOT (${compileWhere(object, value, col, params)})`);
      continue;
    }
    if (key === '_id' && object.path === '') {
      parts.push(compileOperators({ kind: 'bigint' }, '_id', value as Operand, ID_COLUMN, params));
      continue;
    }
    const field = object.byGqlName.get(key);
    if (field === undefined) throw new BadUserInputError(`where: unknown field '${key}'.`);
    parts.push(
      field.kind === 'object'
        ? `(${compileWhere(field, value, col, params)})`
        : compileComparison(field, value as Operand, col(field), params),
    );
  }
  if (parts.length === 0) return SQL_TRUE;
  return parts.length === 1 ? (parts[0] as string) : parts.map((p) => `(${p})`).join(' AND ');
}

const BINARY: Readonly<Record<string, string>> = {
  _eq: '=',
  _neq: '<>',
  _gt: '>',
  _gte: '>=',
  _lt: '<',
  _lte: '<=',
};

/** Compiles the operators of one `<Type>_comparison_exp` on the SQL expression `c`. */
export function compileComparison(leaf: LeafModel, ops: Operand, c: string, params: Params): string {
  return compileOperators(leaf.type, leaf.gqlPath, ops, c, params);
}

/**
 * Compiles comparison operators against `c` whose values have type `type` (also used by HAVING, where `c`
 * is an aggregate and `type` its result type).
 */
export function compileOperators(
  type: FieldType,
  path: string,
  ops: Operand,
  c: string,
  params: Params,
): string {
  const parts: string[] = [];
  for (const [op, value] of Object.entries(ops)) {
    if (value === undefined) continue;
    if (value === null) {
      throw new BadUserInputError(`where: '${path}.${op}' must not be null (use _is_null to test for NULL).`);
    }
    const binary = BINARY[op];
    if (binary !== undefined) {
      parts.push(`${c} ${binary} ${params.add(encodeParam(type, value, path))}`);
      continue;
    }
    switch (op) {
      case '_in':
      case '_nin': {
        const list = value as readonly unknown[];
        if (list.length === 0) {
          parts.push(op === '_in' ? SQL_FALSE : SQL_TRUE);
          break;
        }
        const holders = list.map((v) => params.add(encodeParam(type, v, path))).join(', ');
        parts.push(`${c} ${op === '_in' ? 'IN' : 'NOT IN'} (${holders})`);
        break;
      }
      case '_is_null':
        parts.push(value === true ? `${c} IS NULL` : `${c} IS NOT NULL`);
        break;
      case '_like':
      case '_nlike':
        parts.push(`${c} ${op === '_like' ? 'LIKE' : 'NOT LIKE'} ${params.add(String(value))} ESCAPE '\\'`);
        break;
      case '_ilike':
      case '_nilike':
        parts.push(
          `lower(${c}) ${op === '_ilike' ? 'LIKE' : 'NOT LIKE'} lower(${params.add(String(value))}) ESCAPE '\\'`,
        );
        break;
      case '_regex':
      case '_iregex':
      case '_nregex':
      case '_niregex': {
        const flags = op === '_iregex' || op === '_niregex' ? 'i' : '';
        checkRegex(String(value), flags, path);
        const match = `chainql_gql_regexp(${params.add(String(value))}, ${params.add(flags)}, ${c})`;
        parts.push(op.startsWith('_n') ? `NOT ${match}` : match);
        break;
      }
      case '_contains': {
        if (type.kind !== 'array') throw new BadUserInputError(`where: '${path}' is not an array.`);
        const items = Array.isArray(value) ? value : [value];
        const each = items.map(
          (v) =>
            `EXISTS (SELECT 1 FROM json_each(${c}) AS e WHERE e.value = ${params.add(encodeJsonItem(type.items, v, path))})`,
        );
        // NULL arrays stay unknown (PostgreSQL `NULL @> …` is NULL), so `_not` does not match them either.
        parts.push(
          `CASE WHEN ${c} IS NULL THEN NULL ELSE ${each.length === 0 ? SQL_TRUE : each.join(' AND ')} END`,
        );
        break;
      }
      default:
        throw new BadUserInputError(`where: unknown operator '${op}' on '${path}'.`);
    }
  }
  if (parts.length === 0) return SQL_TRUE;
  return parts.length === 1 ? (parts[0] as string) : parts.map((p) => `(${p})`).join(' AND ');
}

/**
 * Encodes one array item for comparison with `json_each.value`, following `schema/record/value-codec.ts`:
 * JSON true/false read back as 1/0, datetimes are epoch milliseconds, bigints decimal strings.
 */
function encodeJsonItem(type: FieldType, value: unknown, path: string): unknown {
  if (type.kind === 'boolean') return value === true ? 1 : 0;
  if (type.kind === 'bigint') return String(encodeParam(type, value, path));
  if (type.kind === 'datetime') return encodeParam(type, value, path);
  return value;
}

function checkRegex(pattern: string, flags: string, path: string): void {
  try {
    new RegExp(pattern, flags);
  } catch (cause) {
    throw new BadUserInputError(`where: '${path}': invalid regular expression: ${(cause as Error).message}`, {
      cause,
    });
  }
}
