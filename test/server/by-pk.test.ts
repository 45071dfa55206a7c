import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readRecords } from '../../compute/chain/read.ts';
import { DuplicateKeyError, KeyDeclarationError } from '../../compute/keys/index.ts';
import { SqliteCompiler } from '../../schema/dialect/sqlite/sqlite-compiler.ts';
import type { ChainqlApp } from '../../server/app.ts';
import { byPkArguments, byPkRead } from '../../server/graphql/by-pk-field.ts';
import { loadServedModel } from '../../server/model/model-builder.ts';
import { createErrorMasker } from '../../server/plugins/use-error-codes.ts';
import { FilterBudget } from '../../server/query/filter-limits.ts';
import { scopeFor } from '../../server/query/query-scope.ts';
import { rowsRead } from '../../server/query/row-queries.ts';
import { appFor, gql, gqlData, openStore, type TestStore } from './fixtures.ts';

let store: TestStore;
let app: ChainqlApp;

const Doc = z.object({ rid: z.string(), tag: z.string(), n: z.int(), note: z.string().nullable() });
const DOCS: z.input<typeof Doc>[] = [
  { rid: 'doc-1', tag: 'a', n: 1, note: 'first' },
  { rid: 'doc-2', tag: 'b', n: 2, note: null },
  { rid: "x' OR '1'='1", tag: 'c', n: 3, note: 'quoted key' },
];

const FileRow = z.object({
  source: z.string(),
  file: z.object({ path: z.string(), size: z.int() }),
  label: z.string(),
});
const FILES: z.input<typeof FileRow>[] = [
  { source: 's3', file: { path: 'a/b.txt', size: 10 }, label: 's3 a/b' },
  { source: 'gcs', file: { path: 'a/b.txt', size: 20 }, label: 'gcs a/b' },
  { source: 's3', file: { path: 'c.txt', size: 30 }, label: 's3 c' },
];

/** Key fields of every argument type, one of them called `version`. */
const Typed = z.object({
  version: z.string(),
  n: z.int(),
  at: z.date(),
  kind: z.enum(['cat', 'dog']),
  big: z.bigint(),
  ok: z.boolean(),
  value: z.string(),
});
const TYPED: z.input<typeof Typed>[] = [
  {
    version: 'v',
    n: 1,
    at: new Date('2024-01-01T00:00:00Z'),
    kind: 'cat',
    big: 9007199254740993n,
    ok: true,
    value: 'one',
  },
  {
    version: 'v',
    n: 1,
    at: new Date('2024-01-01T00:00:00Z'),
    kind: 'dog',
    big: 9007199254740993n,
    ok: true,
    value: 'two',
  },
  {
    version: 'v',
    n: 1,
    at: new Date('2024-01-01T00:00:00Z'),
    kind: 'cat',
    big: 9007199254740992n,
    ok: true,
    value: 'three',
  },
];

const Plain = z.object({ rid: z.string() });

async function save<S extends z.ZodObject>(
  name: string,
  rows: readonly z.input<S>[],
  schema: S,
  options: { version?: string; primaryKey?: string[] | null; indexes?: string[][] } = {},
): Promise<void> {
  await readRecords(rows, schema, { session: store.session }).save(name, { force: true, ...options });
}

beforeAll(async () => {
  store = await openStore();
  await save('docs', [...DOCS, { rid: 'only-v1', tag: 'z', n: 0, note: null }], Doc, {
    version: '1.0.0',
    primaryKey: ['rid'],
    indexes: [['tag'], ['tag', 'n']],
  });
  await save('docs', DOCS, Doc, { version: '2.0.0' }); // inherits key and indexes
  await save('files', FILES, FileRow, { primaryKey: ['source', 'file.path'] });
  await save('typed', TYPED, Typed, { primaryKey: ['version', 'n', 'at', 'kind', 'big', 'ok'] });
  await save('plain', [{ rid: 'p' }], Plain);
  await save('docs_by_pk', [{ rid: 'clash' }], Plain);
  await save('rekeyed', [{ rid: 'r1' }], Plain, { version: '1.0.0' });
  await save('rekeyed', [{ rid: 'r1' }], Plain, { version: '2.0.0', primaryKey: ['rid'] });
  app = await appFor(store);
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

describe('<ds>_by_pk with a single key', () => {
  it('returns the row for an existing key, with nested selections and _id', async () => {
    const data = await gqlData(app, '{ docs_by_pk(rid: "doc-2") { _id rid tag n note } }');
    expect(data.docs_by_pk).toMatchObject({ rid: 'doc-2', tag: 'b', n: 2, note: null });
    expect(data.docs_by_pk._id).toMatch(/^-?\d+$/);
  });

  it('returns null for a key that does not exist', async () => {
    const data = await gqlData(app, '{ docs_by_pk(rid: "doc-404") { rid } }');
    expect(data).toEqual({ docs_by_pk: null });
  });

  it('takes the key from variables too', async () => {
    const data = await gqlData(app, 'query ($k: String!) { docs_by_pk(rid: $k) { n } }', { k: 'doc-1' });
    expect(data).toEqual({ docs_by_pk: { n: 1 } });
  });

  it('reads older versions with the version argument', async () => {
    const data = await gqlData(
      app,
      '{ old: docs_by_pk(rid: "only-v1", version: "1.0.0") { tag } latest: docs_by_pk(rid: "only-v1") { tag } }',
    );
    expect(data).toEqual({ old: { tag: 'z' }, latest: null });
    const missing = await gql(app, '{ docs_by_pk(rid: "doc-1", version: "9.9.9") { tag } }');
    expect(missing.errors?.[0]?.extensions?.code).toBe('VERSION_NOT_FOUND');
  });

  it('refuses a version whose primary key differs from the served one', async () => {
    const ok = await gqlData(app, '{ rekeyed_by_pk(rid: "r1") { rid } }');
    expect(ok).toEqual({ rekeyed_by_pk: { rid: 'r1' } });
    const old = await gql(app, '{ rekeyed_by_pk(rid: "r1", version: "1.0.0") { rid } }');
    expect(old.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(old.errors?.[0]?.message).toMatch(/Version 1\.0\.0 of 'rekeyed' declares no primary key/);
  });
});

describe('<ds>_by_pk sent again (the selection is planned once per query text)', () => {
  it('answers the same text anew for other variables and versions, and after a save', async () => {
    // Version 1.0.0 has no `note` column: it reads as null there, so its plan differs from the newer ones'.
    const rows = [
      { rid: 'm-1', tag: 'a', n: 1 },
      { rid: 'm-2', tag: 'b', n: 2 },
    ];
    await save('memo', rows, Doc.omit({ note: true }), { version: '1.0.0', primaryKey: ['rid'] });
    await save('memo', [{ rid: 'm-1', tag: 'a2', n: 11, note: 'eleven' }], Doc, { version: '2.0.0' });
    const text = 'query ($k: String!, $v: String) { memo_by_pk(rid: $k, version: $v) { tag n note } }';
    expect(await gqlData(app, text, { k: 'm-1' })).toEqual({
      memo_by_pk: { tag: 'a2', n: 11, note: 'eleven' },
    });
    expect(await gqlData(app, text, { k: 'm-2' })).toEqual({ memo_by_pk: null });
    expect(await gqlData(app, text, { k: 'm-2', v: '1.0.0' })).toEqual({
      memo_by_pk: { tag: 'b', n: 2, note: null },
    });
    expect(await gqlData(app, text, { k: 'm-1', v: '1.0.0' })).toEqual({
      memo_by_pk: { tag: 'a', n: 1, note: null },
    });
    // The same field twice in one text (an alias each, one through a fragment): each keeps its own selection.
    const two =
      '{ a: memo_by_pk(rid: "m-1", version: "1.0.0") { tag } b: memo_by_pk(rid: "m-2", version: "1.0.0") { ...N } } fragment N on memo { n note }';
    const expected = { a: { tag: 'a' }, b: { n: 2, note: null } };
    expect(await gqlData(app, two)).toEqual(expected);
    expect(await gqlData(app, two)).toEqual(expected);
    // A new version changes the served rows; the text sent before reads the new one.
    await save('memo', [{ rid: 'm-1', tag: 'a3', n: 111, note: null }], Doc, { version: '3.0.0' });
    expect(await gqlData(app, text, { k: 'm-1' })).toEqual({ memo_by_pk: { tag: 'a3', n: 111, note: null } });
    expect(await gqlData(app, text, { k: 'm-1', v: '2.0.0' })).toEqual({
      memo_by_pk: { tag: 'a2', n: 11, note: 'eleven' },
    });
  });
});

describe('<ds>_by_pk with composite and nested keys', () => {
  it('takes nested key fields as flattened arguments (file.path → file__path)', async () => {
    const data = await gqlData(
      app,
      '{ a: files_by_pk(source: "gcs", file__path: "a/b.txt") { source file { path size } label } ' +
        'b: files_by_pk(source: "s3", file__path: "a/b.txt") { label } }',
    );
    expect(data).toEqual({
      a: { source: 'gcs', file: { path: 'a/b.txt', size: 20 }, label: 'gcs a/b' },
      b: { label: 's3 a/b' },
    });
  });

  it('returns null when only part of the key matches', async () => {
    const data = await gqlData(app, '{ files_by_pk(source: "gcs", file__path: "c.txt") { label } }');
    expect(data).toEqual({ files_by_pk: null });
  });

  it('requires every key field', async () => {
    const result = await gql(app, '{ files_by_pk(source: "s3") { label } }');
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.message).toMatch(/argument "file__path" of type "String!" is required/);
  });

  it('types each argument like its field (Int, DateTime, enum, BigInt, Boolean) and keeps a key named version', async () => {
    const query = (kind: string, big: string) =>
      `{ typed_by_pk(version: "v", n: 1, at: "2024-01-01T00:00:00.000Z", kind: ${kind}, big: "${big}", ok: true) { value kind big at } }`;
    expect((await gqlData(app, query('dog', '9007199254740993'))).typed_by_pk).toEqual({
      value: 'two',
      kind: 'dog',
      big: '9007199254740993',
      at: '2024-01-01T00:00:00.000Z',
    });
    // 2^53 and 2^53 + 1 are different keys: BigInt arguments are not rounded through a JS number.
    expect((await gqlData(app, query('cat', '9007199254740992'))).typed_by_pk.value).toBe('three');
    expect((await gqlData(app, query('cat', '9007199254740993'))).typed_by_pk.value).toBe('one');
    const other = await gqlData(
      app,
      '{ typed_by_pk(version: "v", n: 1, at: "2024-01-01T00:00:01Z", kind: cat, big: "9007199254740993", ok: true, _version: "1.0.0") { value } }',
    );
    expect(other).toEqual({ typed_by_pk: null });
  });
});

describe('<ds>_by_pk argument validation and safety', () => {
  it('rejects wrongly typed key arguments as GraphQL validation errors', async () => {
    const intForString = await gql(app, '{ docs_by_pk(rid: 5) { rid } }');
    expect(intForString.data ?? null).toBeNull();
    expect(intForString.errors?.[0]?.message).toMatch(/String cannot represent a non string value: 5/);
    const stringForInt = await gql(
      app,
      '{ typed_by_pk(version: "v", n: "1", at: "2024-01-01T00:00:00Z", kind: cat, big: "1", ok: true) { value } }',
    );
    expect(stringForInt.errors?.[0]?.message).toMatch(/Int cannot represent non-integer value: "1"/);
    const unknownEnum = await gql(
      app,
      '{ typed_by_pk(version: "v", n: 1, at: "2024-01-01T00:00:00Z", kind: cow, big: "1", ok: true) { value } }',
    );
    expect(unknownEnum.errors?.[0]?.message).toMatch(/Value "cow" does not exist in "typed_kind_enum" enum/);
    const badDate = await gql(
      app,
      '{ typed_by_pk(version: "v", n: 1, at: "yesterday", kind: cat, big: "1", ok: true) { value } }',
    );
    expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badVariable = await gql(app, 'query ($k: Int!) { docs_by_pk(rid: $k) { rid } }', { k: 1 });
    expect(badVariable.errors?.[0]?.message).toMatch(
      /Variable "\$k" of type "Int!" used in position expecting type "String!"/,
    );
  });

  it('treats SQL in a key argument as a plain value', async () => {
    const data = await gqlData(
      app,
      `{ a: docs_by_pk(rid: "doc-1' OR '1'='1") { rid } b: docs_by_pk(rid: "\\"; DROP TABLE docs; --") { rid } ` +
        `c: docs_by_pk(rid: "x' OR '1'='1") { rid note } }`,
    );
    // The injection strings match nothing; the row whose key really is that string is found exactly.
    expect(data).toEqual({ a: null, b: null, c: { rid: "x' OR '1'='1", note: 'quoted key' } });
    const after = await gqlData(app, '{ docs_aggregate { aggregate { count } } }');
    expect(after).toEqual({ docs_aggregate: { aggregate: { count: 3 } } });
  });
});

describe('which datasets get _by_pk', () => {
  it('leaves the field out for a dataset without a primary key', async () => {
    const fields = await gqlData(
      app,
      '{ __type(name: "Query") { fields { name args { name type { kind name ofType { name } } } } } }',
    );
    const byName = new Map<
      string,
      {
        args: {
          name: string;
          type: { kind: string; name: string | null; ofType: { name: string } | null };
        }[];
      }
    >(fields.__type.fields.map((f: { name: string }) => [f.name, f]));
    expect(byName.has('plain')).toBe(true);
    expect(byName.has('plain_by_pk')).toBe(false);
    expect(
      byName
        .get('files_by_pk')
        ?.args.map(
          (a) => `${a.name}: ${a.type.ofType?.name ?? a.type.name}${a.type.kind === 'NON_NULL' ? '!' : ''}`,
        ),
    ).toEqual(['source: String!', 'file__path: String!', 'version: String']);
    expect(byName.get('typed_by_pk')?.args.map((a) => a.name)).toEqual([
      'version',
      'n',
      'at',
      'kind',
      'big',
      'ok',
      '_version',
    ]);
    const query = await gql(app, '{ plain_by_pk(rid: "p") { rid } }');
    expect(query.errors?.[0]?.message).toMatch(/Cannot query field "plain_by_pk" on type "Query"/);
  });
});

describe('_by_pk naming', () => {
  it('is claimed with the dataset: a dataset called docs_by_pk is served as docs_by_pk_2', async () => {
    const data = await gqlData(
      app,
      '{ docs_by_pk(rid: "doc-1") { rid } docs_by_pk_2 { rid } datasets { name graphql_name } }',
    );
    expect(data.docs_by_pk).toEqual({ rid: 'doc-1' });
    expect(data.docs_by_pk_2).toEqual([{ rid: 'clash' }]);
    expect(data.datasets).toContainEqual({ name: 'docs_by_pk', graphql_name: 'docs_by_pk_2' });
  });
});

describe('datasets { versions { primaryKey indexes } }', () => {
  it('shows each version’s declarations, inherited ones included', async () => {
    const data = await gqlData(app, '{ datasets { name versions { version primaryKey indexes } } }');
    const byName = Object.fromEntries(
      data.datasets.map((d: { name: string; versions: unknown }) => [d.name, d.versions]),
    );
    expect(byName.docs).toEqual([
      { version: '1.0.0', primaryKey: ['rid'], indexes: [['tag'], ['tag', 'n']] },
      { version: '2.0.0', primaryKey: ['rid'], indexes: [['tag'], ['tag', 'n']] },
    ]);
    expect(byName.files).toEqual([{ version: '1.0.0', primaryKey: ['source', 'file.path'], indexes: [] }]);
    expect(byName.plain).toEqual([{ version: '1.0.0', primaryKey: null, indexes: [] }]);
    expect(byName.rekeyed).toEqual([
      { version: '1.0.0', primaryKey: null, indexes: [] },
      { version: '2.0.0', primaryKey: ['rid'], indexes: [] },
    ]);
  });
});

describe('compiled statement', () => {
  it('is one parameterised WHERE … LIMIT 1 that SQLite answers from the <table>_pk unique index', async () => {
    const model = await loadServedModel(store.session.registry);
    const db = new Database((store.session.warehouse as unknown as { path: string }).path, {
      readonly: true,
    });
    try {
      for (const [name, values] of [
        ['docs', { rid: "doc-1' OR 1=1 --" }],
        ['files', { source: 's3', file__path: 'a/b.txt' }],
      ] as const) {
        const ds = model.datasets.find((d) => d.name === name);
        if (ds === undefined) throw new Error(`no ${name}`);
        const args = byPkArguments(ds) ?? [];
        const scope = scopeFor(ds, undefined);
        const planned = byPkRead(scope, { leaves: [...ds.leaves], id: true }, args, values);
        expect(planned.point).toBe(true);
        const statement = new SqliteCompiler().compileQuery(planned.query);
        expect(statement.sql).toMatch(/ WHERE \(*"\w+" = \?\)( AND \("\w+" = \?\)\))* LIMIT \?$/);
        expect(statement.sql).not.toContain('OR 1=1');
        expect(statement.parameters).toEqual([...Object.values(values), 1]);
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.parameters) as {
          detail: string;
        }[];
        const table = ds.latest.table;
        const columns = name === 'docs' ? '(rid=?)' : '(source=? AND file__path=?)';
        expect(plan.map((p) => p.detail)).toEqual([`SEARCH ${table} USING INDEX ${table}_pk ${columns}`]);
      }
    } finally {
      db.close();
    }
  });
});

describe('where filters on declared fields', () => {
  it('use the secondary index for an equality filter and the key index for a nested key filter', async () => {
    const model = await loadServedModel(store.session.registry);
    const db = new Database((store.session.warehouse as unknown as { path: string }).path, {
      readonly: true,
    });
    const plan = (name: string, where: unknown) => {
      const ds = model.datasets.find((d) => d.name === name);
      if (ds === undefined) throw new Error(`no ${name}`);
      const planned = rowsRead(
        scopeFor(ds, undefined),
        { leaves: [...ds.leaves], id: true },
        { where, limit: 100, offset: 0 },
        new FilterBudget({ maxFilterDepth: 64, maxFilterPredicates: 10_000 }, 'where', {
          bigintArrayItemsAsText: true,
        }),
      );
      const statement = new SqliteCompiler().compileQuery(planned.query);
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.parameters) as {
        detail: string;
      }[];
      return { table: ds.latest.table, details: rows.map((r) => r.detail).join(' | ') };
    };
    try {
      const tag = plan('docs', { tag: { _eq: 'a' } });
      expect(tag.details).toContain(`SEARCH ${tag.table} USING INDEX ${tag.table}_ix_tag`);
      const nested = plan('files', { file: { path: { _eq: 'a/b.txt' } }, source: { _eq: 's3' } });
      expect(nested.details).toContain(
        `SEARCH ${nested.table} USING INDEX ${nested.table}_pk (source=? AND file__path=?)`,
      );
      // The same values through the filter as through _by_pk.
      const data = await gqlData(app, '{ docs(where: {tag: {_eq: "b"}}) { rid } }');
      expect(data).toEqual({ docs: [{ rid: 'doc-2' }] });
    } finally {
      db.close();
    }
  });
});

describe('key errors', () => {
  it('map DUPLICATE_KEY and INVALID_KEY to extensions.code with their messages', () => {
    const mask = createErrorMasker(() => {
      throw new Error('expected errors must not be logged');
    });
    const duplicate = mask(new DuplicateKeyError('docs', ['rid'], { rid: 'doc-1' }, 2), 'Unexpected error.');
    expect(duplicate.message).toMatch(/Cannot save 'docs': 2 rows share the primary key \(rid\) = "doc-1"/);
    expect((duplicate as { extensions?: { code?: string } }).extensions?.code).toBe('DUPLICATE_KEY');
    const invalid = mask(
      new KeyDeclarationError('docs', 'note', "Primary key field 'note' of 'docs' is nullable"),
      'Unexpected error.',
    );
    expect((invalid as { extensions?: { code?: string } }).extensions?.code).toBe('INVALID_KEY');
    expect(invalid.message).toMatch(/'note'/);
  });
});
