import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCompiler } from '../../../schema/dialect/index.ts';
import {
  AGGREGATE_FUNCTIONS,
  childNodes,
  type ExprNode,
  FUNCTION_ARITY,
  NODE_KINDS_LIST,
} from '../../../schema/expr/index.ts';
import { type Mode, EXPRESSION_CASES as PREDICATE_CASES } from './expression-cases.ts';
import { FUNCTION_CASES } from './function-cases.ts';

const EXPRESSION_CASES = [...PREDICATE_CASES, ...FUNCTION_CASES];

import { openFixture } from './sqlite-fixture.ts';

const sqlite = getCompiler('sqlite');
const clickhouse = getCompiler('clickhouse');

function walk(node: ExprNode, out: ExprNode[] = []): ExprNode[] {
  out.push(node);
  for (const child of childNodes(node)) walk(child, out);
  return out;
}

function round9(value: unknown): unknown {
  return typeof value === 'number' ? Math.round(value * 1e9) / 1e9 : value;
}

function run(db: Database.Database, mode: Mode, sql: string, parameters: readonly unknown[]): unknown {
  if (mode === 'rows')
    return db
      .prepare(`SELECT id FROM t WHERE ${sql} ORDER BY id`)
      .pluck()
      .all(...parameters);
  if (mode === 'values')
    return db
      .prepare(`SELECT ${sql} AS v FROM t ORDER BY id`)
      .pluck()
      .all(...parameters)
      .map(round9);
  return round9(
    db
      .prepare(`SELECT ${sql} AS v FROM t`)
      .pluck()
      .get(...parameters),
  );
}

describe('expression compilation', () => {
  let db: Database.Database;
  beforeAll(() => {
    db = openFixture();
  });
  afterAll(() => db.close());

  it.each(EXPRESSION_CASES)('$title → SQLite SQL, executed', (c) => {
    const compiled = sqlite.compileExpression(c.expr.node);
    expect([compiled.sql, compiled.parameters]).toEqual([c.sqlite[0], c.sqlite[1]]);
    const expected =
      Array.isArray(c.expected) && c.mode === 'values' ? c.expected.map(round9) : round9(c.expected);
    expect(run(db, c.mode, compiled.sql, compiled.parameters)).toEqual(expected);
  });

  it.each(EXPRESSION_CASES)('$title → ClickHouse SQL', (c) => {
    const compiled = clickhouse.compileExpression(c.expr.node);
    expect([compiled.sql, compiled.parameters]).toEqual([c.clickhouse[0], c.clickhouse[1]]);
  });

  it('covers every node kind, function and aggregate', () => {
    const nodes = EXPRESSION_CASES.flatMap((c) => walk(c.expr.node));
    expect(new Set(nodes.map((n) => n.kind))).toEqual(new Set(NODE_KINDS_LIST));
    const functions = new Set(nodes.flatMap((n) => (n.kind === 'function' ? [n.name] : [])));
    expect(functions).toEqual(new Set(Object.keys(FUNCTION_ARITY)));
    const aggregates = new Set(nodes.flatMap((n) => (n.kind === 'aggregate' ? [n.fn] : [])));
    expect(aggregates).toEqual(new Set(AGGREGATE_FUNCTIONS));
  });
});
