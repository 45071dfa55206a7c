import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EncodedDigest } from '../../../compute/chain/encoded-digest.ts';
import { stableJson } from '../../../compute/chain/stable-json.ts';
import { udfSourceText } from '../../../compute/udf/udf-source.ts';
import { map } from '../../../compute/udf/udf-step.ts';

function digestOf(...rows: unknown[][]): string {
  const digest = new EncodedDigest('schema');
  for (const row of rows) digest.add(row);
  return digest.digest();
}

describe('stableJson (the one JSON for hashes)', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(stableJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(stableJson({ x: 1, y: 2 })).toBe(stableJson({ y: 2, x: 1 }));
  });

  it('keeps bigints exact (beyond 2^53 and 2^64), apart from numbers, and never throws on them', () => {
    const big = 2n ** 64n + 1n;
    expect(stableJson({ n: big })).toBe('{"n":"18446744073709551617n"}');
    expect(stableJson([2n ** 53n + 1n])).not.toBe(stableJson([2n ** 53n]));
    expect(stableJson(1n)).not.toBe(stableJson(1));
  });

  it('writes Dates as ISO text and functions as their source', () => {
    expect(stableJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    expect(stableJson({ f: (x: number) => x + 1 })).toContain('x + 1');
  });

  it('UDF identities use it: option key order does not change the step text', () => {
    const fn = async () => ({ y: 1 });
    const a = map({ y: z.number() }, fn, {
      retries: { attempts: 3, backoffMs: 10 },
      rowsPerCall: 2,
    } as never);
    const b = map({ y: z.number() }, fn, {
      rowsPerCall: 2,
      retries: { backoffMs: 10, attempts: 3 },
    } as never);
    expect(udfSourceText(a)).toBe(udfSourceText(b));
    expect(udfSourceText(a)).toContain('options:{"retries":{"attempts":3,"backoffMs":10},"rowsPerCall":2}');
  });

  it('row digests use it: a map value hashes the same whatever its key order, bigints inside stay exact', () => {
    expect(digestOf([{ a: 1, b: 2 }])).toBe(digestOf([{ b: 2, a: 1 }]));
    expect(digestOf([{ k: [2n ** 64n] }])).not.toBe(digestOf([{ k: [2n ** 64n + 1n] }]));
    expect(digestOf([[1, 2]])).not.toBe(digestOf([[2, 1]]));
  });
});
