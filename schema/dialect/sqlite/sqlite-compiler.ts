/**
 * The SQLite compiler. Identifiers in double quotes, positional `?` parameters: booleans bind as 0/1, Dates as
 * epoch milliseconds, arrays and vectors as JSON text.
 *
 * The driver must run `PRAGMA case_sensitive_like = ON` on every connection so `LIKE` is case-sensitive as in
 * PostgreSQL/ClickHouse (`ilike` compiles to `lower(x) LIKE lower(pattern)`), and register the functions from
 * `sqlite-functions.ts` (regexp, path and vector helpers).
 */
import type { LiteralValue } from '../../expr/literal-node.ts';
import type { MatchNode } from '../../expr/predicate-nodes.ts';
import {
  type AggregateSqlMap,
  BaseCompiler,
  type CompileContext,
  type FunctionSqlMap,
} from '../base-compiler.ts';
import type { DialectName } from '../compiled-query.ts';
import type { DialectCapabilities } from '../dialect-compiler.ts';
import { DialectUnsupportedError } from '../dialect-errors.ts';
import { quoteIdentifier } from '../quote-identifier.ts';
import { SQLITE_AGGREGATES, SQLITE_FUNCTIONS } from './sqlite-sql-functions.ts';

const CAPABILITIES: DialectCapabilities = Object.freeze({
  nativeIlike: false,
  nativeGlob: true,
  likeNeedsEscapeClause: true,
  exceptKeyword: 'EXCEPT',
  joinNullsSetting: null,
  bigintArrayItemsAsText: true,
});

/** The value better-sqlite3 binds for a literal. */
export function sqliteParameter(value: Exclude<LiteralValue, null>): string | number | bigint {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return JSON.stringify(value);
  return value as string | number | bigint;
}

function jsonItem(value: string | number | bigint): string {
  return typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
}

/** Compiles expression and query nodes to SQLite SQL. */
export class SqliteCompiler extends BaseCompiler {
  readonly dialect: DialectName = 'sqlite';
  readonly capabilities: DialectCapabilities = CAPABILITIES;
  protected readonly functions: FunctionSqlMap = SQLITE_FUNCTIONS;
  protected readonly aggregates: AggregateSqlMap = SQLITE_AGGREGATES;

  protected quoteIdentifier(name: string): string {
    return quoteIdentifier('sqlite', name);
  }

  protected bindValue(value: Exclude<LiteralValue, null>, ctx: CompileContext): string {
    ctx.parameters.push(sqliteParameter(value));
    return '?';
  }

  protected bindRowCount(count: number, ctx: CompileContext): string {
    ctx.parameters.push(count);
    return '?';
  }

  protected booleanConstant(value: boolean): string {
    return value ? '1' : '0';
  }

  protected divide(left: string, right: string): string {
    // CAST forces floating-point division; SQLite already yields NULL on division by zero.
    return `(CAST(${left} AS REAL) / ${right})`;
  }

  protected remainder(left: string, right: string): string {
    return `(${left} % ${right})`;
  }

  protected offsetWithoutLimit(offset: string): string {
    return `LIMIT -1 OFFSET ${offset}`;
  }

  protected globMatch(_node: MatchNode): string {
    throw new DialectUnsupportedError(this.dialect, 'GLOB is native; the regex fallback is never used.');
  }

  protected regexpMatch(operand: string, pattern: string, caseInsensitive: boolean): string {
    return `${caseInsensitive ? 'chainql_iregexp' : 'chainql_regexp'}(${operand}, ${pattern})`;
  }

  protected inBoundList(
    operand: string,
    values: readonly Exclude<LiteralValue, null>[],
    negated: boolean,
    ctx: CompileContext,
  ): string {
    // One JSON array parameter read back by json_each: integers stay INTEGER (bigints are written as digits,
    // never rounded through a double), strings TEXT, so IN compares exactly as with separate placeholders.
    const json = `[${values.map((v) => jsonItem(sqliteParameter(v))).join(',')}]`;
    ctx.parameters.push(json);
    return `(${operand} ${negated ? 'NOT IN' : 'IN'} (SELECT value FROM json_each(?)))`;
  }
}
