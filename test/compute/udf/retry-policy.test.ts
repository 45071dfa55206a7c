import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  HttpStatusError,
  isRetryable,
  OutputValidationError,
  parseRetryAfter,
  RetryableError,
  retryAfterOf,
} from '../../../compute/udf/index.ts';

describe('isRetryable', () => {
  it('retries 429, 5xx, 408 and RetryableError; not 400/401/404 nor validation errors', () => {
    expect(isRetryable(new HttpStatusError(429, 'x'))).toBe(true);
    expect(isRetryable(new HttpStatusError(503, 'x'))).toBe(true);
    expect(isRetryable(new HttpStatusError(408, 'x'))).toBe(true);
    expect(isRetryable(new HttpStatusError(400, 'x'))).toBe(false);
    expect(isRetryable(new HttpStatusError(401, 'x'))).toBe(false);
    expect(isRetryable(new HttpStatusError(404, 'x'))).toBe(false);
    expect(isRetryable(new RetryableError('transient'))).toBe(true);
    expect(isRetryable(new OutputValidationError(1, [{ path: 'a', message: 'bad' }]))).toBe(false);
    expect(isRetryable(new TypeError('undefined is not a function'))).toBe(false);
  });

  it('classifies SDK errors by their numeric status and network errors by their code (through causes)', () => {
    expect(isRetryable(Object.assign(new Error('Rate limit'), { status: 429 }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('Bad request'), { statusCode: 400 }))).toBe(false);
    const undici = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    expect(isRetryable(new TypeError('fetch failed', { cause: undici }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('nope'), { code: 'ENOENT' }))).toBe(false);
  });

  it('retries a per-request timeout (AbortSignal.timeout) but not a plain abort', async () => {
    const silent = createServer(() => undefined); // accepts connections, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    try {
      const timedOut = await fetch(url, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
      expect((timedOut as Error).name).toBe('TimeoutError');
      expect(isRetryable(timedOut)).toBe(true);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 20);
      const aborted = await fetch(url, { signal: controller.signal }).catch((e: unknown) => e);
      expect((aborted as Error).name).toBe('AbortError');
      expect(isRetryable(aborted)).toBe(false);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('Retry-After', () => {
  it('parses delta seconds, fractional seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.25', now)).toBe(250);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('reads Retry-After from HttpStatusError.check and from SDK errors with headers', async () => {
    const response = new Response('slow down', { status: 429, headers: { 'retry-after': '3' } });
    const error = (await HttpStatusError.check(response).catch((e: unknown) => e)) as HttpStatusError;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.body).toBe('slow down');
    expect(
      retryAfterOf(
        Object.assign(new Error('x'), { status: 429, headers: new Headers({ 'retry-after': '1' }) }),
      ),
    ).toBe(1000);
    expect(retryAfterOf(Object.assign(new Error('x'), { headers: { 'retry-after': '4' } }))).toBe(4000);
    const ok = new Response('{}', { status: 200 });
    expect(await HttpStatusError.check(ok)).toBe(ok);
  });
});

describe('backoffDelay', () => {
  const retries = { attempts: 10, baseMs: 100, maxMs: 1000 };
  it('grows exponentially with full jitter, capped at maxMs', () => {
    expect(backoffDelay(1, retries, undefined, () => 1)).toBe(100);
    expect(backoffDelay(3, retries, undefined, () => 1)).toBe(400);
    expect(backoffDelay(8, retries, undefined, () => 1)).toBe(1000);
    expect(backoffDelay(3, retries, undefined, () => 0.5)).toBe(200);
    expect(backoffDelay(3, retries, undefined, () => 0)).toBe(0);
  });
  it('waits at least the server-requested Retry-After', () => {
    expect(backoffDelay(1, retries, 5000, () => 1)).toBe(5000);
  });
});
