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
  /** Moving average of tokens per call, from reports; undefined until the first call settles. */
  private estimate: number | undefined;
  /** A first call is running to learn the token cost; others wait for it. */
  private probing = false;

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
    return (
      this.requestRate === 0 && this.tokenRate === 0 && this.waiting === 0 && this.now() >= this.pausedUntil
    );
  }

  /**
   * Waits until one call may start (request budget ≥ 1, token budget covers the estimated cost of a
   * call, not paused) and takes its share of both budgets. Resolves with the tokens reserved for the
   * call, to pass to `settle`. While the token cost per call is unknown, one call runs first to learn
   * it. Waiters are served in order.
   * @throws UdfAbortedError when `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<number> {
    this.waiting++;
    const turn = this.chain.then(() => this.waitForBudget(signal));
    this.chain = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn.finally(() => {
      this.waiting--;
    });
  }

  /**
   * Settles a call that reserved `reserved` tokens and reported `used` tokens: the difference is
   * charged (the budget may go negative: later calls wait) and the per-call estimate is updated.
   */
  settle(reserved: number, used: number): void {
    if (this.tokenRate === 0) return;
    this.refill();
    this.tokens += reserved - Math.max(0, used);
    if (used > 0) this.estimate = this.estimate === undefined ? used : this.estimate * 0.8 + used * 0.2;
    else if (this.estimate === undefined && this.probing) this.estimate = 0;
    this.probing = false;
  }

  /** Stops every acquire for `ms` from now (a 429's Retry-After); never shortens an existing pause. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  private refill(): void {
    const at = this.now();
    const elapsed = at - this.refilledAt;
    this.refilledAt = at;
    if (this.requestRate > 0)
      this.requests = Math.min(this.requestCapacity, this.requests + elapsed * this.requestRate);
    if (this.tokenRate > 0)
      this.tokens = Math.min(this.tokenCapacity, this.tokens + elapsed * this.tokenRate);
  }

  private async waitForBudget(signal?: AbortSignal): Promise<number> {
    for (;;) {
      if (signal?.aborted) throw new UdfAbortedError({ cause: signal.reason });
      this.refill();
      let waitMs = Math.max(0, this.pausedUntil - this.now());
      if (this.requestRate > 0 && this.requests < 1)
        waitMs = Math.max(waitMs, (1 - this.requests) / this.requestRate);
      const need = Math.min(this.estimate ?? 0, this.tokenCapacity);
      if (this.tokenRate > 0) {
        if (this.estimate === undefined && this.probing) waitMs = Math.max(waitMs, 5);
        else if (this.tokens <= 0 || this.tokens < need) {
          waitMs = Math.max(waitMs, (Math.max(need, 1) - this.tokens) / this.tokenRate);
        }
      }
      if (waitMs <= 0) {
        if (this.requestRate > 0) this.requests -= 1;
        if (this.tokenRate === 0) return 0;
        if (this.estimate === undefined) this.probing = true;
        this.tokens -= need;
        return need;
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
