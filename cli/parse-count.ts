import { InvalidArgumentError } from 'commander';

/**
 * A commander parser for a whole-number flag (`--concurrency 4`, `--lock-duration 30000`): rejects `abc`,
 * `1.5`, `-1` or a value below `min` with exit code 2, e.g. "option '--concurrency <n>' argument 'abc' is
 * invalid. expected a whole number ≥ 1." — instead of passing NaN on to fail later.
 * @param min smallest accepted value.
 */
export function parseCount(min: number): (value: string) => number {
  return (value) => {
    const count = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(count) || count < min) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}.`);
    }
    return count;
  };
}
