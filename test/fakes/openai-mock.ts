import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible HTTP server for tests and benchmarks (node:http on 127.0.0.1, port 0):
 * POST /v1/chat/completions and /v1/embeddings with deterministic answers derived from the input,
 * configurable latency, RPM/TPM limits answering 429 + Retry-After, random 5xx, scripted failures
 * for the first calls of each row, and call counters per row marker.
 *
 * Row marker (the counter key): the request's `user` field; else `[row:<key>]` found in the last
 * message / embedding input; else the whole last message / input text.
 */
export interface OpenAiMockOptions {
  /** Delay before every response, ms. Default 0. */
  latencyMs?: number;
  /** Extra random delay in [0, latencyJitterMs), ms. Default 0. */
  latencyJitterMs?: number;
  /** Successful requests allowed per window; more get 429. Default unlimited. */
  requestsPerMinute?: number;
  /** Tokens (prompt + completion) allowed per window; more get 429. Default unlimited. */
  tokensPerMinute?: number;
  /** Length of the rate window in ms (shorten for fast tests). Default 60 000. */
  windowMs?: number;
  /** Retry-After format on 429: integer `seconds` (rounded up), `fractional` seconds, or an HTTP `date`. Default 'seconds'. */
  retryAfterFormat?: 'seconds' | 'fractional' | 'date';
  /** Probability (0..1) that a request answers a random 500/502/503. Default 0. */
  errorRate?: number;
  /** Seed of the PRNG used for errors and jitter. Default 1. */
  seed?: number;
  /** The first `count` calls for every row key answer `status` (with Retry-After when given). */
  failFirst?: { count: number; status: number; retryAfterSeconds?: number };
  /** Embedding length. Default 8. */
  embeddingDimensions?: number;
}

/** One handled request, for assertions on rates and statuses. */
export interface MockRequestRecord {
  /** performance.now() when the request arrived. */
  readonly at: number;
  readonly path: string;
  readonly key: string;
  readonly status: number;
}

/** The deterministic chat answer for a model and last-message text. */
export function expectedChatContent(model: string, content: string): string {
  return `reply-${hash(`${model}\u0000${content}`).slice(0, 16)}`;
}

/** The deterministic embedding of `input` (values in [-1, 1]). */
export function expectedEmbedding(input: string, dimensions = 8): number[] {
  const digest = createHash('sha256').update(input).digest();
  return Array.from(
    { length: dimensions },
    (_, i) => Math.round(((digest[i % digest.length]! / 255) * 2 - 1) * 1e6) / 1e6,
  );
}

/** Token count the mock charges for a text (≈ 4 chars per token, at least 1). */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const rowMarker = /\[row:([^\]]+)\]/;

export class OpenAiMock {
  private server: Server | undefined;
  private options: OpenAiMockOptions;
  private readonly perKey = new Map<string, number>();
  private window: Array<{ at: number; tokens: number }> = [];
  private random: () => number;
  private active = 0;

  /** Every handled request in arrival order. */
  readonly requests: MockRequestRecord[] = [];
  /** Highest number of requests being handled at once. */
  peakConcurrent = 0;

  constructor(options: OpenAiMockOptions = {}) {
    this.options = { ...options };
    this.random = mulberry32(options.seed ?? 1);
  }

  /** Starts listening on 127.0.0.1 (random port); resolves with the base URL (`http://127.0.0.1:P/v1`). */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return this.baseUrl;
  }

  /** Base URL of the API (`…/v1`). Throws when not started. */
  get baseUrl(): string {
    if (!this.server) throw new Error('OpenAiMock is not started');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Stops the server and drops open connections. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Changes options for later requests. */
  configure(options: Partial<OpenAiMockOptions>): void {
    this.options = { ...this.options, ...options };
    if (options.seed !== undefined) this.random = mulberry32(options.seed);
  }

  /** Requests received for a row key (any status). */
  callsFor(key: string): number {
    return this.perKey.get(key) ?? 0;
  }

  /** Requests received (any status). */
  get totalCalls(): number {
    return this.requests.length;
  }

  /** Requests answered 200. */
  get successfulCalls(): number {
    return this.requests.filter((r) => r.status === 200).length;
  }

  /** Row keys with their call counts. */
  callCounts(): ReadonlyMap<string, number> {
    return this.perKey;
  }

  /** Clears counters, the request log and the rate window. */
  reset(): void {
    this.perKey.clear();
    this.requests.length = 0;
    this.window = [];
    this.peakConcurrent = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    this.active++;
    this.peakConcurrent = Math.max(this.peakConcurrent, this.active);
    try {
      const raw = await readBody(req);
      const path = (req.url ?? '').split('?')[0]!;
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw || '{}') as Record<string, unknown>;
      } catch {
        return await this.reply(res, at, path, '', 400, {
          error: { message: 'invalid JSON body', type: 'invalid_request_error' },
        });
      }
      const text = requestText(path, body);
      if (text === undefined) {
        return await this.reply(res, at, path, '', 404, {
          error: { message: `unknown route ${req.method} ${path}`, type: 'invalid_request_error' },
        });
      }
      const key = typeof body.user === 'string' ? body.user : (rowMarker.exec(text)?.[1] ?? text);
      const calls = (this.perKey.get(key) ?? 0) + 1;
      this.perKey.set(key, calls);
      const { failFirst, errorRate = 0 } = this.options;
      if (failFirst && calls <= failFirst.count) {
        const headers: Record<string, string> =
          failFirst.retryAfterSeconds !== undefined
            ? { 'retry-after': String(failFirst.retryAfterSeconds) }
            : {};
        return await this.reply(
          res,
          at,
          path,
          key,
          failFirst.status,
          { error: { message: 'scripted failure', type: 'server_error' } },
          headers,
        );
      }
      if (errorRate > 0 && this.random() < errorRate) {
        const status = [500, 502, 503][Math.floor(this.random() * 3)]!;
        return await this.reply(res, at, path, key, status, {
          error: { message: 'random failure', type: 'server_error' },
        });
      }
      const model = typeof body.model === 'string' ? body.model : 'mock-model';
      const promptTokens = countTokens(text);
      const completionTokens = path.endsWith('/embeddings') ? 0 : 8;
      const limited = this.checkLimits(at, promptTokens + completionTokens);
      if (limited !== undefined) {
        return await this.reply(
          res,
          at,
          path,
          key,
          429,
          { error: { message: 'Rate limit reached', type: 'rate_limit_error' } },
          { 'retry-after': limited },
        );
      }
      if (path.endsWith('/embeddings')) {
        const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input)];
        const dims = this.options.embeddingDimensions ?? 8;
        return await this.reply(res, at, path, key, 200, {
          object: 'list',
          model,
          data: inputs.map((input, index) => ({
            object: 'embedding',
            index,
            embedding: expectedEmbedding(input, dims),
          })),
          usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
        });
      }
      const last = lastMessage(body);
      return await this.reply(res, at, path, key, 200, {
        id: `chatcmpl-${hash(`${model}${last}`).slice(0, 12)}`,
        object: 'chat.completion',
        created: 1_700_000_000,
        model,
        choices: [
          {
            index: 0,
            finish_reason: 'stop',
            message: { role: 'assistant', content: expectedChatContent(model, last) },
          },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      });
    } finally {
      this.active--;
    }
  }

  /** Returns a Retry-After header value when the request would exceed a limit; else records it. */
  private checkLimits(at: number, tokens: number): string | undefined {
    const { requestsPerMinute, tokensPerMinute, windowMs = 60_000 } = this.options;
    if (requestsPerMinute === undefined && tokensPerMinute === undefined) return undefined;
    this.window = this.window.filter((w) => w.at > at - windowMs);
    const used = this.window.reduce((sum, w) => sum + w.tokens, 0);
    const overRequests = requestsPerMinute !== undefined && this.window.length + 1 > requestsPerMinute;
    const overTokens = tokensPerMinute !== undefined && used + tokens > tokensPerMinute;
    if (!overRequests && !overTokens) {
      this.window.push({ at, tokens });
      return undefined;
    }
    const waitMs = Math.max(1, (this.window[0]?.at ?? at) + windowMs - at);
    switch (this.options.retryAfterFormat ?? 'seconds') {
      case 'fractional':
        return (waitMs / 1000).toFixed(3);
      case 'date':
        return new Date(Date.now() + waitMs + 1000).toUTCString();
      default:
        return String(Math.ceil(waitMs / 1000));
    }
  }

  private async reply(
    res: ServerResponse,
    at: number,
    path: string,
    key: string,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ): Promise<void> {
    const { latencyMs = 0, latencyJitterMs = 0 } = this.options;
    const delay = latencyMs + (latencyJitterMs > 0 ? this.random() * latencyJitterMs : 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    this.requests.push({ at, path, key, status });
    const json = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      ...headers,
    });
    res.end(json);
  }
}

function requestText(path: string, body: Record<string, unknown>): string | undefined {
  if (path.endsWith('/chat/completions')) return lastMessage(body);
  if (path.endsWith('/embeddings'))
    return Array.isArray(body.input) ? body.input.map(String).join('\n') : String(body.input ?? '');
  return undefined;
}

function lastMessage(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
  const content = messages.at(-1)?.content;
  return typeof content === 'string' ? content : JSON.stringify(content ?? '');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
