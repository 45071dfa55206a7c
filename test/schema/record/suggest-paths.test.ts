import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requirePath } from '../../../compute/chain/schema-ops.ts';
import { resolveKeyColumns } from '../../../compute/keys/key-fields.ts';
import { UnknownColumnError } from '../../../schema/errors.ts';
import { C } from '../../../schema/expr/builder.ts';
import { resolveColumn } from '../../../schema/expr/column-resolver.ts';
import { inferType } from '../../../schema/expr/type-check.ts';
import { columnsUnder, findColumn } from '../../../schema/record/column-lookup.ts';
import { flattenSchema } from '../../../schema/record/flatten.ts';
import { fromZod } from '../../../schema/record/from-zod.ts';
import { didYouMean, suggestPaths, withEnclosingObjects } from '../../../schema/record/suggest-paths.ts';

const schema = fromZod(
  z.object({
    name: z.string(),
    kind: z.string(),
    det: z.object({
      label: z.string(),
      confidence: z.number(),
      box: z.object({ w: z.number(), h: z.number() }),
    }),
    response: z.object({ usage: z.object({ prompt_tokens: z.int(), completion_tokens: z.int() }) }),
  }),
);
const columns = flattenSchema(schema);

/** Every place that reports an unknown path, each given the same mistake. */
const reporters: Record<string, (path: string) => unknown> = {
  'findColumn (records)': (path) => findColumn(columns, path),
  'columnsUnder (select)': (path) => columnsUnder(columns, path),
  'resolveColumn (expressions)': (path) => resolveColumn(path, columns),
  'inferType (type check)': (path) => inferType(C(path).gt(1).node, columns),
  'requirePath (chain schema ops)': (path) => requirePath(schema, path),
  'resolveKeyColumns (keys)': (path) => resolveKeyColumns(columns, [path], 'primaryKey', { dataset: 'd' }),
};

function caught(run: () => unknown): UnknownColumnError {
  try {
    run();
  } catch (error) {
    if (error instanceof UnknownColumnError) return error;
    throw error;
  }
  throw new Error('expected UnknownColumnError');
}

describe('one "did you mean" routine', () => {
  it.each([
    ['det.confidnce', ['det.confidence']],
    ['confidence', ['det.confidence']],
    ['Name', ['name']],
    ['response.usage.prompt_token', ['response.usage.prompt_tokens']],
    ['det.lable', ['det.label']],
    ['zzzzzzzz', []],
  ])('the same mistake (%s) gets the same suggestion everywhere', (mistake, expected) => {
    const results = Object.entries(reporters).map(([where, run]) => {
      const error = caught(() => run(mistake));
      return [where, error.suggestions, error.message] as const;
    });
    for (const [where, suggestions, message] of results) {
      expect([where, suggestions]).toEqual([where, expected]);
      expect(message, where).toContain(`'${mistake}'`);
      expect(message, where).toContain(didYouMean(expected));
    }
  });

  it('ranks same-name paths first, then by edit distance; nothing far away', () => {
    const candidates = withEnclosingObjects(columns.map((c) => c.path));
    expect(candidates).toContain('det.box');
    expect(suggestPaths('w', candidates)).toEqual(['det.box.w']);
    expect(suggestPaths('det.bx', candidates)).toEqual(['det.box']);
    expect(suggestPaths('kinds', candidates)).toEqual(['kind']);
    expect(suggestPaths('de', candidates)).toContain('det');
    expect(suggestPaths('completely_unrelated_name', candidates)).toEqual([]);
    expect(suggestPaths('x', ['a.x', 'b.x', 'c.x', 'd.x'])).toEqual(['a.x', 'b.x', 'c.x']);
  });

  it('formats suggestions one way', () => {
    expect(didYouMean([])).toBe('');
    expect(didYouMean(['a', 'b.c'])).toBe(" Did you mean 'a', 'b.c'?");
  });
});
