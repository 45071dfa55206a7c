import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agg, batchMap, gen, isUdfStep, map, stepName, udfSourceText } from '../../../compute/udf/index.ts';
import { spinMap } from './fixtures/cpu-udfs.ts';

describe('UDF step constructors', () => {
  it('build typed steps of each kind with their options', () => {
    const m = map({ y: z.number() }, (row: { x: number }) => ({ y: row.x }), {
      onError: 'store',
      name: 'double',
    });
    const g = gen({ y: z.number() }, (row: { x: number }) => [{ y: row.x }]);
    const a = agg(['user.id'], { n: z.number() }, (rows) => [{ n: rows.length }]);
    const b = batchMap({ y: z.number() }, (rows: Array<{ x: number }>) => rows.map((r) => ({ y: r.x })), {
      rowsPerCall: 8,
    });
    expect([m.kind, g.kind, a.kind, b.kind]).toEqual(['map', 'gen', 'agg', 'batchMap']);
    expect(a.partitionBy).toEqual(['user.id']);
    expect(agg('g', { n: z.number() }, () => []).partitionBy).toEqual(['g']);
    expect(isUdfStep(m) && !isUdfStep({ kind: 'map' })).toBe(true);
    expect(stepName(m)).toBe('double');
    expect(stepName(g)).toBe('gen');
  });

  it('records the defining module and line of the constructor call', () => {
    const m = map({ y: z.number() }, () => ({ y: 1 }));
    expect(m.origin?.moduleUrl).toBe(new URL(import.meta.url).href);
    expect(m.origin?.location).toMatch(/udf-step\.test\.ts:\d+:\d+$/);
    expect(spinMap.origin?.moduleUrl).toMatch(/fixtures\/cpu-udfs\.ts$/);
  });
});

describe('udfSourceText', () => {
  const base = map({ y: z.number() }, (row: { x: number }) => ({ y: row.x * 2 }), {
    retries: { attempts: 3 },
  });

  it('is stable for the same step', () => {
    expect(udfSourceText(base)).toBe(udfSourceText({ ...base }));
  });

  it('changes when the body, the output shape, an option or setup changes, not when only the name does', () => {
    const text = udfSourceText(base);
    expect(
      udfSourceText(
        map({ y: z.number() }, (row: { x: number }) => ({ y: row.x * 3 }), { retries: { attempts: 3 } }),
      ),
    ).not.toBe(text);
    expect(udfSourceText({ ...base, outputShape: { y: z.string() } } as never)).not.toBe(text);
    expect(udfSourceText({ ...base, options: { retries: { attempts: 4 } } })).not.toBe(text);
    expect(udfSourceText({ ...base, options: { ...base.options, setup: () => 1 } })).not.toBe(text);
    expect(udfSourceText({ ...base, options: { ...base.options, name: 'renamed' } })).toBe(text);
    expect(text).toContain('row.x * 2');
  });
});
