import { describe, expect, it } from 'vitest';
import { ExpressionTypeError, UnknownColumnError } from '../../../schema/errors.ts';
import {
  agg,
  and,
  C,
  caseWhen,
  checkCondition,
  type Expr,
  formatType,
  func,
  inferType,
  lit,
  NotALeafColumnError,
  not,
  or,
  sum,
} from '../../../schema/expr/index.ts';
import type { Column } from '../../../schema/record/column.ts';

const columns: readonly Column[] = [
  { path: 'name', name: 'name', type: { kind: 'string' }, nullable: true },
  { path: 'det.confidence', name: 'det__confidence', type: { kind: 'float' }, nullable: true },
  { path: 'det.label', name: 'det__label', type: { kind: 'enum', values: ['cat', 'dog'] }, nullable: true },
  { path: 'det.box.w', name: 'det__box__w', type: { kind: 'int' }, nullable: false },
  { path: 'det.box.h', name: 'det__box__h', type: { kind: 'int' }, nullable: false },
  { path: 'n', name: 'n', type: { kind: 'int' }, nullable: true },
  { path: 'big', name: 'big', type: { kind: 'bigint' }, nullable: true },
  { path: 'flag', name: 'flag', type: { kind: 'boolean' }, nullable: false },
  { path: 'created', name: 'created', type: { kind: 'datetime' }, nullable: false },
  { path: 'emb', name: 'emb', type: { kind: 'vector', dimensions: 3 }, nullable: false },
  { path: 'tags', name: 'tags', type: { kind: 'array', items: { kind: 'string' } }, nullable: false },
  { path: 'version', name: 'version', type: { kind: 'literal', value: 2 }, nullable: false },
  {
    path: 'response.usage.prompt_tokens',
    name: 'response__usage__prompt_tokens',
    type: { kind: 'int' },
    nullable: false,
  },
];

const typeOf = (e: Expr): string => formatType(inferType(e.node, columns));
const typeError = (e: Expr): string => {
  try {
    inferType(e.node, columns);
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionTypeError);
    return (error as Error).message;
  }
  throw new Error('expected a type error');
};

describe('inferType', () => {
  it('infers result types for well-typed expressions', () => {
    expect(typeOf(C('det.confidence'))).toBe('float');
    expect(typeOf(C('det.label'))).toBe('string');
    expect(typeOf(C('version'))).toBe('int');
    expect(typeOf(C('n').add(C('big')))).toBe('bigint');
    expect(typeOf(C('n').add(1.5))).toBe('float');
    expect(typeOf(C('n').div(2))).toBe('float');
    expect(typeOf(C('n').mod(2))).toBe('int');
    expect(typeOf(C('det.confidence').gt(C('n')))).toBe('boolean');
    expect(typeOf(C('big').eq(3))).toBe('boolean');
    expect(typeOf(C('created').gt(new Date(0)))).toBe('boolean');
    expect(typeOf(C('det.label').in(['cat', 'dog']))).toBe('boolean');
    expect(typeOf(and(C('flag'), or(C('n').isNull(), not(C('name').like('a%')))))).toBe('boolean');
    expect(typeOf(func.split(C('name'), ','))).toBe('array<string>');
    expect(typeOf(func.coalesce(C('n'), C('det.confidence'), null))).toBe('float');
    expect(typeOf(caseWhen([[C('flag'), 1]], 2.5))).toBe('float');
    expect(typeOf(func.cosineDistance(C('emb'), [1, 0, 0]))).toBe('float');
    expect(typeOf(func.arrayContains(C('tags'), 'x'))).toBe('boolean');
    expect(typeOf(sum('response.usage.prompt_tokens'))).toBe('int');
    expect(typeOf(agg.avg('n'))).toBe('float');
    expect(typeOf(agg.max('created'))).toBe('datetime');
    expect(typeOf(agg.collect('name'))).toBe('array<string>');
    expect(typeOf(agg.count())).toBe('int');
    expect(typeOf(C('name').eq(lit(null)))).toBe('boolean');
  });

  it.each([
    [
      'string compared with number',
      C('name').gt(3),
      "Cannot compare C('name') (string) with 3 (int) in C('name').gt(3).",
    ],
    [
      'enum compared with number',
      C('det.label').eq(1),
      "Cannot compare C('det.label') (string) with 1 (int)",
    ],
    [
      'datetime compared with string',
      C('created').lt('2024-01-01'),
      "C('created') (datetime) with '2024-01-01' (string)",
    ],
    [
      'in with a mismatched value',
      C('n').in([1, 'two']),
      "Cannot compare C('n') (int) with 'two' (string) in C('n').in([1, 'two']).",
    ],
    [
      'arithmetic on strings',
      C('name').add(1),
      "C('name').add(1): expected numbers for arithmetic, but C('name') (string).",
    ],
    ['mod on floats', C('det.confidence').mod(2), "mod() needs integers, but C('det.confidence') (float)"],
    ['negating a boolean', C('flag').neg(), "expected a number to negate, but C('flag') (boolean)"],
    ['sum of a string', sum('name'), "agg.sum(C('name')): expected a number to sum, but C('name') (string)."],
    ['avg of a boolean', agg.avg('flag'), "expected a number to average, but C('flag') (boolean)"],
    [
      'min of a vector',
      agg.min('emb'),
      "expected a number, string, boolean or datetime, but C('emb') (vector)",
    ],
    [
      'like on a number',
      C('n').like('1%'),
      "C('n').like('1%'): expected a string to like, but C('n') (int).",
    ],
    ['regexp with a numeric pattern', C('name').regexp(lit(5)), 'expected a string pattern, but 5 (int)'],
    [
      'and of non-booleans',
      and(C('n'), C('flag')),
      "and(C('n'), C('flag')): expected boolean conditions in and(), but C('n') (int).",
    ],
    [
      'not of a string',
      not(C('name')),
      "not(C('name')): expected a boolean condition, but C('name') (string).",
    ],
    ['case with a non-boolean condition', caseWhen([[C('n'), 1]]), 'expected boolean WHEN conditions'],
    [
      'case branches of different types',
      caseWhen([[C('flag'), 1]], 'x'),
      "branches of different types, 'x' (string) after int",
    ],
    [
      'vector distance on a non-vector',
      func.cosineDistance(C('name'), [1, 2]),
      "func.cosineDistance(C('name'), [1, 2]): expected a vector (array of numbers), but C('name') (string).",
    ],
    ['lower of a number', func.lower(C('n')), "expected a string, but C('n') (int)"],
    ['arrayLength of a string', func.arrayLength(C('name')), "expected an array, but C('name') (string)"],
    [
      'arrayContains with a wrong item type',
      func.arrayContains(C('tags'), 3),
      'cannot look for 3 (int) in an array of string',
    ],
    [
      'coalesce of mixed types',
      func.coalesce(C('name'), 0),
      'arguments of different types, 0 (int) after string',
    ],
    ['nested aggregates', sum(agg.count('n')), 'Aggregates cannot be nested'],
  ])('rejects %s', (_title, expr, message) => {
    expect(typeError(expr)).toContain(message);
  });

  it('reports unknown columns with the closest existing paths', () => {
    const attempt = (path: string): UnknownColumnError => {
      try {
        inferType(C(path).gt(1).node, columns);
      } catch (error) {
        expect(error).toBeInstanceOf(UnknownColumnError);
        return error as UnknownColumnError;
      }
      throw new Error('expected UnknownColumnError');
    };
    expect(attempt('det.confidenc').suggestions[0]).toBe('det.confidence');
    expect(attempt('confidence').suggestions).toContain('det.confidence');
    expect(attempt('response.usage.prompt_token').message).toBe(
      "Unknown column 'response.usage.prompt_token'. Did you mean 'response.usage.prompt_tokens'?",
    );
    expect(attempt('zzzzzzzz').suggestions).toEqual([]);
  });

  it('explains a path that names a nested object, listing its leaves', () => {
    expect(() => inferType(C('det.box').gt(1).node, columns)).toThrow(NotALeafColumnError);
    expect(() => inferType(C('det.box').gt(1).node, columns)).toThrow(
      "'det.box' is a nested object, not a column; use one of its fields: 'det.box.w', 'det.box.h'.",
    );
  });

  it('resolves table-qualified columns against that table', () => {
    const right: readonly Column[] = [
      { path: 'score', name: 'score', type: { kind: 'float' }, nullable: false },
    ];
    const on = C('n', { table: 'l' }).lt(C('score', { table: 'r' })).node;
    expect(formatType(inferType(on, columns, { tables: { r: right } }))).toBe('boolean');
    expect(() => inferType(C('score').node, columns)).toThrow(UnknownColumnError);
  });

  it('checkCondition requires a boolean', () => {
    expect(() => checkCondition(C('flag').node, columns)).not.toThrow();
    expect(() => checkCondition(C('n').add(1).node, columns)).toThrow(
      "A condition must be boolean, but C('n').add(1) (int).",
    );
  });
});
