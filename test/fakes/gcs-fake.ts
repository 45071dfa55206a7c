/**
 * A small in-memory fake of the Google Cloud Storage JSON API, enough for the real
 * `@google-cloud/storage` client pointed at it with `apiEndpoint`: bucket get, object
 * list (prefix, delimiter, maxResults, pageToken, startOffset), metadata, media download with
 * `Range`, simple/multipart upload and delete. Objects carry `md5Hash` and `crc32c` (and downloads an
 * `x-goog-hash` header), which the client checks after uploads.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';

interface FakeObject {
  data: Buffer;
  contentType: string;
  generation: number;
  updated: string;
  md5: string;
  crc32c: string;
  /** Cached JSON resource text (objects are immutable once stored). */
  json?: string;
  noMd5?: boolean;
  corrupt?: boolean;
  /** Cached JSON of the partial resource for the `fields=items(...)` selection last asked for. */
  partial?: { fields: string; json: string };
}

/** Options of {@link startGcsFake}. */
export interface GcsFakeOptions {
  /** Buckets that exist at start. */
  readonly buckets?: readonly string[];
  /** When true, requests without an `Authorization` header get 401 (to test credential errors). */
  readonly requireAuth?: boolean;
}

/** Test quirks of a seeded object. */
export interface SeedQuirks {
  /** No MD5 (like GCS composite objects): only crc32c is reported. */
  readonly noMd5?: boolean;
  /** Serve bytes that differ from the stored hashes (a corrupted download). */
  readonly corrupt?: boolean;
}

/** A running fake. */
export interface GcsFake {
  /** `http://127.0.0.1:<port>` — pass as `apiEndpoint`. */
  readonly endpoint: string;
  createBucket(name: string): void;
  /** Stores an object directly (no HTTP), for fast seeding of large benchmarks. */
  seed(bucket: string, name: string, data: Buffer, contentType?: string, quirks?: SeedQuirks): void;
  /** Count of requests served, by method. */
  readonly requests: { count: number };
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port. */
export async function startGcsFake(options: GcsFakeOptions = {}): Promise<GcsFake> {
  const buckets = new Map<string, Map<string, FakeObject>>();
  // Sorted key lists per bucket, rebuilt lazily after writes (listing 50k keys stays cheap).
  const sorted = new Map<Map<string, FakeObject>, string[]>();
  const sortedKeys = (bucket: Map<string, FakeObject>): string[] => {
    let keys = sorted.get(bucket);
    if (keys === undefined) {
      keys = [...bucket.keys()].sort();
      sorted.set(bucket, keys);
    }
    return keys;
  };
  // Seeding the same Buffer many times (benchmarks) hashes it once.
  const hashes = new WeakMap<Buffer, { md5: string; crc32c: string }>();
  const makeObject = (data: Buffer, contentType: string): FakeObject => {
    let h = hashes.get(data);
    if (h === undefined) {
      h = { md5: createHash('md5').update(data).digest('base64'), crc32c: crc32c(data) };
      hashes.set(data, h);
    }
    return { data, contentType, generation: generation++, updated: new Date().toISOString(), ...h };
  };
  for (const b of options.buckets ?? []) buckets.set(b, new Map());
  let generation = 1;
  const requests = { count: 0 };

  const server: Server = createServer((req, res) => {
    requests.count++;
    handle(req, res).catch((err: unknown) => sendError(res, 500, String(err)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (options.requireAuth && req.headers.authorization === undefined) {
      await drain(req);
      return sendError(res, 401, 'Anonymous caller does not have storage.objects.list access.');
    }
    const parts = url.pathname.split('/').filter((p) => p !== '');
    // /upload/storage/v1/b/:bucket/o
    if (parts[0] === 'upload' && req.method === 'POST') {
      const bucket = buckets.get(decodeURIComponent(parts[4] ?? ''));
      const body = await drain(req);
      if (bucket === undefined) return sendError(res, 404, 'The specified bucket does not exist.');
      let name = url.searchParams.get('name') ?? '';
      let contentType = req.headers['content-type'] ?? 'application/octet-stream';
      let data = body;
      const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
      if (contentType.startsWith('multipart/') && boundary !== undefined) {
        const [meta, media] = parseMultipart(body, boundary);
        const metadata = JSON.parse(meta?.body.toString('utf8') ?? '{}') as {
          name?: string;
          contentType?: string;
        };
        name = metadata.name ?? name;
        contentType = metadata.contentType ?? media?.contentType ?? 'application/octet-stream';
        data = media?.body ?? Buffer.alloc(0);
      }
      const object = makeObject(data, contentType);
      bucket.set(name, object);
      sorted.delete(bucket);
      return sendJson(res, 200, resource(decodeURIComponent(parts[4] ?? ''), name, object));
    }
    if (parts[0] !== 'storage' || parts[1] !== 'v1' || parts[2] !== 'b')
      return sendError(res, 404, 'Not found');
    await drain(req);
    const bucketName = decodeURIComponent(parts[3] ?? '');
    const bucket = buckets.get(bucketName);
    if (bucket === undefined) return sendError(res, 404, 'The specified bucket does not exist.');
    if (parts.length === 4 && req.method === 'GET') {
      return sendJson(res, 200, { kind: 'storage#bucket', name: bucketName, id: bucketName });
    }
    if (parts[4] !== 'o') return sendError(res, 404, 'Not found');
    if (parts.length === 5 && req.method === 'GET')
      return sendText(res, 200, list(bucket, bucketName, url.searchParams));
    const name = decodeURIComponent(parts.slice(5).join('/'));
    const object = bucket.get(name);
    if (object === undefined) return sendError(res, 404, `No such object: ${bucketName}/${name}`);
    // Without object versioning, only the live generation exists.
    const generation = url.searchParams.get('generation');
    if (generation !== null && Number(generation) !== object.generation) {
      return sendError(res, 404, `No such object: ${bucketName}/${name}#${generation}`);
    }
    if (req.method === 'DELETE') {
      bucket.delete(name);
      sorted.delete(bucket);
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET') return sendError(res, 405, 'Method not allowed');
    if (url.searchParams.get('alt') !== 'media')
      return sendJson(res, 200, resource(bucketName, name, object));
    const headers: Record<string, string> = {
      'content-type': object.contentType,
      'x-goog-hash': object.noMd5 ? `crc32c=${object.crc32c}` : `crc32c=${object.crc32c},md5=${object.md5}`,
      'x-goog-generation': String(object.generation),
      // Like GCS: without this header the client skips hash validation of downloads.
      'x-goog-stored-content-encoding': 'identity',
      'x-goog-stored-content-length': String(object.data.length),
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range !== null) {
      const size = object.data.length;
      const start = range[1] === '' ? size - Number(range[2]) : Number(range[1]);
      const end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
      if (start >= size) return sendError(res, 416, 'Requested range not satisfiable');
      const slice = object.data.subarray(start, end + 1);
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${end}/${size}`,
        'content-length': slice.length,
      });
      res.end(slice);
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': object.data.length });
    res.end(object.corrupt ? Buffer.from(object.data.map((b) => b ^ 1)) : object.data);
  }

  function list(bucket: Map<string, FakeObject>, bucketName: string, q: URLSearchParams): string {
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const maxResults = Math.min(Number(q.get('maxResults') ?? 1000), 1000);
    const after = q.get('pageToken')
      ? Buffer.from(q.get('pageToken') as string, 'base64url').toString('utf8')
      : undefined;
    const startOffset = q.get('startOffset') ?? '';
    const all = sortedKeys(bucket);
    // Start at the greatest (lexicographic) lower bound of the three.
    const from = lowerBound(all, [prefix, startOffset, after ?? ''].sort().at(-1) ?? '');
    const items: string[] = [];
    // Partial responses (`fields=items(name,size),nextPageToken`), as the real API supports.
    const itemFields = /items\(([^)]*)\)/.exec(q.get('fields') ?? '')?.[1]?.split(',');
    const prefixes: string[] = [];
    let last: string | undefined;
    let truncated = false;
    for (let i = from; i < all.length; i++) {
      const key = all[i] as string;
      if (!key.startsWith(prefix)) break;
      if (key < startOffset || (after !== undefined && key <= after)) continue;
      const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
      if (cut >= 0) {
        const p = key.slice(0, cut + delimiter.length);
        if (prefixes.at(-1) === p) continue;
        if (items.length + prefixes.length >= maxResults) {
          truncated = true;
          break;
        }
        prefixes.push(p);
        last = `${p}\uffff`; // the next page resumes after the whole group
        continue;
      } else {
        if (items.length + prefixes.length >= maxResults) {
          truncated = true;
          break;
        }
        const o = bucket.get(key) as FakeObject;
        if (itemFields === undefined) {
          o.json ??= JSON.stringify(resource(bucketName, key, o));
          items.push(o.json);
        } else {
          if (o.partial?.fields !== itemFields.join(',')) {
            const full = resource(bucketName, key, o);
            o.partial = {
              fields: itemFields.join(','),
              json: JSON.stringify(Object.fromEntries(itemFields.map((f) => [f, full[f]]))),
            };
          }
          items.push(o.partial.json);
        }
      }
      last = key;
    }
    const extra = {
      ...(prefixes.length > 0 ? { prefixes } : {}),
      ...(truncated && last !== undefined
        ? { nextPageToken: Buffer.from(last, 'utf8').toString('base64url') }
        : {}),
    };
    // Items are spliced in as cached JSON text: listing cost stays far below a 20 ms request delay.
    return `{"kind":"storage#objects","items":[${items.join(',')}]${JSON.stringify(extra).slice(1, -1) === '' ? '' : `,${JSON.stringify(extra).slice(1, -1)}`}}`;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    createBucket(name: string) {
      if (!buckets.has(name)) buckets.set(name, new Map());
    },
    seed(
      bucketName: string,
      name: string,
      data: Buffer,
      contentType = 'application/octet-stream',
      quirks: SeedQuirks = {},
    ) {
      const bucket = buckets.get(bucketName);
      if (bucket === undefined) throw new Error(`no bucket ${bucketName}`);
      bucket.set(name, { ...makeObject(data, contentType), ...quirks });
      sorted.delete(bucket);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function lowerBound(keys: readonly string[], value: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function crc32c(data: Buffer): string {
  const c = new CRC32C();
  c.update(data);
  return c.toString();
}

function resource(bucket: string, name: string, o: FakeObject): Record<string, unknown> {
  return {
    kind: 'storage#object',
    id: `${bucket}/${name}/${o.generation}`,
    name,
    bucket,
    generation: String(o.generation),
    metageneration: '1',
    contentType: o.contentType,
    size: String(o.data.length),
    ...(o.noMd5 ? {} : { md5Hash: o.md5 }),
    crc32c: o.crc32c,
    etag: `${o.md5.slice(0, 12)}${o.generation}`,
    updated: o.updated,
    timeCreated: o.updated,
  };
}

function parseMultipart(body: Buffer, boundary: string): { contentType: string; body: Buffer }[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const out: { contentType: string; body: Buffer }[] = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const next = body.indexOf(delimiter, pos + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(pos + delimiter.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      let content = part.subarray(headerEnd + 4);
      if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
      out.push({ contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? '', body: content });
    }
    pos = next;
  }
  return out;
}

function drain(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, {
    error: { code: status, message, errors: [{ message, reason: status === 404 ? 'notFound' : 'error' }] },
  });
}
