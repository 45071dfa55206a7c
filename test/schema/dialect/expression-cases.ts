/**
 * Table of expected SQL per dialect for every expression node kind, function and aggregate, with the result
 * each SQLite statement must produce on the fixture (see sqlite-fixture.ts).
 */
import { agg, and, C, caseWhen, count, type Expr, func, lit, matchNode, not, or, sum } from '../../../schema/expr/index.ts';
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

const r2 = Math.SQRT1_2;
const nameLike = (op: 'like' | 'ilike', p: string, negated: boolean): Expr =>
  ({ node: matchNode(op, C('name').node, lit(p).node, negated) }) as Expr;
const pathGlob = (p: string, negated: boolean): Expr =>
  ({ node: matchNode('glob', C('path').node, lit(p).node, negated) }) as Expr;

export const EXPRESSION_CASES: readonly ExpressionCase[] = [
  // column, star, literal
  { title: 'column path flattens', expr: C('det.confidence'), sqlite: ['"det__confidence"', []], clickhouse: ['`det__confidence`', []], mode: 'values', expected: [0.95, 0.5, null, 0.7] },
  { title: 'table-qualified column', expr: C('name', { table: 't' }), sqlite: ['"t"."name"', []], clickhouse: ['`t`.`name`', []], mode: 'values', expected: ['Alice', 'bob', 'Carol%', null] },
  { title: 'count(*)', expr: count(), sqlite: ['COUNT(*)', []], clickhouse: ['count(*)', []], mode: 'aggregate', expected: 4 },
  { title: 'string literal', expr: lit('x'), sqlite: ['?', ['x']], clickhouse: ['{p0:String}', ['x']], mode: 'values', expected: ['x', 'x', 'x', 'x'] },
  { title: 'int literal', expr: lit(42), sqlite: ['?', [42]], clickhouse: ['{p0:Int64}', [42]], mode: 'values', expected: [42, 42, 42, 42] },
  { title: 'float literal', expr: lit(1.5), sqlite: ['?', [1.5]], clickhouse: ['{p0:Float64}', [1.5]], mode: 'values', expected: [1.5, 1.5, 1.5, 1.5] },
  { title: 'boolean literal binds 0/1 on SQLite', expr: lit(true), sqlite: ['?', [1]], clickhouse: ['{p0:Bool}', [true]], mode: 'values', expected: [1, 1, 1, 1] },
  { title: 'bigint literal', expr: lit(5n), sqlite: ['?', [5n]], clickhouse: ['{p0:Int64}', [5n]], mode: 'values', expected: [5, 5, 5, 5] },
  { title: 'Date literal binds epoch ms on SQLite', expr: lit(new Date(T0)), sqlite: ['?', [T0]], clickhouse: ['{p0:DateTime64(3)}', [new Date(T0)]], mode: 'values', expected: [T0, T0, T0, T0] },
  { title: 'null literal', expr: lit(null), sqlite: ['NULL', []], clickhouse: ['NULL', []], mode: 'values', expected: [null, null, null, null] },
  { title: 'vector literal binds JSON on SQLite', expr: lit([1, 0]), sqlite: ['?', ['[1,0]']], clickhouse: ['{p0:Array(Float64)}', [[1, 0]]], mode: 'values', expected: ['[1,0]', '[1,0]', '[1,0]', '[1,0]'] },
  { title: 'string array literal', expr: lit(['a', 'b']), sqlite: ['?', ['["a","b"]']], clickhouse: ['{p0:Array(String)}', [['a', 'b']]], mode: 'values', expected: Array(4).fill('["a","b"]') },
  // comparison
  { title: 'gt', expr: C('det.confidence').gt(0.9), sqlite: ['("det__confidence" > ?)', [0.9]], clickhouse: ['(`det__confidence` > {p0:Float64})', [0.9]], mode: 'rows', expected: [1] },
  { title: 'eq', expr: C('n').eq(3), sqlite: ['("n" = ?)', [3]], clickhouse: ['(`n` = {p0:Int64})', [3]], mode: 'rows', expected: [3] },
  { title: 'ne excludes NULL', expr: C('n').ne(3), sqlite: ['("n" <> ?)', [3]], clickhouse: ['(`n` <> {p0:Int64})', [3]], mode: 'rows', expected: [1, 4] },
  { title: 'gte', expr: C('det.confidence').gte(0.7), sqlite: ['("det__confidence" >= ?)', [0.7]], clickhouse: ['(`det__confidence` >= {p0:Float64})', [0.7]], mode: 'rows', expected: [1, 4] },
  { title: 'lt', expr: C('n').lt(3), sqlite: ['("n" < ?)', [3]], clickhouse: ['(`n` < {p0:Int64})', [3]], mode: 'rows', expected: [4] },
  { title: 'lte on strings compares bytes', expr: C('name').lte('bob'), sqlite: ['("name" <= ?)', ['bob']], clickhouse: ['(`name` <= {p0:String})', ['bob']], mode: 'rows', expected: [1, 2, 3] },
  { title: 'datetime vs Date', expr: C('created').gt(new Date(T0 + 50_000)), sqlite: ['("created" > ?)', [T0 + 50_000]], clickhouse: ['(`created` > {p0:DateTime64(3)})', [new Date(T0 + 50_000)]], mode: 'rows', expected: [2, 3] },
  { title: 'column vs column', expr: C('n').gt(C('det.confidence')), sqlite: ['("n" > "det__confidence")', []], clickhouse: ['(`n` > `det__confidence`)', []], mode: 'rows', expected: [1] },
  // logical, not
  { title: 'and', expr: and(C('det.label').eq('cat'), C('n').gt(5)), sqlite: ['(("det__label" = ?) AND ("n" > ?))', ['cat', 5]], clickhouse: ['((`det__label` = {p0:String}) AND (`n` > {p1:Int64}))', ['cat', 5]], mode: 'rows', expected: [1] },
  { title: 'or', expr: or(C('n').lt(0), C('name').eq('bob')), sqlite: ['(("n" < ?) OR ("name" = ?))', [0, 'bob']], clickhouse: ['((`n` < {p0:Int64}) OR (`name` = {p1:String}))', [0, 'bob']], mode: 'rows', expected: [2, 4] },
  { title: 'and() is true', expr: and(), sqlite: ['1', []], clickhouse: ['true', []], mode: 'rows', expected: [1, 2, 3, 4] },
  { title: 'or() is false', expr: or(), sqlite: ['0', []], clickhouse: ['false', []], mode: 'rows', expected: [] },
  { title: 'and(x) is x', expr: and(C('n').eq(3)), sqlite: ['("n" = ?)', [3]], clickhouse: ['(`n` = {p0:Int64})', [3]], mode: 'rows', expected: [3] },
  { title: 'not keeps three-valued logic', expr: not(C('det.confidence').gt(0.9)), sqlite: ['(NOT ("det__confidence" > ?))', [0.9]], clickhouse: ['(NOT (`det__confidence` > {p0:Float64}))', [0.9]], mode: 'rows', expected: [2, 4] },
  // in
  { title: 'in', expr: C('n').in([3, 10]), sqlite: ['("n" IN (?, ?))', [3, 10]], clickhouse: ['(`n` IN ({p0:Int64}, {p1:Int64}))', [3, 10]], mode: 'rows', expected: [1, 3] },
  { title: 'notIn excludes NULL', expr: C('n').notIn([3]), sqlite: ['("n" NOT IN (?))', [3]], clickhouse: ['(`n` NOT IN ({p0:Int64}))', [3]], mode: 'rows', expected: [1, 4] },
  { title: 'in [] is false', expr: C('n').in([]), sqlite: ['0', []], clickhouse: ['false', []], mode: 'rows', expected: [] },
  { title: 'notIn [] is true', expr: C('n').notIn([]), sqlite: ['1', []], clickhouse: ['true', []], mode: 'rows', expected: [1, 2, 3, 4] },
  // isNull
  { title: 'isNull', expr: C('det.confidence').isNull(), sqlite: ['("det__confidence" IS NULL)', []], clickhouse: ['(`det__confidence` IS NULL)', []], mode: 'rows', expected: [3] },
  { title: 'isNotNull', expr: C('name').isNotNull(), sqlite: ['("name" IS NOT NULL)', []], clickhouse: ['(`name` IS NOT NULL)', []], mode: 'rows', expected: [1, 2, 3] },
  // match
  { title: 'like', expr: C('name').like('A%'), sqlite: [`("name" LIKE ? ESCAPE '\\')`, ['A%']], clickhouse: ['(`name` LIKE {p0:String})', ['A%']], mode: 'rows', expected: [1] },
  { title: 'like is case-sensitive', expr: C('name').like('a%'), sqlite: [`("name" LIKE ? ESCAPE '\\')`, ['a%']], clickhouse: ['(`name` LIKE {p0:String})', ['a%']], mode: 'rows', expected: [] },
  { title: 'like escapes % with backslash', expr: C('name').like('%\\%'), sqlite: [`("name" LIKE ? ESCAPE '\\')`, ['%\\%']], clickhouse: ['(`name` LIKE {p0:String})', ['%\\%']], mode: 'rows', expected: [3] },
  { title: 'ilike', expr: C('name').ilike('B%'), sqlite: [`(lower("name") LIKE lower(?) ESCAPE '\\')`, ['B%']], clickhouse: ['(`name` ILIKE {p0:String})', ['B%']], mode: 'rows', expected: [2] },
  { title: 'negated like', expr: nameLike('like', 'A%', true), sqlite: [`("name" NOT LIKE ? ESCAPE '\\')`, ['A%']], clickhouse: ['(`name` NOT LIKE {p0:String})', ['A%']], mode: 'rows', expected: [2, 3] },
  { title: 'negated ilike', expr: nameLike('ilike', 'b%', true), sqlite: [`(lower("name") NOT LIKE lower(?) ESCAPE '\\')`, ['b%']], clickhouse: ['(`name` NOT ILIKE {p0:String})', ['b%']], mode: 'rows', expected: [1, 3] },
  { title: 'glob', expr: C('path').glob('img/*.jpg'), sqlite: ['("path" GLOB ?)', ['img/*.jpg']], clickhouse: ['match(`path`, {p0:String})', ['^img/.*\\.jpg$']], mode: 'rows', expected: [1] },
  { title: 'glob with a class', expr: C('path').glob('[a-z]*'), sqlite: ['("path" GLOB ?)', ['[a-z]*']], clickhouse: ['match(`path`, {p0:String})', ['^[a-z].*$']], mode: 'rows', expected: [1, 2, 3] },
  { title: 'negated glob', expr: pathGlob('img/*', true), sqlite: ['("path" NOT GLOB ?)', ['img/*']], clickhouse: ['(NOT match(`path`, {p0:String}))', ['^img/.*$']], mode: 'rows', expected: [3, 4] },
  { title: 'regexp', expr: C('name').regexp('^[A-C]'), sqlite: ['chainql_regexp("name", ?)', ['^[A-C]']], clickhouse: ['match(`name`, {p0:String})', ['^[A-C]']], mode: 'rows', expected: [1, 3] },
  { title: 'negated regexp', expr: { node: matchNode('regexp', C('name').node, lit('^[A-C]').node, true) } as Expr, sqlite: ['(NOT chainql_regexp("name", ?))', ['^[A-C]']], clickhouse: ['(NOT match(`name`, {p0:String}))', ['^[A-C]']], mode: 'rows', expected: [2] },
  // arithmetic
  { title: 'add', expr: C('n').add(1), sqlite: ['("n" + ?)', [1]], clickhouse: ['(`n` + {p0:Int64})', [1]], mode: 'values', expected: [11, null, 4, -3] },
  { title: 'sub', expr: C('n').sub(C('big')), sqlite: ['("n" - "big")', []], clickhouse: ['(`n` - `big`)', []], mode: 'values', expected: [5, null, null, -13] },
  { title: 'mul', expr: C('det.confidence').mul(2), sqlite: ['("det__confidence" * ?)', [2]], clickhouse: ['(`det__confidence` * {p0:Int64})', [2]], mode: 'values', expected: [1.9, 1, null, 1.4] },
  { title: 'div is floating-point', expr: C('n').div(4), sqlite: ['(CAST("n" AS REAL) / ?)', [4]], clickhouse: ['(`n` / nullIf({p0:Int64}, 0))', [4]], mode: 'values', expected: [2.5, null, 0.75, -1] },
  { title: 'div by zero is NULL', expr: C('n').div(0), sqlite: ['(CAST("n" AS REAL) / ?)', [0]], clickhouse: ['(`n` / nullIf({p0:Int64}, 0))', [0]], mode: 'values', expected: [null, null, null, null] },
  { title: 'mod', expr: C('n').mod(3), sqlite: ['("n" % ?)', [3]], clickhouse: ['(`n` % nullIf({p0:Int64}, 0))', [3]], mode: 'values', expected: [1, null, 0, -1] },
  { title: 'neg', expr: C('n').neg(), sqlite: ['(-"n")', []], clickhouse: ['(-`n`)', []], mode: 'values', expected: [-10, null, -3, 4] },
  // string functions
  { title: 'length', expr: func.length(C('name')), sqlite: ['length("name")', []], clickhouse: ['lengthUTF8(`name`)', []], mode: 'values', expected: [5, 3, 6, null] },
  { title: 'lower', expr: func.lower(C('name')), sqlite: ['lower("name")', []], clickhouse: ['lower(`name`)', []], mode: 'values', expected: ['alice', 'bob', 'carol%', null] },
  { title: 'upper', expr: func.upper(C('name')), sqlite: ['upper("name")', []], clickhouse: ['upper(`name`)', []], mode: 'values', expected: ['ALICE', 'BOB', 'CAROL%', null] },
  { title: 'concat (NULL if any part is NULL)', expr: func.concat(C('name'), '-', C('det.label')), sqlite: ['("name" || ? || "det__label")', ['-']], clickhouse: ['concat(`name`, {p0:String}, `det__label`)', ['-']], mode: 'values', expected: ['Alice-cat', 'bob-dog', 'Carol%-cat', null] },
  { title: 'substr with length', expr: func.substr(C('name'), 2, 3), sqlite: ['substr("name", ?, ?)', [2, 3]], clickhouse: ['substringUTF8(`name`, {p0:Int64}, {p1:Int64})', [2, 3]], mode: 'values', expected: ['lic', 'ob', 'aro', null] },
  { title: 'substr to the end', expr: func.substr(C('path'), 5), sqlite: ['substr("path", ?)', [5]], clickhouse: ['substringUTF8(`path`, {p0:Int64})', [5]], mode: 'values', expected: ['a/cat.jpg', 'b/dog.tar.gz', 'me', 'hrc'] },
  { title: 'replace', expr: func.replace(C('path'), '/', '_'), sqlite: ['replace("path", ?, ?)', ['/', '_']], clickhouse: ['replaceAll(`path`, {p0:String}, {p1:String})', ['/', '_']], mode: 'values', expected: ['img_a_cat.jpg', 'img_b_dog.tar.gz', 'readme', '.bashrc'] },
  { title: 'split', expr: func.split(C('path'), '/'), sqlite: ['chainql_split("path", ?)', ['/']], clickhouse: ['splitByString({p0:String}, `path`)', ['/']], mode: 'values', expected: ['["img","a","cat.jpg"]', '["img","b","dog.tar.gz"]', '["readme"]', '[".bashrc"]'] },
  // path functions
  { title: 'pathName', expr: func.pathName(C('path')), sqlite: ['chainql_path_name("path")', []], clickhouse: ["replaceRegexpOne(`path`, '^.*/', '')", []], mode: 'values', expected: ['cat.jpg', 'dog.tar.gz', 'readme', '.bashrc'] },
  { title: 'pathParent', expr: func.pathParent(C('path')), sqlite: ['chainql_path_parent("path")', []], clickhouse: ["replaceRegexpOne(`path`, '/?[^/]*$', '')", []], mode: 'values', expected: ['img/a', 'img/b', '', ''] },
  { title: 'pathSuffix', expr: func.pathSuffix(C('path')), sqlite: ['chainql_path_suffix("path")', []], clickhouse: ["extract(replaceRegexpOne(`path`, '^.*/', ''), '^.+(\\\\.[^.]*)$')", []], mode: 'values', expected: ['.jpg', '.gz', '', ''] },
  { title: 'pathStem', expr: func.pathStem(C('path')), sqlite: ['chainql_path_stem("path")', []], clickhouse: ["replaceRegexpOne(replaceRegexpOne(`path`, '^.*/', ''), '^(.+)\\\\.[^.]*$', '\\\\1')", []], mode: 'values', expected: ['cat', 'dog.tar', 'readme', '.bashrc'] },
  // math
  { title: 'abs', expr: func.abs(C('n')), sqlite: ['abs("n")', []], clickhouse: ['abs(`n`)', []], mode: 'values', expected: [10, null, 3, 4] },
  { title: 'round halves away from zero', expr: func.round(C('det.confidence').mul(10)), sqlite: ['round(("det__confidence" * ?))', [10]], clickhouse: ['if((`det__confidence` * {p0:Int64}) >= 0, floor((`det__confidence` * {p0:Int64}) + 0.5), ceil((`det__confidence` * {p0:Int64}) - 0.5))', [10]], mode: 'values', expected: [10, 5, null, 7] },
  { title: 'round of a negative half', expr: func.round(-2.5), sqlite: ['round(?)', [-2.5]], clickhouse: ['if({p0:Float64} >= 0, floor({p0:Float64} + 0.5), ceil({p0:Float64} - 0.5))', [-2.5]], mode: 'values', expected: [-3, -3, -3, -3] },
  { title: 'floor', expr: func.floor(C('det.confidence').mul(10)), sqlite: ['floor(("det__confidence" * ?))', [10]], clickhouse: ['floor((`det__confidence` * {p0:Int64}))', [10]], mode: 'values', expected: [9, 5, null, 7] },
  { title: 'ceil', expr: func.ceil(C('n').div(4)), sqlite: ['ceil((CAST("n" AS REAL) / ?))', [4]], clickhouse: ['ceil((`n` / nullIf({p0:Int64}, 0)))', [4]], mode: 'values', expected: [3, null, 1, -1] },
  // conditional
  { title: 'coalesce', expr: func.coalesce(C('det.confidence'), C('n'), 0), sqlite: ['coalesce("det__confidence", "n", ?)', [0]], clickhouse: ['coalesce(`det__confidence`, `n`, {p0:Int64})', [0]], mode: 'values', expected: [0.95, 0.5, 3, 0.7] },
  { title: 'ifNull', expr: func.ifNull(C('name'), 'anon'), sqlite: ['ifnull("name", ?)', ['anon']], clickhouse: ['ifNull(`name`, {p0:String})', ['anon']], mode: 'values', expected: ['Alice', 'bob', 'Carol%', 'anon'] },
  { title: 'case with else', expr: caseWhen([[C('n').gt(5), 'big'], [C('n').gt(0), 'small']], 'other'), sqlite: ['(CASE WHEN ("n" > ?) THEN ? WHEN ("n" > ?) THEN ? ELSE ? END)', [5, 'big', 0, 'small', 'other']], clickhouse: ['(CASE WHEN (`n` > {p0:Int64}) THEN {p1:String} WHEN (`n` > {p2:Int64}) THEN {p3:String} ELSE {p4:String} END)', [5, 'big', 0, 'small', 'other']], mode: 'values', expected: ['big', 'other', 'small', 'other'] },
  { title: 'case without else is NULL', expr: caseWhen([[C('flag').eq(true), 1]]), sqlite: ['(CASE WHEN ("flag" = ?) THEN ? END)', [1, 1]], clickhouse: ['(CASE WHEN (`flag` = {p0:Bool}) THEN {p1:Int64} END)', [true, 1]], mode: 'values', expected: [1, null, 1, null] },
  // arrays, vectors
  { title: 'arrayLength', expr: func.arrayLength(C('tags')), sqlite: ['json_array_length("tags")', []], clickhouse: ['length(`tags`)', []], mode: 'values', expected: [2, 1, 0, 1] },
  { title: 'arrayContains', expr: func.arrayContains(C('tags'), 'b'), sqlite: ['EXISTS (SELECT 1 FROM json_each("tags") WHERE json_each.value = ?)', ['b']], clickhouse: ['has(`tags`, {p0:String})', ['b']], mode: 'rows', expected: [1, 2] },
  { title: 'cosineDistance', expr: func.cosineDistance(C('emb'), [1, 0]), sqlite: ['chainql_cosine_distance("emb", ?)', ['[1,0]']], clickhouse: ['cosineDistance(`emb`, {p0:Array(Float64)})', [[1, 0]]], mode: 'values', expected: [0, 1, 1 - r2, 1 - r2] },
  { title: 'euclideanDistance', expr: func.euclideanDistance(C('emb'), [1, 0]), sqlite: ['chainql_euclidean_distance("emb", ?)', ['[1,0]']], clickhouse: ['L2Distance(`emb`, {p0:Array(Float64)})', [[1, 0]]], mode: 'values', expected: [0, Math.SQRT2, 1, r2] },
  // aggregates
  { title: 'count(x) skips NULL', expr: count('n'), sqlite: ['COUNT("n")', []], clickhouse: ['count(`n`)', []], mode: 'aggregate', expected: 3 },
  { title: 'countDistinct', expr: agg.countDistinct('det.label'), sqlite: ['COUNT(DISTINCT "det__label")', []], clickhouse: ['uniqExact(`det__label`)', []], mode: 'aggregate', expected: 2 },
  { title: 'sum of a path', expr: sum('n'), sqlite: ['SUM("n")', []], clickhouse: ['sumOrNull(`n`)', []], mode: 'aggregate', expected: 9 },
  { title: 'sum of an expression', expr: sum(C('n').mul(2)), sqlite: ['SUM(("n" * ?))', [2]], clickhouse: ['sumOrNull((`n` * {p0:Int64}))', [2]], mode: 'aggregate', expected: 18 },
  { title: 'avg', expr: agg.avg('n'), sqlite: ['AVG("n")', []], clickhouse: ['avgOrNull(`n`)', []], mode: 'aggregate', expected: 3 },
  { title: 'min', expr: agg.min('det.confidence'), sqlite: ['MIN("det__confidence")', []], clickhouse: ['minOrNull(`det__confidence`)', []], mode: 'aggregate', expected: 0.5 },
  { title: 'max of strings is byte order', expr: agg.max('name'), sqlite: ['MAX("name")', []], clickhouse: ['maxOrNull(`name`)', []], mode: 'aggregate', expected: 'bob' },
  { title: 'anyValue', expr: agg.anyValue('det.label'), sqlite: ['MIN("det__label")', []], clickhouse: ['any(`det__label`)', []], mode: 'aggregate', expected: 'cat' },
  { title: 'collect', expr: agg.collect('n'), sqlite: ['json_group_array("n")', []], clickhouse: ['groupArray(`n`)', []], mode: 'aggregate', expected: '[10,null,3,-4]' },
  { title: 'concat aggregate', expr: agg.concat('name', ', '), sqlite: ['group_concat("name", ?)', [', ']], clickhouse: ['arrayStringConcat(groupArray(`name`), {p0:String})', [', ']], mode: 'aggregate', expected: 'Alice, bob, Carol%' },
];
