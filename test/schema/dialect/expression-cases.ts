/**
 * Expected SQL per dialect for columns, literals and predicates (functions and aggregates: function-cases.ts), with the result
 * each SQLite statement must produce on the fixture (see sqlite-fixture.ts).
 */
import { and, C, count, type Expr, lit, matchNode, not, or } from '../../../schema/expr/index.ts';
import { T0 } from './sqlite-fixture.ts';

/** How the SQLite statement is run: as a filter (ids), per row (values), or over the table (one value). */
export type Mode = 'rows' | 'values' | 'aggregate';

export interface ExpressionCase {
  readonly title: string;
  readonly expr: Expr;
  readonly sqlite: readonly [string, readonly unknown[]];
  readonly clickhouse: readonly [string, readonly unknown[]];
  readonly mode: Mode;
  readonly expected: unknown;
}

const _r2 = Math.SQRT1_2;
const nameLike = (op: 'like' | 'ilike', p: string, negated: boolean): Expr =>
  ({ node: matchNode(op, C('name').node, lit(p).node, negated) }) as Expr;
const pathGlob = (p: string, negated: boolean): Expr =>
  ({ node: matchNode('glob', C('path').node, lit(p).node, negated) }) as Expr;

export const EXPRESSION_CASES: readonly ExpressionCase[] = [
  // column, star, literal
  {
    title: 'column path flattens',
    expr: C('det.confidence'),
    sqlite: ['"det__confidence"', []],
    clickhouse: ['`det__confidence`', []],
    mode: 'values',
    expected: [0.95, 0.5, null, 0.7],
  },
  {
    title: 'table-qualified column',
    expr: C('name', { table: 't' }),
    sqlite: ['"t"."name"', []],
    clickhouse: ['`t`.`name`', []],
    mode: 'values',
    expected: ['Alice', 'bob', 'Carol%', null],
  },
  {
    title: 'count(*)',
    expr: count(),
    sqlite: ['COUNT(*)', []],
    clickhouse: ['count(*)', []],
    mode: 'aggregate',
    expected: 4,
  },
  {
    title: 'string literal',
    expr: lit('x'),
    sqlite: ['?', ['x']],
    clickhouse: ['{p0:String}', ['x']],
    mode: 'values',
    expected: ['x', 'x', 'x', 'x'],
  },
  {
    title: 'int literal',
    expr: lit(42),
    sqlite: ['?', [42]],
    clickhouse: ['{p0:Int64}', [42]],
    mode: 'values',
    expected: [42, 42, 42, 42],
  },
  {
    title: 'float literal',
    expr: lit(1.5),
    sqlite: ['?', [1.5]],
    clickhouse: ['{p0:Float64}', [1.5]],
    mode: 'values',
    expected: [1.5, 1.5, 1.5, 1.5],
  },
  {
    title: 'boolean literal binds 0/1 on SQLite',
    expr: lit(true),
    sqlite: ['?', [1]],
    clickhouse: ['{p0:Bool}', [true]],
    mode: 'values',
    expected: [1, 1, 1, 1],
  },
  {
    title: 'bigint literal',
    expr: lit(5n),
    sqlite: ['?', [5n]],
    clickhouse: ['{p0:Int64}', [5n]],
    mode: 'values',
    expected: [5, 5, 5, 5],
  },
  {
    title: 'Date literal binds epoch ms on SQLite',
    expr: lit(new Date(T0)),
    sqlite: ['?', [T0]],
    clickhouse: ['{p0:DateTime64(3)}', [new Date(T0)]],
    mode: 'values',
    expected: [T0, T0, T0, T0],
  },
  {
    title: 'null literal',
    expr: lit(null),
    sqlite: ['NULL', []],
    clickhouse: ['NULL', []],
    mode: 'values',
    expected: [null, null, null, null],
  },
  {
    title: 'vector literal binds JSON on SQLite',
    expr: lit([1, 0]),
    sqlite: ['?', ['[1,0]']],
    clickhouse: ['{p0:Array(Float64)}', [[1, 0]]],
    mode: 'values',
    expected: ['[1,0]', '[1,0]', '[1,0]', '[1,0]'],
  },
  {
    title: 'string array literal',
    expr: lit(['a', 'b']),
    sqlite: ['?', ['["a","b"]']],
    clickhouse: ['{p0:Array(String)}', [['a', 'b']]],
    mode: 'values',
    expected: Array(4).fill('["a","b"]'),
  },
  // comparison
  {
    title: 'gt',
    expr: C('det.confidence').gt(0.9),
    sqlite: ['("det__confidence" > ?)', [0.9]],
    clickhouse: ['(`det__confidence` > {p0:Float64})', [0.9]],
    mode: 'rows',
    expected: [1],
  },
  {
    title: 'eq',
    expr: C('n').eq(3),
    sqlite: ['("n" = ?)', [3]],
    clickhouse: ['(`n` = {p0:Int64})', [3]],
    mode: 'rows',
    expected: [3],
  },
  {
    title: 'ne excludes NULL',
    expr: C('n').ne(3),
    sqlite: ['("n" <> ?)', [3]],
    clickhouse: ['(`n` <> {p0:Int64})', [3]],
    mode: 'rows',
    expected: [1, 4],
  },
  {
    title: 'gte',
    expr: C('det.confidence').gte(0.7),
    sqlite: ['("det__confidence" >= ?)', [0.7]],
    clickhouse: ['(`det__confidence` >= {p0:Float64})', [0.7]],
    mode: 'rows',
    expected: [1, 4],
  },
  {
    title: 'lt',
    expr: C('n').lt(3),
    sqlite: ['("n" < ?)', [3]],
    clickhouse: ['(`n` < {p0:Int64})', [3]],
    mode: 'rows',
    expected: [4],
  },
  {
    title: 'lte on strings compares bytes',
    expr: C('name').lte('bob'),
    sqlite: ['("name" <= ?)', ['bob']],
    clickhouse: ['(`name` <= {p0:String})', ['bob']],
    mode: 'rows',
    expected: [1, 2, 3],
  },
  {
    title: 'datetime vs Date',
    expr: C('created').gt(new Date(T0 + 50_000)),
    sqlite: ['("created" > ?)', [T0 + 50_000]],
    clickhouse: ['(`created` > {p0:DateTime64(3)})', [new Date(T0 + 50_000)]],
    mode: 'rows',
    expected: [2, 3],
  },
  {
    title: 'column vs column',
    expr: C('n').gt(C('det.confidence')),
    sqlite: ['("n" > "det__confidence")', []],
    clickhouse: ['(`n` > `det__confidence`)', []],
    mode: 'rows',
    expected: [1],
  },
  // logical, not
  {
    title: 'and',
    expr: and(C('det.label').eq('cat'), C('n').gt(5)),
    sqlite: ['(("det__label" = ?) AND ("n" > ?))', ['cat', 5]],
    clickhouse: ['((`det__label` = {p0:String}) AND (`n` > {p1:Int64}))', ['cat', 5]],
    mode: 'rows',
    expected: [1],
  },
  {
    title: 'or',
    expr: or(C('n').lt(0), C('name').eq('bob')),
    sqlite: ['(("n" < ?) OR ("name" = ?))', [0, 'bob']],
    clickhouse: ['((`n` < {p0:Int64}) OR (`name` = {p1:String}))', [0, 'bob']],
    mode: 'rows',
    expected: [2, 4],
  },
  {
    title: 'and() is true',
    expr: and(),
    sqlite: ['1', []],
    clickhouse: ['true', []],
    mode: 'rows',
    expected: [1, 2, 3, 4],
  },
  {
    title: 'or() is false',
    expr: or(),
    sqlite: ['0', []],
    clickhouse: ['false', []],
    mode: 'rows',
    expected: [],
  },
  {
    title: 'and(x) is x',
    expr: and(C('n').eq(3)),
    sqlite: ['("n" = ?)', [3]],
    clickhouse: ['(`n` = {p0:Int64})', [3]],
    mode: 'rows',
    expected: [3],
  },
  {
    title: 'not keeps three-valued logic',
    expr: not(C('det.confidence').gt(0.9)),
    sqlite: ['(NOT ("det__confidence" > ?))', [0.9]],
    clickhouse: ['(NOT (`det__confidence` > {p0:Float64}))', [0.9]],
    mode: 'rows',
    expected: [2, 4],
  },
  // in
  {
    title: 'in',
    expr: C('n').in([3, 10]),
    sqlite: ['("n" IN (?, ?))', [3, 10]],
    clickhouse: ['if(`n` IS NULL, NULL, (`n` IN ({p0:Int64}, {p1:Int64})))', [3, 10]],
    mode: 'rows',
    expected: [1, 3],
  },
  {
    title: 'notIn excludes NULL',
    expr: C('n').notIn([3]),
    sqlite: ['("n" NOT IN (?))', [3]],
    clickhouse: ['if(`n` IS NULL, NULL, (`n` NOT IN ({p0:Int64})))', [3]],
    mode: 'rows',
    expected: [1, 4],
  },
  {
    title: 'in with a long list binds the list as one value',
    expr: C('n').in([3, 10, ...Array.from({ length: 20 }, (_, i) => 100 + i)]),
    sqlite: [
      '("n" IN (SELECT value FROM json_each(?)))',
      [`[3,10,${Array.from({ length: 20 }, (_, i) => 100 + i).join(',')}]`],
    ],
    clickhouse: [
      'if(`n` IS NULL, NULL, has({p0:Array(Int64)}, `n`))',
      [[3, 10, ...Array.from({ length: 20 }, (_, i) => 100 + i)]],
    ],
    mode: 'rows',
    expected: [1, 3],
  },
  {
    title: 'notIn with a long list binds the list as one value and excludes NULL',
    expr: C('name').notIn(['Alice', ...Array.from({ length: 20 }, (_, i) => `x${i}`)]),
    sqlite: [
      '("name" NOT IN (SELECT value FROM json_each(?)))',
      [JSON.stringify(['Alice', ...Array.from({ length: 20 }, (_, i) => `x${i}`)])],
    ],
    clickhouse: [
      'if(`name` IS NULL, NULL, NOT has({p0:Array(String)}, `name`))',
      [['Alice', ...Array.from({ length: 20 }, (_, i) => `x${i}`)]],
    ],
    mode: 'rows',
    expected: [2, 3],
  },
  {
    title: 'and with many operands compiles as a balanced tree',
    expr: and(...Array.from({ length: 65 }, () => C('n').gt(0))),
    sqlite: [
      `(${['(', ')'].join(Array.from({ length: 33 }, () => '("n" > ?)').join(' AND '))} AND ${['(', ')'].join(Array.from({ length: 32 }, () => '("n" > ?)').join(' AND '))})`,
      Array.from({ length: 65 }, () => 0),
    ],
    clickhouse: [
      `(${['(', ')'].join(Array.from({ length: 33 }, (_, i) => `(\`n\` > {p${i}:Int64})`).join(' AND '))} AND ${['(', ')'].join(Array.from({ length: 32 }, (_, i) => `(\`n\` > {p${i + 33}:Int64})`).join(' AND '))})`,
      Array.from({ length: 65 }, () => 0),
    ],
    mode: 'rows',
    expected: [1, 3],
  },
  {
    title: 'in [] is false',
    expr: C('n').in([]),
    sqlite: ['0', []],
    clickhouse: ['false', []],
    mode: 'rows',
    expected: [],
  },
  {
    title: 'notIn [] is true',
    expr: C('n').notIn([]),
    sqlite: ['1', []],
    clickhouse: ['true', []],
    mode: 'rows',
    expected: [1, 2, 3, 4],
  },
  {
    title: 'not(in) keeps NULL rows out',
    expr: not(C('n').in([3])),
    sqlite: ['(NOT ("n" IN (?)))', [3]],
    clickhouse: ['(NOT if(`n` IS NULL, NULL, (`n` IN ({p0:Int64}))))', [3]],
    mode: 'rows',
    expected: [1, 4],
  },
  // isNull
  {
    title: 'isNull',
    expr: C('det.confidence').isNull(),
    sqlite: ['("det__confidence" IS NULL)', []],
    clickhouse: ['(`det__confidence` IS NULL)', []],
    mode: 'rows',
    expected: [3],
  },
  {
    title: 'isNotNull',
    expr: C('name').isNotNull(),
    sqlite: ['("name" IS NOT NULL)', []],
    clickhouse: ['(`name` IS NOT NULL)', []],
    mode: 'rows',
    expected: [1, 2, 3],
  },
  // match
  {
    title: 'like',
    expr: C('name').like('A%'),
    sqlite: [`("name" LIKE ? ESCAPE '\\')`, ['A%']],
    clickhouse: ['(`name` LIKE {p0:String})', ['A%']],
    mode: 'rows',
    expected: [1],
  },
  {
    title: 'like is case-sensitive',
    expr: C('name').like('a%'),
    sqlite: [`("name" LIKE ? ESCAPE '\\')`, ['a%']],
    clickhouse: ['(`name` LIKE {p0:String})', ['a%']],
    mode: 'rows',
    expected: [],
  },
  {
    title: 'like escapes % with backslash',
    expr: C('name').like('%\\%'),
    sqlite: [`("name" LIKE ? ESCAPE '\\')`, ['%\\%']],
    clickhouse: ['(`name` LIKE {p0:String})', ['%\\%']],
    mode: 'rows',
    expected: [3],
  },
  {
    title: 'ilike',
    expr: C('name').ilike('B%'),
    sqlite: [`(lower("name") LIKE lower(?) ESCAPE '\\')`, ['B%']],
    clickhouse: ['(`name` ILIKE {p0:String})', ['B%']],
    mode: 'rows',
    expected: [2],
  },
  {
    title: 'negated like',
    expr: nameLike('like', 'A%', true),
    sqlite: [`("name" NOT LIKE ? ESCAPE '\\')`, ['A%']],
    clickhouse: ['(`name` NOT LIKE {p0:String})', ['A%']],
    mode: 'rows',
    expected: [2, 3],
  },
  {
    title: 'negated ilike',
    expr: nameLike('ilike', 'b%', true),
    sqlite: [`(lower("name") NOT LIKE lower(?) ESCAPE '\\')`, ['b%']],
    clickhouse: ['(`name` NOT ILIKE {p0:String})', ['b%']],
    mode: 'rows',
    expected: [1, 3],
  },
  {
    title: 'glob',
    expr: C('path').glob('img/*.jpg'),
    sqlite: ['("path" GLOB ?)', ['img/*.jpg']],
    clickhouse: ['match(`path`, {p0:String})', ['^img/.*\\.jpg$']],
    mode: 'rows',
    expected: [1],
  },
  {
    title: 'glob with a class',
    expr: C('path').glob('[a-z]*'),
    sqlite: ['("path" GLOB ?)', ['[a-z]*']],
    clickhouse: ['match(`path`, {p0:String})', ['^[a-z].*$']],
    mode: 'rows',
    expected: [1, 2, 3],
  },
  {
    title: 'negated glob',
    expr: pathGlob('img/*', true),
    sqlite: ['("path" NOT GLOB ?)', ['img/*']],
    clickhouse: ['(NOT match(`path`, {p0:String}))', ['^img/.*$']],
    mode: 'rows',
    expected: [3, 4],
  },
  {
    title: 'regexp',
    expr: C('name').regexp('^[A-C]'),
    sqlite: ['chainql_regexp("name", ?)', ['^[A-C]']],
    clickhouse: ['match(`name`, {p0:String})', ['^[A-C]']],
    mode: 'rows',
    expected: [1, 3],
  },
  {
    title: 'iregexp is case-insensitive',
    expr: { node: matchNode('iregexp', C('name').node, lit('^[a-c]').node) } as Expr,
    sqlite: ['chainql_iregexp("name", ?)', ['^[a-c]']],
    clickhouse: ["match(`name`, concat('(?i)', {p0:String}))", ['^[a-c]']],
    mode: 'rows',
    expected: [1, 2, 3],
  },
  {
    title: 'negated regexp',
    expr: { node: matchNode('regexp', C('name').node, lit('^[A-C]').node, true) } as Expr,
    sqlite: ['(NOT chainql_regexp("name", ?))', ['^[A-C]']],
    clickhouse: ['(NOT match(`name`, {p0:String}))', ['^[A-C]']],
    mode: 'rows',
    expected: [2],
  },
];
