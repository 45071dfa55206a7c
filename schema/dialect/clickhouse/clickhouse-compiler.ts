/**
 * The ClickHouse compiler. Identifiers in backticks, typed named placeholders `{pN:Type}` where `pN` is
 * `parameters[N]` (the driver passes them as `query_params` with keys `p0`, `p1`, …): String, Int64 (safe
 * integers and bigints), Float64, Bool, DateTime64(3) (Date values), Array(Float64)/Array(String)/Array(Bool);
 * LIMIT/OFFSET as UInt64. LIKE is case-sensitive, ILIKE native, GLOB becomes `match()` on a translated regex.
 * Queries with outer joins carry `SETTINGS join_use_nulls = 1` so missing sides are NULL, not default values;
 * a missing side's arrays and records are NULL too, and join keys never match NULL (clickhouse-join-sides.ts).
 * An output named like a column that another expression of its SELECT reads is computed under an internal name
 * and renamed in an outer SELECT (clickhouse-alias-capture.ts), so expressions read columns as in SQLite.
 */
import type { ColumnNode } from '../../expr/column-node.ts';
import type { ExprNode } from '../../expr/expr-node.ts';
import type { LiteralValue } from '../../expr/literal-node.ts';
import type { MatchNode } from '../../expr/predicate-nodes.ts';
import type { SelectQuery, Source } from '../../query/query-node.ts';
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
import { rewriteAliasCapture } from './clickhouse-alias-capture.ts';
import { globToRegex } from './clickhouse-glob.ts';
import {
  MATCHED_MARKER,
  nullExcludingCondition,
  sourceName,
  unmatchedSides,
} from './clickhouse-join-sides.ts';
import { CLICKHOUSE_AGGREGATES, CLICKHOUSE_FUNCTIONS } from './clickhouse-sql-functions.ts';

const CAPABILITIES: DialectCapabilities = Object.freeze({
  nativeIlike: true,
  nativeGlob: false,
  likeNeedsEscapeClause: false,
  exceptKeyword: 'EXCEPT DISTINCT',
  joinNullsSetting: 'SETTINGS join_use_nulls = 1',
  bigintArrayItemsAsText: false,
});

/** Compile state of one SELECT: the join sides that may be unmatched (see clickhouse-join-sides.ts). */
interface ClickhouseContext extends CompileContext {
  readonly unmatched?: ReadonlySet<string>;
}

const NO_SIDES: ReadonlySet<string> = new Set();

/** The ClickHouse parameter type of a literal value. */
export function clickhouseParameterType(value: Exclude<LiteralValue, null>): string {
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Bool';
  if (typeof value === 'bigint') return 'Int64';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'Int64' : 'Float64';
  if (value instanceof Date) return 'DateTime64(3)';
  const first = value[0];
  if (typeof first === 'string') return 'Array(String)';
  if (typeof first === 'boolean') return 'Array(Bool)';
  return 'Array(Float64)';
}

/** The `Array(T)` parameter type of a bound `IN` list: the element type all values fit. */
function listParameterType(values: readonly Exclude<LiteralValue, null>[]): string {
  const types = new Set(values.map((v) => clickhouseParameterType(v)));
  if (types.size === 1) return `Array(${[...types][0]})`;
  if ([...types].every((t) => t === 'Int64' || t === 'Float64')) return 'Array(Float64)';
  return 'Array(String)';
}

/** Compiles expression and query nodes to ClickHouse SQL. */
export class ClickhouseCompiler extends BaseCompiler {
  readonly dialect: DialectName = 'clickhouse';
  readonly capabilities: DialectCapabilities = CAPABILITIES;
  protected readonly functions: FunctionSqlMap = CLICKHOUSE_FUNCTIONS;
  protected readonly aggregates: AggregateSqlMap = CLICKHOUSE_AGGREGATES;

  protected quoteIdentifier(name: string): string {
    return quoteIdentifier('clickhouse', name);
  }

  private placeholder(value: unknown, type: string, ctx: CompileContext): string {
    ctx.parameters.push(value);
    return `{p${ctx.parameters.length - 1}:${type}}`;
  }

  protected bindValue(value: Exclude<LiteralValue, null>, ctx: CompileContext): string {
    return this.placeholder(value, clickhouseParameterType(value), ctx);
  }

  protected bindRowCount(count: number, ctx: CompileContext): string {
    return this.placeholder(count, 'UInt64', ctx);
  }

  protected booleanConstant(value: boolean): string {
    return value ? 'true' : 'false';
  }

  protected divide(left: string, right: string): string {
    // nullIf: NULL on division by zero (as SQLite), instead of inf/nan.
    return `(${left} / nullIf(${right}, 0))`;
  }

  protected remainder(left: string, right: string): string {
    return `(${left} % nullIf(${right}, 0))`;
  }

  protected offsetWithoutLimit(offset: string): string {
    return `OFFSET ${offset} ROWS`;
  }

  protected globMatch(node: MatchNode, operand: string, ctx: CompileContext): string {
    if (node.pattern.kind !== 'literal' || typeof node.pattern.value !== 'string') {
      throw new DialectUnsupportedError(
        this.dialect,
        'glob() needs a literal string pattern (it is translated to a regex).',
      );
    }
    return `match(${operand}, ${this.placeholder(globToRegex(node.pattern.value), 'String', ctx)})`;
  }

  protected override guardNullOperand(operand: string, predicate: string): string {
    // ClickHouse's IN treats NULL as "not found" (0, not NULL), so NOT IN would keep NULL rows.
    return `if(${operand} IS NULL, NULL, ${predicate})`;
  }

  protected regexpMatch(operand: string, pattern: string, caseInsensitive: boolean): string {
    return caseInsensitive
      ? `match(${operand}, concat('(?i)', ${pattern}))`
      : `match(${operand}, ${pattern})`;
  }

  protected inBoundList(
    operand: string,
    values: readonly Exclude<LiteralValue, null>[],
    negated: boolean,
    ctx: CompileContext,
  ): string {
    const list = this.placeholder(values, listParameterType(values), ctx);
    return `if(${operand} IS NULL, NULL, ${negated ? 'NOT ' : ''}has(${list}, ${operand}))`;
  }

  protected override select(q: SelectQuery, ctx: CompileContext): string {
    // DISTINCT ON is rewritten by the base first; the rewritten select comes back through here.
    if (q.distinctOn !== undefined && q.distinctOn.length > 0)
      return super.select(q, { parameters: ctx.parameters });
    // `SELECT *` over an outer join keeps ClickHouse's defaults: there is no column list to wrap.
    const scoped: ClickhouseContext = {
      parameters: ctx.parameters,
      unmatched: q.selections === 'all' ? NO_SIDES : unmatchedSides(q.from),
    };
    const rewrite = rewriteAliasCapture(q);
    if (rewrite === undefined) return super.select(q, scoped);
    const outputs = rewrite.outputs.map(
      ([inner, output]) => `${this.quoteIdentifier(inner)} AS ${this.quoteIdentifier(output)}`,
    );
    return `SELECT ${outputs.join(', ')} FROM (${super.select(rewrite.inner, scoped)})`;
  }

  protected override columnReference(n: ColumnNode, ctx: ClickhouseContext): string {
    const sql = super.columnReference(n, ctx);
    if (n.table === undefined || !ctx.unmatched?.has(n.table)) return sql;
    const marker = `${this.quoteIdentifier(n.table)}.${this.quoteIdentifier(MATCHED_MARKER)}`;
    return `if(${marker} IS NULL, NULL, ${sql})`;
  }

  protected override joinCondition(on: ExprNode, ctx: ClickhouseContext): string {
    // The condition decides matching, so it reads the sides' own values (no unmatched wrapping).
    const plain: CompileContext = { parameters: ctx.parameters };
    return nullExcludingCondition(on, (node) => this.expr(node, plain));
  }

  protected override source(s: Source, ctx: ClickhouseContext): string {
    if (s.kind === 'join' || !ctx.unmatched?.has(sourceName(s))) return super.source(s, ctx);
    const inner =
      s.kind === 'table'
        ? this.quoteIdentifier(s.name)
        : `(${this.query(s.query, { parameters: ctx.parameters })})`;
    return `(SELECT *, 1 AS ${this.quoteIdentifier(MATCHED_MARKER)} FROM ${inner}) AS ${this.quoteIdentifier(sourceName(s))}`;
  }

  protected override insertSelect(
    table: string,
    columns: readonly string[],
    select: string,
    numbered?: string,
  ): string {
    if (numbered === undefined) return `INSERT INTO ${table} (${columns.join(', ')}) ${select}`;
    // No auto-increment: number the rows of the (ordered) select as they stream out of it; one thread keeps
    // the order of the blocks, so row n of the query gets id n.
    return (
      `INSERT INTO ${table} (${[numbered, ...columns].join(', ')}) ` +
      `SELECT toInt64(rowNumberInAllBlocks() + 1), * FROM (${select}) SETTINGS max_threads = 1`
    );
  }
}

/**
 * The `query_params` object for `@clickhouse/client`: `{ p0: parameters[0], p1: parameters[1], … }`. The client
 * formats Dates, bigints, booleans and arrays itself.
 */
export function clickhouseQueryParams(parameters: readonly unknown[]): Record<string, unknown> {
  return Object.fromEntries(parameters.map((value, i) => [`p${i}`, value]));
}
