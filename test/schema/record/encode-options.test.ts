import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRowEncoder, flattenSchema, fromZod } from '../../../schema/record/index.ts';

const columns = flattenSchema(
  fromZod(
    z.object({
      id: z.int(),
      ok: z.boolean(),
      det: z.object({ label: z.string() }).nullable(),
      when: z.date(),
    }),
  ),
);

describe('createRowEncoder options', () => {
  it('leadingSlots puts null slots before the column values', () => {
    const encode = createRowEncoder(columns, 'sqlite', { leadingSlots: 2 });
    const when = new Date('2024-05-01T00:00:00Z');
    expect(encode({ id: 7, ok: true, det: { label: 'cat' }, when })).toEqual([
      null,
      null,
      7,
      1,
      'cat',
      when.getTime(),
    ]);
    expect(encode({ id: 8, ok: false, det: null, when })).toEqual([null, null, 8, 0, null, when.getTime()]);
  });

  it('writes into a given array after the leading slots, leaving them alone and allocating nothing', () => {
    const encode = createRowEncoder(columns, 'sqlite', { leadingSlots: 1 });
    const target: unknown[] = ['keep', 0, 0, 0, 0];
    const when = new Date(1000);
    expect(encode({ id: 1, ok: true, det: { label: 'a' }, when }, target)).toBe(target);
    expect(target).toEqual(['keep', 1, 1, 'a', 1000]);
    encode({ id: 2, ok: false, det: null, when }, target);
    expect(target).toEqual(['keep', 2, 0, null, 1000]);
  });
});
