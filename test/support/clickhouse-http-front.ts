/**
 * A loopback HTTP front serving ClickHouse's HTTP interface (the parts `@clickhouse/client` uses) from one chdb
 * `Session`, so tests exercise the client's production HTTP path and several processes share one ClickHouse.
 *
 * Requests run one at a time (a FIFO queue over the session). What a real server does that chdb does not is
 * emulated here (see ../../../shared/MACHINE-NOTES.md):
 * - SQL arrives in the `query=` URL parameter and/or the body; for an INSERT in the URL the body is its data;
 *   an empty insert body answers 0 rows (chdb fails with code 108).
 * - `param_*` values arrive escaped by the client (ClickHouse text format, the server parses them per type);
 *   they are handed to the engine once, unchanged, with `SET param_x = '<raw>'`. Multipart bodies carry
 *   `query` and `param_*` parts when the URL would be too long.
 * - Settings in the URL are applied with `SET` and reset after the request, the `database` parameter with
 *   `USE` and back to `default` (a chdb session keeps them, a server does not); HTTP-only settings are ignored. Multi-statement SQL is refused (code 62).
 * - Errors answer HTTP 500 (403 for authentication) with `X-ClickHouse-Exception-Code` and the engine's
 *   `Code: N. DB::Exception: … (NAME)` body; success never sends that header.
 * - Optional basic auth (`user`/`password`) so tests can check wrong credentials.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The parts of chdb's Session the front uses (typed here so the module loads chdb lazily). */
interface ChdbSession {
  queryAsync(sql: string, options?: { format?: string }): Promise<{ bytes(): Uint8Array; rowsRead: number }>;
  query(sql: string, format?: string): string;
  cleanup?(): void;
  close?(): void;
}

/** Options of {@link startClickhouseHttpFront}. */
export interface ClickhouseHttpFrontOptions {
  /** chdb data directory; default a temporary directory removed on close. */
  readonly path?: string;
  /** Port; default a free one. */
  readonly port?: number;
  /** Require these credentials (HTTP basic auth or X-ClickHouse-User/Key); default: accept any. */
  readonly user?: string;
  readonly password?: string;
}

/** A running front. */
export interface ClickhouseHttpFront {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Requests served so far (statements the engine ran, pings excluded). */
  readonly requests: number;
  close(): Promise<void>;
}

/** Settings that exist only in the HTTP layer of a server; applying them with SET fails (code 115). */
const HTTP_ONLY = new Set([
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_response_buffer_size',
  'http_headers_progress_interval_ms',
  'enable_http_compression',
  'http_zlib_compression_level',
  'cancel_http_readonly_queries_on_client_close',
  'add_http_cors_header',
]);
/** URL parameters that are not settings. */
const NOT_SETTINGS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'role',
  'compress',
  'decompress',
]);

const NAME_CODES: Record<number, string> = { 62: 'SYNTAX_ERROR', 516: 'AUTHENTICATION_FAILED' };

/** Starts the front on loopback. Loads chdb on first call (a dev dependency). */
export async function startClickhouseHttpFront(
  options: ClickhouseHttpFrontOptions = {},
): Promise<ClickhouseHttpFront> {
  const { Session } = (await import('chdb')) as unknown as {
    Session: new (path?: string) => ChdbSession;
  };
  const session = options.path === undefined ? new Session() : new Session(options.path);
  let queue: Promise<unknown> = Promise.resolve();
  let requests = 0;
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };

  // Long URLs: the client puts query parameters in the URL unless they pass its multipart threshold.
  const server: Server = createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      sendError(res, 500, 1001, `Code: 1001. DB::Exception: ${(error as Error).message}. (STD_EXCEPTION)`);
    });
  });
  server.keepAliveTimeout = 10_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('Ok.\n');
      return;
    }
    if (!authorised(req, url, options)) {
      sendError(
        res,
        403,
        516,
        `Code: 516. DB::Exception: ${userOf(req, url)}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)`,
      );
      return;
    }
    const body = await readBody(req);
    const { sql, params } = statementOf(url, body, req.headers['content-type']);
    const settings = settingsOf(url);
    const format = url.searchParams.get('default_format') ?? 'TabSeparated';
    const queryId = url.searchParams.get('query_id') ?? crypto.randomUUID();
    if (sql === undefined) {
      res.writeHead(200, headers(queryId, format, 0)).end();
      return;
    }
    if (hasSecondStatement(sql)) {
      sendError(res, 500, 62, 'Code: 62. DB::Exception: Multi-statements are not allowed. (SYNTAX_ERROR)');
      return;
    }
    try {
      const result = await serialised(async () => {
        requests++;
        const reset: string[] = [];
        const database = url.searchParams.get('database');
        try {
          if (database !== null && database !== 'default') session.query(`USE ${quoteName(database)}`);
          // Settings first: `max_query_size` also bounds the parsing of the SET that carries a large parameter.
          for (const [name, value] of settings) {
            session.query(`SET ${name} = ${settingValue(value)}`);
            reset.push(name);
          }
          // One SET for all parameters (a 5,000-term filter binds 5,000 of them).
          if (params.size > 0) {
            session.query(
              `SET ${[...params].map(([name, raw]) => `param_${name} = ${literal(raw)}`).join(', ')}`,
            );
          }
          return await session.queryAsync(sql, { format });
        } finally {
          for (const name of reset) session.query(`SET ${name} = DEFAULT`);
          if (database !== null && database !== 'default') session.query('USE default');
        }
      });
      const bytes = result.bytes();
      res.writeHead(200, headers(queryId, format, result.rowsRead)).end(Buffer.from(bytes));
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      const code = Number(/Code: (\d+)/.exec(message)?.[1] ?? 1001);
      sendError(
        res,
        500,
        code,
        message.startsWith('Code:') ? message : `Code: ${code}. DB::Exception: ${message}`,
      );
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
      session.cleanup?.();
    },
  };
}

function headers(queryId: string, format: string, rows: number): Record<string, string> {
  return {
    'Content-Type': 'text/plain; charset=UTF-8',
    'X-ClickHouse-Query-Id': queryId,
    'X-ClickHouse-Format': format,
    'X-ClickHouse-Timezone': 'UTC',
    'X-ClickHouse-Summary': JSON.stringify({ read_rows: String(rows), written_rows: '0' }),
  };
}

function sendError(res: ServerResponse, status: number, code: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const named = /\([A-Z_]+\)\s*$/.test(message) ? message : `${message} (${NAME_CODES[code] ?? 'UNKNOWN'})`;
  res
    .writeHead(status, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(code),
    })
    .end(`${named.trim()}\n`);
}

function userOf(req: IncomingMessage, url: URL): string {
  const basic = basicAuth(req);
  return String(req.headers['x-clickhouse-user'] ?? basic?.user ?? url.searchParams.get('user') ?? 'default');
}

function basicAuth(req: IncomingMessage): { user: string; password: string } | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const text = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

function authorised(req: IncomingMessage, url: URL, options: ClickhouseHttpFrontOptions): boolean {
  if (options.user === undefined) return true;
  const basic = basicAuth(req);
  const password = String(
    req.headers['x-clickhouse-key'] ?? basic?.password ?? url.searchParams.get('password') ?? '',
  );
  return userOf(req, url) === options.user && password === (options.password ?? '');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The statement to run and its raw (client-escaped) parameter texts. */
function statementOf(
  url: URL,
  body: Buffer,
  contentType: string | undefined,
): { sql: string | undefined; params: Map<string, string> } {
  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('param_') && /^param_\w+$/.test(key)) params.set(key.slice(6), value);
  }
  const urlQuery = url.searchParams.get('query') ?? '';
  const boundary = /multipart\/form-data;\s*boundary=(.+)$/i.exec(contentType ?? '')?.[1];
  if (boundary !== undefined) {
    let sql = urlQuery;
    for (const [name, value] of multipartParts(body, boundary)) {
      if (name === 'query') sql = value;
      else if (/^param_\w+$/.test(name)) params.set(name.slice(6), value);
    }
    return { sql, params };
  }
  if (/^\s*INSERT\b/i.test(urlQuery)) {
    // The body is the INSERT's data: an empty one is a no-op success (a server inserts 0 rows).
    if (body.toString('utf8').trim() === '') return { sql: undefined, params };
    return { sql: `${urlQuery}\n${body.toString('utf8')}`, params };
  }
  const sql = `${urlQuery}${urlQuery && body.length > 0 ? '\n' : ''}${body.toString('utf8')}`;
  return { sql: sql.trim() === '' ? undefined : sql, params };
}

function multipartParts(body: Buffer, boundary: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const section of body.toString('utf8').split(`--${boundary}`)) {
    const headerEnd = section.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const name = /name="([^"]+)"/.exec(section.slice(0, headerEnd))?.[1];
    if (name === undefined) continue;
    parts.set(name, section.slice(headerEnd + 4).replace(/\r\n$/, ''));
  }
  return parts;
}

function settingsOf(url: URL): Map<string, string> {
  const settings = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('param_') || NOT_SETTINGS.has(key) || HTTP_ONLY.has(key)) continue;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    settings.set(key, value);
  }
  return settings;
}

/** A backquoted ClickHouse identifier. */
function quoteName(name: string): string {
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}

/** A ClickHouse string literal holding `raw` exactly. */
function literal(raw: string): string {
  return `'${raw.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function settingValue(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? value : literal(value);
}

/**
 * True when `sql` holds a second statement after a `;` (outside strings, identifiers and comments). The data
 * of an `INSERT … FORMAT`/`VALUES` is not inspected: only the text up to the first newline after FORMAT.
 */
export function hasSecondStatement(sql: string): boolean {
  const formatAt = /\bFORMAT\s+\w+/i.exec(sql);
  const text = formatAt && /^\s*INSERT\b/i.test(sql) ? sql.slice(0, formatAt.index) : sql;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    if (c === ';') return text.slice(i + 1).trim() !== '';
    i++;
  }
  return false;
}
