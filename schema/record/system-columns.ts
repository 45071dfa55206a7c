import type { Column } from './column.ts';

/**
 * System columns present in every stored dataset row, before the user's columns.
 * - `sys.id` (`sys__id`): stable row id, unique within a dataset version.
 * - `sys.rand` (`sys__rand`): `deterministicRand(sys.id)`, a uniform non-negative 53-bit integer
 *   used for deterministic sampling, shuffling and partitioning.
 */
export const SYSTEM_COLUMNS: readonly Column[] = [
  {
    path: 'sys.id',
    name: 'sys__id',
    type: { kind: 'int' },
    nullable: false,
    description: 'Stable row id',
  },
  {
    path: 'sys.rand',
    name: 'sys__rand',
    type: { kind: 'int' },
    nullable: false,
    description: 'Deterministic random value derived from the row id (for sampling)',
  },
];

/** Top-level field names (lower case) that user schemas may not use: they hold the system columns. */
export const RESERVED_NAMES: readonly string[] = ['sys'];

/** Exclusive upper bound of {@link deterministicRand}: 2^53. */
export const RAND_RANGE = 2 ** 53;

const TWO_32 = 2 ** 32;

/** murmur3's 32-bit finaliser: a bijection on uint32 with full avalanche. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Mixes a row id into a uniformly spread integer in [0, 2^53): same id → same value on every
 * machine, neighbouring ids → unrelated values. It is splitmix-style (add a golden-ratio increment,
 * then avalanche-mix) but works on two 32-bit lanes with `Math.imul` instead of 64-bit BigInt
 * arithmetic, so it costs nanoseconds per row.
 * @param id a safe integer (negative ids are accepted and mixed as their two's-complement bits).
 * @throws RangeError when `id` is not a safe integer.
 */
export function deterministicRand(id: number): number {
  if (!Number.isSafeInteger(id))
    throw new RangeError(`deterministicRand expects a safe integer id, got ${id}`);
  const lo = id >>> 0;
  const hi = Math.floor(id / TWO_32) >>> 0;
  const a = fmix32((lo + 0x7f4a7c15) ^ fmix32(hi + 0x9e3779b9));
  const b = fmix32(a ^ Math.imul(hi ^ 0x94d049bb, 0xbf58476d) ^ (lo >>> 7));
  return (b & 0x1fffff) * TWO_32 + a;
}
