import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UnknownColumnError } from '../../../schema/errors.ts';
import {
  columnNameToPath,
  columnsUnder,
  findColumn,
  flattenSchema,
  fromZod,
  levenshtein,
} from '../../../schema/record/index.ts';
import { TYPE_CASES } from './type-cases.ts';

const detections = fromZod(
  z.object({
    name: z.string(),
    det: z
      .object({
        confidence: z.number().describe('score'),
        box: z.object({ x: z.int(), y: z.int(), w: z.int().optional(), h: z.int() }),
        label: z.enum(['cat', 'dog']).nullable(),
      })
      .nullable(),
    tags: z.array(z.string()),
  }),
);

describe('flattenSchema', () => {
  it('gives one column per leaf with dot paths and __ names, in field order', () => {
    const columns = flattenSchema(detections);
    expect(columns.map((c) => [c.path, c.name])).toEqual([
      ['name', 'name'],
      ['det.confidence', 'det__confidence'],
      ['det.box.x', 'det__box__x'],
      ['det.box.y', 'det__box__y'],
      ['det.box.w', 'det__box__w'],
      ['det.box.h', 'det__box__h'],
      ['det.label', 'det__label'],
      ['tags', 'tags'],
    ]);
    for (const c of columns) expect(columnNameToPath(c.name)).toBe(c.path);
    expect(columns[1]?.description).toBe('score');
  });

  it('marks a leaf nullable when it or any enclosing object is nullable or optional', () => {
    const nullable = Object.fromEntries(flattenSchema(detections).map((c) => [c.path, c.nullable]));
    expect(nullable).toEqual({
      name: false,
      'det.confidence': true,
      'det.box.x': true,
      'det.box.y': true,
      'det.box.w': true,
      'det.box.h': true,
      'det.label': true,
      tags: false,
    });
    const deep = flattenSchema(
      fromZod(z.object({ a: z.object({ b: z.object({ c: z.string() }).optional() }) })),
    );
    expect(deep[0]).toMatchObject({
      path: 'a.b.c',
      nullable: true,
      segments: [
        { nullable: false, optional: false },
        { nullable: false, optional: true },
        { nullable: false, optional: false },
      ],
    });
  });

  it('keeps arrays, records and vectors as single leaf columns', () => {
    for (const c of TYPE_CASES) {
      const columns = flattenSchema(fromZod(z.object({ f: c.zod })));
      expect(columns).toHaveLength(1);
      expect(columns[0]?.type).toEqual(c.type);
    }
  });

  it('flattens 6 levels of nesting', () => {
    const columns = flattenSchema(
      fromZod(
        z.object({
          a: z.object({ b: z.object({ c: z.object({ d: z.object({ e: z.object({ f: z.boolean() }) }) }) }) }),
        }),
      ),
    );
    expect(columns.map((c) => c.name)).toEqual(['a__b__c__d__e__f']);
  });
});

describe('findColumn and columnsUnder', () => {
  const columns = flattenSchema(detections);

  it('finds a leaf by path', () => {
    expect(findColumn(columns, 'det.box.w').name).toBe('det__box__w');
  });

  function unknown(run: () => unknown): UnknownColumnError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownColumnError);
      return error as UnknownColumnError;
    }
    throw new Error('expected UnknownColumnError');
  }

  it('suggests up to 3 close paths for a typo', () => {
    const error = unknown(() => findColumn(columns, 'det.confidnce'));
    expect(error.suggestions[0]).toBe('det.confidence');
    expect(error.suggestions.length).toBeLessThanOrEqual(3);
    expect(error.message).toContain("Unknown column 'det.confidnce'. Did you mean 'det.confidence'");
    expect(error.path).toBe('det.confidnce');
  });

  it('suggests the full path when only the last name is given', () => {
    expect(unknown(() => findColumn(columns, 'confidence')).suggestions[0]).toBe('det.confidence');
  });

  it('suggests leaves under an object path given as a column', () => {
    expect(unknown(() => findColumn(columns, 'det.box')).suggestions).toEqual([
      'det.box.x',
      'det.box.y',
      'det.box.w',
    ]);
  });

  it('selects every leaf under an object path', () => {
    expect(columnsUnder(columns, 'det.box').map((c) => c.path)).toEqual([
      'det.box.x',
      'det.box.y',
      'det.box.w',
      'det.box.h',
    ]);
    expect(columnsUnder(columns, 'det')).toHaveLength(6);
    expect(columnsUnder(columns, 'name').map((c) => c.path)).toEqual(['name']);
    // a prefix of a name is not an object path
    expect(unknown(() => columnsUnder(columns, 'de')).suggestions).toContain('det');
  });

  it('computes edit distances', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
});
