import type { DialectCapabilities } from '../../schema/dialect/dialect-compiler.ts';
import { BadUserInputError } from '../server-errors.ts';

/** Bounds on the size of one `where`/`having` argument (server limits `maxFilterDepth`, `maxFilterPredicates`). */
export interface FilterLimits {
  /** Deepest nesting of `_and`/`_or`/`_not`/nested objects in one filter. Default 64. */
  readonly maxFilterDepth: number;
  /** Most comparison operators (`_eq`, `_in`, …, each counted once) in one filter. Default 10,000. */
  readonly maxFilterPredicates: number;
}

/** Default filter bounds. */
export const DEFAULT_FILTER_LIMITS: FilterLimits = { maxFilterDepth: 64, maxFilterPredicates: 10_000 };

/**
 * Counts depth and predicates while a filter is built, and stops with BAD_USER_INPUT naming the limit as
 * soon as one is passed (before any deep recursion or huge statement can fail inside the engine).
 */
export class FilterBudget {
  #predicates = 0;

  /**
   * @param argument the argument named in errors (`where`, `having`).
   * @param capabilities the target dialect's (how array items are stored).
   */
  constructor(
    private readonly limits: FilterLimits,
    private readonly argument: string,
    readonly capabilities: Pick<DialectCapabilities, 'bigintArrayItemsAsText'>,
  ) {}

  /** Checks the nesting depth of the object about to be read. */
  enter(depth: number): void {
    if (depth > this.limits.maxFilterDepth) {
      throw new BadUserInputError(
        `${this.argument}: nested deeper than ${this.limits.maxFilterDepth} levels (server limit maxFilterDepth).`,
      );
    }
  }

  /** Counts `n` predicates. */
  count(n = 1): void {
    this.#predicates += n;
    if (this.#predicates > this.limits.maxFilterPredicates) {
      throw new BadUserInputError(
        `${this.argument}: more than ${this.limits.maxFilterPredicates} predicates (server limit maxFilterPredicates).`,
      );
    }
  }
}
