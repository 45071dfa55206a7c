/**
 * SQL shared by every dialect. Dialects subclass `BaseCompiler` and supply small hooks: identifier quoting,
 * parameter placeholders, function and aggregate SQL, division, pattern matching. The expression visitor is a
 * `NodeVisitor`, so a new node kind does not compile until it is handled here.
 *
 * Every compound expression is parenthesised, so precedence never depends on the dialect. Sub-expressions are
 * compiled strictly left to right in the order they appear in the SQL text, which keeps positional parameters in
 * order; hooks that repeat an argument's SQL text must only do so with named placeholders (ClickHouse).
 */
import type { AggregateFunction } from '../expr/aggregate-node.ts';
import type { ColumnNode } from '../expr/column-node.ts';
import { type ExprNode, type NodeVisitor, visitNode } from '../expr/expr-node.ts';
import type { FunctionName } from '../expr/function-nodes.ts';
import type { LiteralNode, LiteralValue } from '../expr/literal-node.ts';
import type { ComparisonOp, MatchNode } from '../expr/predicate-nodes.ts';
import { rewriteDistinctOn } from '../query/distinct-on.ts';
import {
  effectiveNulls,
  type OrderByItem,
  type Query,
  type SelectQuery,
  type Source,
} from '../query/query-node.ts';
import { pathToColumnName } from '../record/column.ts';
import type { CompiledQuery, DialectName } from './compiled-query.ts';
import type { DialectCapabilities, DialectCompiler } from './dialect-compiler.ts';
import { DialectUnsupportedError, InvalidQueryError } from './dialect-errors.ts';

/** Per-call compilation state: the parameters bound so far (placeholder N refers to `parameters[N]`). */
export interface CompileContext {
  readonly parameters: unknown[];
}

/** Turns compiled argument SQL into a function call; one entry per function name. */
export type FunctionSqlMap = Readonly<Record<FunctionName, (args: readonly string[]) => string>>;

/** Turns a compiled aggregate argument (and separator) into SQL; one entry per aggregate. */
export type AggregateSqlMap = Readonly<
  Record<AggregateFunction, (arg: string, separator: string | undefined) => string>
>;

const COMPARISON_SQL: Readonly<Record<ComparisonOp, string>> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};
const ARITHMETIC_SQL = { add: '+', sub: '-', mul: '*', div: '/', mod: '%' } as const;

/** `IN` lists of at least this many literal values are bound as one list parameter (see `inBoundList`). */
export const LIST_AS_ONE_VALUE_MIN = 16;
/** `and`/`or` with more operands than this compile as a balanced tree. */
const BALANCE_ABOVE = 64;

function isBindableLiteral(node: ExprNode): boolean {
  return node.kind === 'literal' && node.value !== null && !Array.isArray(node.value);
}

/** The shared compiler; see the file comment for the hook contract. */
export abstract class BaseCompiler implements DialectCompiler {
  abstract readonly dialect: DialectName;
  abstract readonly capabilities: DialectCapabilities;
  /** SQL per scalar function. */
  protected abstract readonly functions: FunctionSqlMap;
  /** SQL per aggregate. */
  protected abstract readonly aggregates: AggregateSqlMap;

  /** Quotes an identifier (table, column or alias name). */
  protected abstract quoteIdentifier(name: string): string;
  /** Binds a non-null literal and returns its placeholder. */
  protected abstract bindValue(value: Exclude<LiteralValue, null>, ctx: CompileContext): string;
  /** Binds a LIMIT/OFFSET row count and returns its placeholder. */
  protected abstract bindRowCount(count: number, ctx: CompileContext): string;
  /** SQL for a constant boolean (`in` with an empty list, `and()`/`or()` without operands). */
  protected abstract booleanConstant(value: boolean): string;
  /** Floating-point division, NULL when dividing by zero. */
  protected abstract divide(left: string, right: string): string;
  /** Remainder, NULL when dividing by zero. */
  protected abstract remainder(left: string, right: string): string;
  /** `OFFSET` clause when no `LIMIT` is given. */
  protected abstract offsetWithoutLimit(offset: string): string;
  /** Glob match when `capabilities.nativeGlob` is false. */
  protected abstract globMatch(node: MatchNode, operand: string, ctx: CompileContext): string;
  /**
   * Wraps an `IN` predicate so a NULL operand yields NULL (SQL three-valued logic). Default: unchanged, for
   * dialects whose `IN` already does this.
   */
  protected guardNullOperand(_operand: string, predicate: string): string {
    return predicate;
  }
  /** Regular-expression search (`caseInsensitive` for `iregexp`). */
  protected abstract regexpMatch(operand: string, pattern: string, caseInsensitive: boolean): string;
  /**
   * `operand [NOT] IN <one bound list>`: binds `values` (non-null literals) as one parameter. Used for lists
   * longer than {@link LIST_AS_ONE_VALUE_MIN}, so a 100,000-value `_in` is one parameter and one cached
   * statement, not 100,000 placeholders (SQLite allows 32,766). NULL operands give NULL.
   */
  protected abstract inBoundList(
    operand: string,
    values: readonly Exclude<LiteralValue, null>[],
    negated: boolean,
    ctx: CompileContext,
  ): string;

  private readonly visitor: NodeVisitor<string, CompileContext> = {
    column: (n, ctx) => this.columnReference(n, ctx),
    star: () => '*',
    literal: (n, ctx) => (n.value === null ? 'NULL' : this.bindValue(n.value, ctx)),
    comparison: (n, ctx) => `(${this.expr(n.left, ctx)} ${COMPARISON_SQL[n.op]} ${this.expr(n.right, ctx)})`,
    logical: (n, ctx) => {
      if (n.operands.length === 0) return this.booleanConstant(n.op === 'and');
      return this.logical(n.op, n.operands, ctx);
    },
    not: (n, ctx) => `(NOT ${this.expr(n.operand, ctx)})`,
    in: (n, ctx) => {
      if (n.values.length === 0) return this.booleanConstant(n.negated);
      const operand = this.expr(n.operand, ctx);
      if (n.values.length >= LIST_AS_ONE_VALUE_MIN && n.values.every(isBindableLiteral)) {
        const values = n.values.map((v) => (v as LiteralNode).value as Exclude<LiteralValue, null>);
        return this.inBoundList(operand, values, n.negated, ctx);
      }
      const values = n.values.map((v) => this.expr(v, ctx)).join(', ');
      return this.guardNullOperand(operand, `(${operand} ${n.negated ? 'NOT IN' : 'IN'} (${values}))`);
    },
    isNull: (n, ctx) => `(${this.expr(n.operand, ctx)} ${n.negated ? 'IS NOT NULL' : 'IS NULL'})`,
    match: (n, ctx) => this.match(n, ctx),
    arithmetic: (n, ctx) => {
      const left = this.expr(n.left, ctx);
      const right = this.expr(n.right, ctx);
      if (n.op === 'div') return this.divide(left, right);
      if (n.op === 'mod') return this.remainder(left, right);
      return `(${left} ${ARITHMETIC_SQL[n.op]} ${right})`;
    },
    negate: (n, ctx) => `(-${this.expr(n.operand, ctx)})`,
    function: (n, ctx) => this.functions[n.name](n.args.map((a) => this.expr(a, ctx))),
    case: (n, ctx) => {
      const arms = n.whens.map((w) => `WHEN ${this.expr(w.condition, ctx)} THEN ${this.expr(w.value, ctx)}`);
      const otherwise = n.else ? ` ELSE ${this.expr(n.else, ctx)}` : '';
      return `(CASE ${arms.join(' ')}${otherwise} END)`;
    },
    rowNumber: (n, ctx) => {
      const partition =
        n.partitionBy.length === 0
          ? ''
          : `PARTITION BY ${n.partitionBy.map((p) => this.expr(p, ctx)).join(', ')}`;
      const order = n.orderBy.length === 0 ? '' : `ORDER BY ${this.orderKeys(n.orderBy, ctx)}`;
      return `row_number() OVER (${[partition, order].filter((s) => s !== '').join(' ')})`;
    },
    aggregate: (n, ctx) => {
      const arg = this.expr(n.arg, ctx);
      const separator = n.separator ? this.expr(n.separator, ctx) : undefined;
      return this.aggregates[n.fn](arg, separator);
    },
  };

  /**
   * `a AND b AND …` with parentheses balancing long lists into a tree of depth log₂(n): engines parse a flat
   * chain as a left-deep tree, and SQLite refuses expressions deeper than 1,000.
   */
  private logical(op: 'and' | 'or', operands: readonly ExprNode[], ctx: CompileContext): string {
    const [only] = operands;
    if (operands.length === 1 && only) return this.expr(only, ctx);
    if (operands.length > BALANCE_ABOVE) {
      const mid = Math.ceil(operands.length / 2);
      const left = this.logical(op, operands.slice(0, mid), ctx);
      const right = this.logical(op, operands.slice(mid), ctx);
      return `(${left} ${op === 'and' ? 'AND' : 'OR'} ${right})`;
    }
    return `(${operands.map((o) => this.expr(o, ctx)).join(op === 'and' ? ' AND ' : ' OR ')})`;
  }

  /** A column reference (`"t"."det__label"`). Dialects may wrap it (e.g. NULL for an unmatched join side). */
  protected columnReference(n: ColumnNode, _ctx: CompileContext): string {
    return (
      (n.table ? `${this.quoteIdentifier(n.table)}.` : '') + this.quoteIdentifier(pathToColumnName(n.path))
    );
  }

  /** The `ON` condition of a join. Default: the expression as is. */
  protected joinCondition(on: ExprNode, ctx: CompileContext): string {
    return this.expr(on, ctx);
  }

  /** Compiles one expression within a larger statement. */
  protected expr(node: ExprNode, ctx: CompileContext): string {
    return visitNode(this.visitor, node, ctx);
  }

  private match(n: MatchNode, ctx: CompileContext): string {
    const operand = this.expr(n.operand, ctx);
    const not = n.negated ? 'NOT ' : '';
    const escapeClause = this.capabilities.likeNeedsEscapeClause ? " ESCAPE '\\'" : '';
    switch (n.op) {
      case 'like':
        return `(${operand} ${not}LIKE ${this.expr(n.pattern, ctx)}${escapeClause})`;
      case 'ilike':
        if (this.capabilities.nativeIlike) return `(${operand} ${not}ILIKE ${this.expr(n.pattern, ctx)})`;
        return `(lower(${operand}) ${not}LIKE lower(${this.expr(n.pattern, ctx)})${escapeClause})`;
      case 'glob': {
        if (this.capabilities.nativeGlob) return `(${operand} ${not}GLOB ${this.expr(n.pattern, ctx)})`;
        const sql = this.globMatch(n, operand, ctx);
        return n.negated ? `(NOT ${sql})` : sql;
      }
      case 'regexp':
      case 'iregexp': {
        const sql = this.regexpMatch(operand, this.expr(n.pattern, ctx), n.op === 'iregexp');
        return n.negated ? `(NOT ${sql})` : sql;
      }
    }
  }

  /** See DialectCompiler.compileExpression. */
  compileExpression(node: ExprNode): CompiledQuery {
    const ctx: CompileContext = { parameters: [] };
    const sql = this.expr(node, ctx);
    return Object.freeze({ sql, parameters: Object.freeze(ctx.parameters) });
  }

  /** See DialectCompiler.compileQuery. */
  compileQuery(query: Query): CompiledQuery {
    const ctx: CompileContext = { parameters: [] };
    const sql = this.query(query, ctx);
    return Object.freeze({ sql, parameters: Object.freeze(ctx.parameters) });
  }

  /** See DialectCompiler.compileInsertSelect. */
  compileInsertSelect(
    table: string,
    columns: readonly string[],
    query: Query,
    numbered?: string,
  ): CompiledQuery {
    const ctx: CompileContext = { parameters: [] };
    const select = this.query(query, ctx);
    const sql = this.insertSelect(
      this.quoteIdentifier(table),
      columns.map((c) => this.quoteIdentifier(c)),
      select,
      numbered === undefined ? undefined : this.quoteIdentifier(numbered),
    );
    return Object.freeze({ sql, parameters: Object.freeze(ctx.parameters) });
  }

  /**
   * `INSERT … SELECT` text. The default leaves `numbered` out: an `INTEGER PRIMARY KEY` numbers new rows in
   * insertion order (SQLite); dialects without that number the rows themselves.
   */
  protected insertSelect(
    table: string,
    columns: readonly string[],
    select: string,
    _numbered?: string,
  ): string {
    return `INSERT INTO ${table} (${columns.join(', ')}) ${select}`;
  }

  /** Compiles a query (select or set operation). */
  protected query(q: Query, ctx: CompileContext): string {
    if (q.kind === 'select') return this.select(q, ctx);
    const left = this.query(q.left, ctx);
    const right = this.query(q.right, ctx);
    const op = q.op === 'unionAll' ? 'UNION ALL' : this.capabilities.exceptKeyword;
    // Each side is wrapped so ORDER BY/LIMIT inside a side stay legal in every dialect.
    return `SELECT * FROM (${left}) ${op} SELECT * FROM (${right})`;
  }

  /** `expr ASC|DESC NULLS FIRST|LAST, …` (nulls always stated). */
  protected orderKeys(items: readonly OrderByItem[], ctx: CompileContext): string {
    return items
      .map(
        (o) =>
          `${this.expr(o.expr, ctx)} ${o.direction === 'asc' ? 'ASC' : 'DESC'} NULLS ${effectiveNulls(o) === 'first' ? 'FIRST' : 'LAST'}`,
      )
      .join(', ');
  }

  /** Compiles a SELECT, clause by clause in SQL text order (parameter order). */
  protected select(q: SelectQuery, ctx: CompileContext): string {
    if (q.distinctOn !== undefined && q.distinctOn.length > 0) return this.select(rewriteDistinctOn(q), ctx);
    const parts: string[] = [q.distinct ? 'SELECT DISTINCT' : 'SELECT'];
    parts.push(
      q.selections === 'all'
        ? '*'
        : q.selections.map((s) => `${this.expr(s.expr, ctx)} AS ${this.quoteIdentifier(s.alias)}`).join(', '),
    );
    parts.push('FROM', this.source(q.from, ctx));
    if (q.where) parts.push('WHERE', this.expr(q.where, ctx));
    if (q.groupBy && q.groupBy.length > 0)
      parts.push('GROUP BY', q.groupBy.map((g) => this.expr(g, ctx)).join(', '));
    if (q.having) parts.push('HAVING', this.expr(q.having, ctx));
    if (q.orderBy && q.orderBy.length > 0) parts.push('ORDER BY', this.orderKeys(q.orderBy, ctx));
    if (q.limit !== undefined) {
      parts.push('LIMIT', this.bindRowCount(checkRowCount(this.dialect, 'limit', q.limit), ctx));
      if (q.offset !== undefined)
        parts.push('OFFSET', this.bindRowCount(checkRowCount(this.dialect, 'offset', q.offset), ctx));
    } else if (q.offset !== undefined) {
      parts.push(
        this.offsetWithoutLimit(this.bindRowCount(checkRowCount(this.dialect, 'offset', q.offset), ctx)),
      );
    }
    if (this.capabilities.joinNullsSetting && hasOuterJoin(q.from))
      parts.push(this.capabilities.joinNullsSetting);
    return parts.join(' ');
  }

  /** Compiles a FROM source. Joins must be left-deep (the right side a table or subquery). */
  protected source(s: Source, ctx: CompileContext): string {
    switch (s.kind) {
      case 'table':
        return this.quoteIdentifier(s.name) + (s.alias ? ` AS ${this.quoteIdentifier(s.alias)}` : '');
      case 'subquery':
        return `(${this.query(s.query, ctx)}) AS ${this.quoteIdentifier(s.alias)}`;
      case 'join': {
        if (s.right.kind === 'join') {
          throw new DialectUnsupportedError(
            this.dialect,
            'the right side of a join must be a table or a subquery, not another join.',
          );
        }
        const left = this.source(s.left, ctx);
        const right = this.source(s.right, ctx);
        const type =
          s.joinType === 'inner' ? 'INNER JOIN' : s.joinType === 'left' ? 'LEFT JOIN' : 'FULL OUTER JOIN';
        return `${left} ${type} ${right} ON ${this.joinCondition(s.on, ctx)}`;
      }
    }
  }
}

function checkRowCount(dialect: DialectName, what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidQueryError(`${dialect}: ${what} must be a non-negative integer, got ${n}.`);
  return n;
}

function hasOuterJoin(s: Source): boolean {
  return s.kind === 'join' && (s.joinType !== 'inner' || hasOuterJoin(s.left));
}
