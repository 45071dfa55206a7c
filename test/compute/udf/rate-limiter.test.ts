import { describe, expect, it } from 'vitest';
import { RateLimiter, UdfAbortedError } from '../../../compute/udf/index.ts';

describe('RateLimiter', () => {
  it('is free without limits and answers at once', async () => {
    const limiter = new RateLimiter(undefined);
    expect(limiter.isFree).toBe(true);
    await expect(limiter.acquire()).resolves.toBe(0);
  });

  it('spaces requests to requestsPerMinute without an initial burst', async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 6000 }); // 100/s
    const started = performance.now();
    for (let i = 0; i < 21; i++) await limiter.acquire();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2_000); // not throttled far beyond the rate (margin for a loaded machine)
  });

  it('pauses every acquire for a Retry-After', async () => {
    const limiter = new RateLimiter(undefined);
    limiter.pauseFor(150);
    expect(limiter.isFree).toBe(false);
    const started = performance.now();
    await Promise.all([limiter.acquire(), limiter.acquire()]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('learns the token cost of a call and reserves it up front', async () => {
    let clock = 0;
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 }, () => clock); // 1000 tokens/s, bucket 1000
    const probe = await limiter.acquire();
    expect(probe).toBe(0);
    limiter.settle(probe, 400);
    expect(await limiter.acquire()).toBe(400);
    // 1000 − 400 − 400 = 200 left: the next call (≈400) must wait for the refill.
    let third = false;
    const pending = limiter.acquire().then(() => {
      third = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(third).toBe(false);
    clock += 250;
    await pending;
    expect(third).toBe(true);
  });

  it('rejects a waiting acquire when the signal aborts', async () => {
    const limiter = new RateLimiter(undefined);
    limiter.pauseFor(10_000);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow(UdfAbortedError);
  });
});
