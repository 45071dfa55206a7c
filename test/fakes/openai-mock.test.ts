import { afterEach, describe, expect, it } from 'vitest';
import { expectedChatContent, expectedEmbedding, OpenAiMock } from './openai-mock.ts';

let mock: OpenAiMock | undefined;
afterEach(async () => {
  await mock?.stop();
  mock = undefined;
});

async function chat(base: string, content: string, user?: string): Promise<Response> {
  return fetch(`${base}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-mock',
      messages: [{ role: 'user', content }],
      ...(user ? { user } : {}),
    }),
  });
}

describe('OpenAiMock', () => {
  it('answers chat completions deterministically from the input, with usage', async () => {
    mock = new OpenAiMock();
    const base = await mock.start();
    const a = (await (await chat(base, 'hello [row:1]')).json()) as {
      choices: Array<{ message: { content: string } }>;
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    const b = (await (await chat(base, 'hello [row:1]')).json()) as typeof a;
    expect(a.choices[0]!.message.content).toBe(expectedChatContent('gpt-mock', 'hello [row:1]'));
    expect(b.choices[0]!.message.content).toBe(a.choices[0]!.message.content);
    expect(a.usage.prompt_tokens).toBeGreaterThan(0);
    expect(mock.callsFor('1')).toBe(2);
  });

  it('answers embeddings for a list of inputs and counts calls by the user field', async () => {
    mock = new OpenAiMock({ embeddingDimensions: 4 });
    const base = await mock.start();
    const res = await fetch(`${base}/embeddings`, {
      method: 'POST',
      body: JSON.stringify({ model: 'emb', input: ['a', 'b'], user: 'row-7' }),
    });
    const json = (await res.json()) as { data: Array<{ embedding: number[]; index: number }> };
    expect(json.data.map((d) => d.embedding)).toEqual([expectedEmbedding('a', 4), expectedEmbedding('b', 4)]);
    expect(mock.callsFor('row-7')).toBe(1);
    expect(mock.totalCalls).toBe(1);
  });

  it('answers 429 with Retry-After once the request limit of the window is reached', async () => {
    mock = new OpenAiMock({ requestsPerMinute: 2, windowMs: 60_000 });
    const base = await mock.start();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await chat(base, `x${i}`));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(Number(statuses[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
  });

  it('limits tokens per window and can send Retry-After as an HTTP date', async () => {
    mock = new OpenAiMock({ tokensPerMinute: 30, retryAfterFormat: 'date' });
    const base = await mock.start();
    const first = await chat(base, 'x'.repeat(60)); // 15 + 8 tokens
    const second = await chat(base, 'x'.repeat(60));
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(Date.parse(second.headers.get('retry-after')!)).toBeGreaterThan(Date.now() + 30_000);
  });

  it('fails the first calls of each row as scripted, then succeeds', async () => {
    mock = new OpenAiMock({ failFirst: { count: 2, status: 503 } });
    const base = await mock.start();
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await chat(base, 'q [row:r1]')).status);
    expect(seen).toEqual([503, 503, 200]);
    expect((await chat(base, 'q [row:r2]')).status).toBe(503);
  });

  it('injects random 5xx at the configured rate and delays answers by the latency', async () => {
    mock = new OpenAiMock({ errorRate: 0.5, latencyMs: 30, seed: 3 });
    const base = await mock.start();
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => chat(base, `q${i}`)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    const failed = results.filter((r) => r.status >= 500).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(mock.peakConcurrent).toBeGreaterThan(1);
  });

  it('rejects unknown routes with 404', async () => {
    mock = new OpenAiMock();
    const base = await mock.start();
    const res = await fetch(`${base}/models/x`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});
