import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { readRecords } from '../../compute/chain/read.ts';
import { openSession, type Session } from '../../compute/session.ts';
import { vector } from '../../schema/record/vector.ts';
import { type ChainqlApp, type CreateAppOptions, createApp } from '../../server/app.ts';
import { tempClickhouseDatabase } from '../helpers/clickhouse-server.ts';
import type { WarehouseKind } from '../helpers/temp-session.ts';

/** A throw-away data directory with an open session; `dispose` closes and deletes it. */
export interface TestStore {
  readonly dir: string;
  readonly session: Session;
  save<S extends z.ZodObject>(
    name: string,
    rows: readonly z.input<S>[],
    schema: S,
    version?: string,
  ): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Opens a fresh store under the OS temp dir: the embedded SQLite file, or (`'clickhouse'`) a fresh database on
 * the test process's shared ClickHouse over HTTP.
 */
export async function openStore(kind: WarehouseKind = 'sqlite'): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'chainql-server-'));
  const database = kind === 'clickhouse' ? await tempClickhouseDatabase() : undefined;
  const session = await openSession({ dataDir: dir, ...(database ? { warehouseUrl: database.url } : {}) });
  return {
    dir,
    session,
    async save(name, rows, schema, version) {
      await readRecords(rows, schema, { session }).save(name, {
        force: true,
        ...(version ? { version } : {}),
      });
    },
    async dispose() {
      await session.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The nested fixture row type: depth 3 (`det.box.w`), enums, arrays, vectors, dates, bigints, records. */
export const Photo = z.object({
  name: z.string().describe('File name'),
  size: z.int().nullable(),
  score: z.number().optional(),
  ok: z.boolean(),
  kind: z.enum(['cat', 'dog', 'bird']),
  taken: z.date().nullable(),
  big: z.bigint().nullable(),
  tags: z.array(z.string()),
  emb: vector(3).nullable(),
  meta: z.record(z.string(), z.number()).nullable(),
  det: z.object({
    label: z.string().nullable(),
    confidence: z.number().nullable(),
    box: z.object({ w: z.number(), h: z.number().nullable() }),
  }),
});

export type PhotoRow = z.input<typeof Photo>;

/** Eight rows covering nulls, ties, unicode and case differences. */
export const PHOTOS: PhotoRow[] = [
  {
    name: 'a.jpg',
    size: 10,
    score: 0.5,
    ok: true,
    kind: 'cat',
    taken: new Date('2024-01-01T00:00:00Z'),
    big: 9007199254740993n,
    tags: ['x', 'y'],
    emb: [1, 0, 0],
    meta: { a: 1 },
    det: { label: 'cat', confidence: 0.9, box: { w: 10, h: 5 } },
  },
  {
    name: 'B.jpg',
    size: null,
    score: 1.5,
    ok: false,
    kind: 'dog',
    taken: null,
    big: null,
    tags: [],
    emb: [0, 1, 0],
    meta: null,
    det: { label: 'dog', confidence: 0.4, box: { w: 20, h: null } },
  },
  {
    name: 'c.png',
    size: 30,
    ok: true,
    kind: 'dog',
    taken: new Date('2024-06-01T12:00:00Z'),
    big: -5n,
    tags: ['y'],
    emb: [0.9, 0.1, 0],
    meta: { b: 2 },
    det: { label: null, confidence: null, box: { w: 5, h: 1 } },
  },
  {
    name: 'd%_.png',
    size: 30,
    score: -2,
    ok: false,
    kind: 'bird',
    taken: new Date('2023-03-03T03:03:03Z'),
    big: 7n,
    tags: ['z', 'x'],
    emb: null,
    meta: null,
    det: { label: 'bird', confidence: 0.95, box: { w: 7.5, h: 2 } },
  },
  {
    name: 'élan',
    size: 5,
    score: 0,
    ok: true,
    kind: 'cat',
    taken: null,
    big: 0n,
    tags: ['x'],
    emb: [0, 0, 1],
    meta: {},
    det: { label: 'cat', confidence: 0.7, box: { w: 10, h: 10 } },
  },
  {
    name: "o'brien; DROP TABLE x;--",
    size: 1,
    score: 2.5,
    ok: true,
    kind: 'cat',
    taken: new Date('2025-01-01T00:00:00Z'),
    big: 1n,
    tags: ['q'],
    emb: [1, 1, 0],
    meta: { c: 3 },
    det: { label: 'Cat', confidence: 0.2, box: { w: 1, h: null } },
  },
];

/** Creates an app over `store` (tests close it). */
export async function appFor(
  store: TestStore,
  options: Omit<CreateAppOptions, 'session'> = {},
): Promise<ChainqlApp> {
  return createApp({ session: store.session, apiKeys: '', ...options });
}

/** Result of a GraphQL request through `app.fetch`. */
export interface GqlResult {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** POSTs any JSON body (one operation, a batch array, persisted-query extensions); no port. */
export async function postJson(
  app: ChainqlApp,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json }> {
  const response = await app.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** POSTs a GraphQL request (no port). */
export async function gql(
  app: ChainqlApp,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GqlResult> {
  const { status, json } = await postJson(app, { query, variables }, headers);
  return { status, ...(json as Omit<GqlResult, 'status'>) };
}

/** Response JSON as tests navigate it. */
// biome-ignore lint/suspicious/noExplicitAny: tests walk untyped response JSON and assert on it.
export type Json = any;

/** Like {@link gql} but fails on errors and returns `data`. */
export async function gqlData(
  app: ChainqlApp,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Record<string, Json>> {
  const result = await gql(app, query, variables);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as Record<string, Json>;
}
