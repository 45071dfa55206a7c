import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { UdfContext } from '../../../compute/udf/index.ts';
import {
  executeUdf,
  HttpStatusError,
  isRetryable,
  map,
  OutputValidationError,
  UdfRowError,
} from '../../../compute/udf/index.ts';
import { countTokens, expectedChatContent, OpenAiMock } from '../../fakes/openai-mock.ts';
import { numberRows, progressLog, recordingCommit } from './helpers.ts';

let mock: OpenAiMock;
let base: string;
beforeAll(async () => {
  mock = new OpenAiMock();
  base = await mock.start();
});
afterAll(async () => {
  await mock.stop();
});
beforeEach(() => {
  mock.reset();
  mock.configure({
    failFirst: undefined,
    requestsPerMinute: undefined,
    tokensPerMinute: undefined,
    latencyMs: 0,
    errorRate: 0,
  });
});

/** An LLM-enrichment UDF as users write it: fetch + HttpStatusError.check + reportTokens. */
async function ask(url: string, content: string, ctx: UdfContext<unknown>): Promise<{ answer: string }> {
  const res = await HttpStatusError.check(
    await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-mock', messages: [{ role: 'user', content }] }),
      signal: ctx.signal,
    }),
  );
  const json = (await res.json()) as {
    choices: Array<{ message: { content: string } }>;
    usage: { total_tokens: number };
  };
  ctx.reportTokens(json.usage.total_tokens);
  return { answer: json.choices[0]!.message.content };
}

const enrich = map({ answer: z.string() }, (row: { x: number }, ctx) =>
  ask(base, `describe ${row.x} [row:${row.x}]`, ctx),
);

describe('retries against the OpenAI mock', () => {
  it('retries 5xx with backoff until the call succeeds; outputs equal the golden answers', async () => {
    mock.configure({ failFirst: { count: 2, status: 503 } });
    const rec = recordingCommit();
    const log = progressLog();
    const step = { ...enrich, options: { retries: { attempts: 4, baseMs: 5, maxMs: 20 } } };
    const summary = await executeUdf(step, numberRows(20), {
      commit: rec.commit,
      onProgress: log.onProgress,
    });
    expect(summary).toMatchObject({ rows: 20, outputs: 20, retries: 40 });
    for (let x = 0; x < 20; x++) expect(mock.callsFor(String(x))).toBe(3);
    const out = rec.batches.flatMap((b) => b.outputs).find((o) => o.inputId === 4)!;
    expect(out.output.answer).toBe(expectedChatContent('gpt-mock', 'describe 3 [row:3]'));
    expect(log.events.filter((e) => e.type === 'rowRetrying')).toHaveLength(40);
  });

  it('retries random 5xx so that every row ends up answered', async () => {
    mock.configure({ errorRate: 0.3, seed: 11 });
    const step = { ...enrich, options: { retries: { attempts: 10, baseMs: 1, maxMs: 5 } } };
    const summary = await executeUdf(step, numberRows(60), { commit: recordingCommit().commit });
    expect(summary.outputs).toBe(60);
    expect(summary.retries).toBeGreaterThan(5);
    expect(mock.successfulCalls).toBe(60);
  });

  it('gives up after the configured attempts with UdfRowError carrying the HTTP status', async () => {
    mock.configure({ failFirst: { count: 100, status: 500 } });
    const step = { ...enrich, options: { retries: { attempts: 3, baseMs: 1, maxMs: 2 } } };
    const error = (await executeUdf(step, numberRows(1), { commit: recordingCommit().commit }).catch(
      (e: unknown) => e,
    )) as UdfRowError;
    expect(error).toBeInstanceOf(UdfRowError);
    expect(error.attempts).toBe(3);
    expect((error.cause as HttpStatusError).status).toBe(500);
    expect(mock.callsFor('0')).toBe(3);
  });

  it('does not retry a 400', async () => {
    mock.configure({ failFirst: { count: 1, status: 400 } });
    const step = { ...enrich, options: { retries: { attempts: 5, baseMs: 1 } } };
    await expect(executeUdf(step, numberRows(1), { commit: recordingCommit().commit })).rejects.toThrow(
      /HTTP 400/,
    );
    expect(mock.callsFor('0')).toBe(1);
  });

  it('never retries an output validation error', async () => {
    const wrong = map(
      { answer: z.number() },
      async (row: { x: number }, ctx) => (await ask(base, `q [row:${row.x}]`, ctx)) as never,
      { retries: { attempts: 5, baseMs: 1 } },
    );
    await expect(executeUdf(wrong, numberRows(1), { commit: recordingCommit().commit })).rejects.toThrow(
      OutputValidationError,
    );
    expect(mock.callsFor('0')).toBe(1);
  });

  it('classifies a real connection failure from fetch as retryable and retries it', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
    });
    const refused = await fetch(`http://127.0.0.1:${closedPort}/`).catch((e: unknown) => e);
    expect(isRetryable(refused)).toBe(true);
    const flaky = map(
      { answer: z.string() },
      (row: { x: number }, ctx) =>
        ask(ctx.attempt === 1 ? `http://127.0.0.1:${closedPort}/v1` : base, `n [row:${row.x}]`, ctx),
      { retries: { attempts: 2, baseMs: 1 } },
    );
    const summary = await executeUdf(flaky, numberRows(3), { commit: recordingCommit().commit });
    expect(summary).toMatchObject({ outputs: 3, retries: 3 });
  });
});

describe('rate limiting against the OpenAI mock', () => {
  it('keeps the request rate at or below requestsPerMinute, shared by all rows', async () => {
    // Calls are timed where the limiter lets them start (the UDF's first line), not where the mock
    // receives them: on a loaded machine the first request's connection set-up and event-loop stalls
    // shift arrival times by more than the 50 ms spacing being checked.
    const starts: number[] = [];
    const step = {
      ...enrich,
      fn: (row: { x: number }, ctx: Parameters<typeof enrich.fn>[1]) => {
        starts.push(performance.now());
        return enrich.fn(row, ctx);
      },
      options: { rateLimit: { requestsPerMinute: 1200 } }, // 20/s
    };
    const started = performance.now();
    await executeUdf(step, numberRows(40), {
      settings: { concurrency: 32 },
      commit: recordingCommit().commit,
    });
    const elapsed = (performance.now() - started) / 1000;
    expect(mock.successfulCalls).toBe(40);
    const times = starts.sort((a, b) => a - b);
    const measured = (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
    expect(measured).toBeLessThanOrEqual(20 * 1.05);
    expect(measured).toBeGreaterThan(20 * 0.7);
    expect(elapsed).toBeGreaterThan(1.8);
    // No burst: the limiter starts with one request of budget, not a full 1 s bucket (20), so a 1-second
    // window holds about 21 calls. A late timer lets the next call start early to keep the average rate
    // (token bucket), so allow a few more on a loaded machine; a full-bucket burst would be near 40.
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(25);
  });

  it('keeps reported tokens at or below tokensPerMinute', async () => {
    const step = { ...enrich, options: { rateLimit: { tokensPerMinute: 12_000 } } }; // 200 tokens/s, bucket of 200
    const started = performance.now();
    await executeUdf(step, numberRows(30), {
      settings: { concurrency: 30 },
      commit: recordingCommit().commit,
    });
    const elapsed = (performance.now() - started) / 1000;
    const tokens = Array.from({ length: 30 }, (_, x) => countTokens(`describe ${x} [row:${x}]`) + 8).reduce(
      (a, b) => a + b,
    );
    // Budget by time T: the initial bucket (200) + 200·T, overshot by about one call
    // (calls reserve the average cost up front and settle the difference when they report).
    expect(tokens).toBeGreaterThan(350);
    expect(tokens).toBeLessThanOrEqual(200 + 2 * 13 + 200 * elapsed);
    expect(elapsed).toBeLessThan(6); // not throttled far beyond the budget (margin for a loaded machine)
    expect(mock.successfulCalls).toBe(30);
  });

  it('honours Retry-After from a 429 by pausing the whole step, then succeeds', async () => {
    mock.configure({ failFirst: { count: 1, status: 429, retryAfterSeconds: 0.3 } });
    const step = { ...enrich, options: { retries: { attempts: 3, baseMs: 1, maxMs: 2 } } };
    const started = performance.now();
    const summary = await executeUdf(step, numberRows(4), {
      settings: { concurrency: 4 },
      commit: recordingCommit().commit,
    });
    expect(summary.outputs).toBe(4);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    const first429 = mock.requests.find((r) => r.status === 429)!;
    const during = mock.requests.filter((r) => r.at > first429.at + 30 && r.at < first429.at + 280);
    expect(during).toEqual([]);
  });

  it('without retries a 429 fails the row and names it', async () => {
    mock.configure({ requestsPerMinute: 1, windowMs: 60_000 });
    const error = (await executeUdf(enrich, numberRows(3), {
      settings: { concurrency: 1 },
      commit: recordingCommit().commit,
    }).catch((e: unknown) => e)) as UdfRowError;
    expect(error).toBeInstanceOf(UdfRowError);
    expect(error.rowId).toBe(2);
    expect((error.cause as HttpStatusError).status).toBe(429);
    expect((error.cause as HttpStatusError).retryAfterMs).toBeGreaterThan(50_000);
  });
});
