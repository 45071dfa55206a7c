import { describe, expect, it } from 'vitest';
import {
  deterministicRand,
  pathToColumnName,
  RAND_RANGE,
  SYSTEM_COLUMNS,
} from '../../../schema/record/index.ts';

describe('system columns', () => {
  it('are sys__id and sys__rand, non-null ints addressed as sys.id / sys.rand', () => {
    expect(SYSTEM_COLUMNS.map((c) => [c.path, c.name, c.type.kind, c.nullable])).toEqual([
      ['sys.id', 'sys__id', 'int', false],
      ['sys.rand', 'sys__rand', 'int', false],
    ]);
    for (const c of SYSTEM_COLUMNS) expect(pathToColumnName(c.path)).toBe(c.name);
  });
});

describe('deterministicRand', () => {
  it('is deterministic and gives non-negative safe integers below 2^53', () => {
    const ids = [0, 1, 2, 1000, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER, -1];
    for (const id of ids) {
      const value = deterministicRand(id);
      expect(Number.isSafeInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(RAND_RANGE);
      expect(deterministicRand(id)).toBe(value);
    }
    expect(() => deterministicRand(1.5)).toThrow(RangeError);
  });

  it('has pinned values (changing them would reshuffle every stored dataset)', () => {
    expect([0, 1, 2, 2 ** 32].map(deterministicRand)).toMatchSnapshot();
  });

  it('spreads sequential ids uniformly (chi-square over 64 buckets) with no collisions', () => {
    const n = 64_000;
    const buckets = new Array<number>(64).fill(0);
    const lowBits = new Array<number>(64).fill(0);
    const seen = new Set<number>();
    for (let id = 1; id <= n; id++) {
      const value = deterministicRand(id);
      seen.add(value);
      buckets[Math.floor((value / RAND_RANGE) * 64)]! += 1;
      lowBits[value % 64]! += 1;
    }
    const chi = (counts: number[]) => counts.reduce((sum, c) => sum + (c - n / 64) ** 2 / (n / 64), 0);
    // 63 degrees of freedom: p = 0.001 critical value ≈ 103.4
    expect(chi(buckets)).toBeLessThan(103.4);
    expect(chi(lowBits)).toBeLessThan(103.4);
    expect(seen.size).toBe(n);
  });

  it('samples about the requested fraction of ids in any id range', () => {
    for (const start of [0, 2 ** 32 - 5_000, 10 ** 12]) {
      let picked = 0;
      for (let id = start; id < start + 10_000; id++) if (deterministicRand(id) < RAND_RANGE * 0.1) picked++;
      expect(picked).toBeGreaterThan(900);
      expect(picked).toBeLessThan(1100);
    }
  });
});
