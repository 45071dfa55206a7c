import type { RateLimitSettings } from './execution-settings.ts';
import { UdfAbortedError } from './udf-errors.ts';

/**
 * The limiter shared by all rows of one step: a request bucket and a token bucket refilled
 * continuously, plus a pause gate set by `Retry-After`. Without limits, `acquire` resolves at once
 * (unless paused). Not shared between steps or runs.
 */
export class RateLimiter {
  private readonly requestRate: number; // per ms
  private readonly tokenRate: number; // per ms
  private readonly requestCapacity: number;
  private readonly tokenCapacity: number;
  private requests: number;
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = 0;
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;

  /** `now` is injectable for tests; it must be monotonic (ms). */
  constructor(
    settings: RateLimitSettings | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    const burst = settings?.burstSeconds ?? 1;
    this.requestRate = (settings?.requestsPerMinute ?? 0) / 60_000;
    this.tokenRate = (settings?.tokensPerMinute ?? 0) / 60_000;
    this.requestCapacity = Math.max(1, this.requestRate * 1000 * burst);
    this.tokenCapacity = Math.max(1, this.tokenRate * 1000 * burst);
    // Start with one request of budget rather than a full bucket: the measured rate then never exceeds
    // the limit, even over short windows.
    this.requests = 1;
    this.tokens = this.tokenCapacity;
    this.refilledAt = this.now();
  }

  /** True when nothing limits calls right now (no limits configured, not paused, nobody waiting). */
  get isFree(): boolean {
    return this.requestRate === 0 && this.tokenRate === 0 && this.waiting === 0 && this.now() >= this.pausedUntil;
  }

  /**
   * Waits until one request may start (request budget ≥ 1, token budget > 0, not paused) and takes
   * one request from the budget. Waiters are served in order.
   * @throws UdfAbortedError when `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    this.waiting++;
    const turn = this.chain.then(() => this.waitForBudget(signal));
    this.chain = turn.catch(() => undefined);
    return turn.finally(() => {
      this.waiting--;
    });
  }

  /** Charges `count` tokens used by a finished call (the budget may go negative: later calls wait). */
  chargeTokens(count: number): void {
    if (this.tokenRate === 0 || !(count > 0)) return;
    this.refill();
    this.tokens -= count;
  }

  /** Stops every acquire for `ms` from now (a 429's Retry-After); never shortens an existing pause. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  private refill(): void {
    const at = this.now();
    const elapsed = at - this.refilledAt;
    this.refilledAt = at;
    if (this.requestRate > 0) this.requests = Math.min(this.requestCapacity, this.requests + elapsed * this.requestRate);
    if (this.tokenRate > 0) this.tokens = Math.min(this.tokenCapacity, this.tokens + elapsed * this.tokenRate);
  }

  private async waitForBudget(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new UdfAbortedError({ cause: signal.reason });
      this.refill();
      let waitMs = Math.max(0, this.pausedUntil - this.now());
      if (this.requestRate > 0 && this.requests < 1) waitMs = Math.max(waitMs, (1 - this.requests) / this.requestRate);
      if (this.tokenRate > 0 && this.tokens <= 0) waitMs = Math.max(waitMs, (1 - this.tokens) / this.tokenRate);
      if (waitMs <= 0) {
        if (this.requestRate > 0) this.requests -= 1;
        return;
      }
      await sleep(Math.ceil(waitMs), signal);
    }
  }
}

/**
 * Resolves after `ms`; rejects with UdfAbortedError as soon as `signal` aborts.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new UdfAbortedError({ cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new UdfAbortedError({ cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
