import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickhouseWarehouse } from '../../../../clients/warehouse/clickhouse/clickhouse-warehouse.ts';
import {
  ReadTimeoutError,
  WarehouseAuthError,
  WarehouseUnreachableError,
} from '../../../../clients/warehouse/warehouse-errors.ts';
import { DatasetRegistry } from '../../../../compute/registry/dataset-registry.ts';
import { VersionExistsError } from '../../../../compute/registry/registry-errors.ts';
import { openSession } from '../../../../compute/session.ts';
import { freePort } from '../../../fakes/emulators.ts';
import { tempClickhouseDatabase, tempClickhouseWarehouse } from '../../../helpers/clickhouse-server.ts';
import {
  type SpawnedClickhouseFront,
  spawnClickhouseFront,
} from '../../../support/spawn-clickhouse-front.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

let warehouse: Awaited<ReturnType<typeof tempClickhouseWarehouse>>;
beforeAll(async () => {
  warehouse = await tempClickhouseWarehouse({ minInsertIntervalMs: 0 });
});
afterAll(async () => {
  await warehouse?.cleanup();
});

describe('ClickHouse warehouse over HTTP', () => {
  it('creates typed MergeTree tables and round-trips values as typed parameters', async () => {
    await warehouse.createTable(
      'typed',
      [
        { name: 'sys__id', sqlType: 'Int64', nullable: false },
        { name: 'name', sqlType: 'String', nullable: false },
        { name: 'score', sqlType: 'Float64', nullable: true },
        { name: 'tags', sqlType: 'Array(String)', nullable: false },
        { name: 'big', sqlType: 'Int64', nullable: false },
      ],
      { orderBy: ['sys__id'] },
    );
    const tricky = "it's a \\ back\tslash\nline";
    await warehouse.insert(
      'typed',
      ['sys__id', 'name', 'score', 'tags', 'big'],
      [
        [1, tricky, null, ["a'b", 'c'], '9007199254740993'],
        [2, 'plain', 1.5, [], 42],
      ],
    );
    const rows = await warehouse.query({
      sql: 'SELECT sys__id, name, score, tags, big FROM typed WHERE name = {p0:String} OR has({p1:Array(String)}, name) ORDER BY sys__id',
      parameters: [tricky, ['plain']],
    });
    expect(rows).toEqual([
      { sys__id: 1, name: tricky, score: null, tags: ["a'b", 'c'], big: 9007199254740992 },
      { sys__id: 2, name: 'plain', score: 1.5, tags: [], big: 42 },
    ]);
    const exact = await warehouse.query(
      { sql: 'SELECT big FROM typed WHERE big > {p0:Int64}', parameters: [9007199254740992n] },
      { bigints: true },
    );
    expect(exact).toEqual([{ big: 9007199254740993n }]);
    const engine = await warehouse.query({
      sql: 'SELECT engine, sorting_key FROM system.tables WHERE database = currentDatabase() AND name = {p0:String}',
      parameters: ['typed'],
    });
    expect(engine[0]?.engine).toBe('MergeTree');
    expect(String(engine[0]?.sorting_key)).toMatch(/^`?sys__id`?$/);
  });

  it('streams inserts in blocks of at least 10,000 rows (except the last) and reads back in chunks', async () => {
    await warehouse.createTable('blocks', [{ name: 'n', sqlType: 'Int64', nullable: false }], {
      orderBy: ['n'],
    });
    const before = warehouse.insertBlocks.length;
    async function* rows() {
      for (let n = 0; n < 25_500; n++) yield [n];
    }
    expect(await warehouse.insert('blocks', ['n'], rows())).toBe(25_500);
    const blocks = warehouse.insertBlocks.slice(before);
    expect(blocks.reduce((a, b) => a + b, 0)).toBe(25_500);
    for (const block of blocks.slice(0, -1)) expect(block).toBeGreaterThanOrEqual(10_000);
    const chunks: number[] = [];
    let sum = 0;
    for await (const chunk of warehouse.stream(
      { sql: 'SELECT n FROM blocks ORDER BY n', parameters: [] },
      { chunkSize: 4000 },
    )) {
      chunks.push(chunk.length);
      for (const row of chunk) sum += row.n as number;
    }
    expect(chunks.slice(0, 6)).toEqual([4000, 4000, 4000, 4000, 4000, 4000]);
    expect(sum).toBe((25_499 * 25_500) / 2);
    const arrays: unknown[][] = [];
    for await (const chunk of warehouse.streamArrays(
      { sql: 'SELECT toString(n) AS s, n FROM blocks WHERE n < 3 ORDER BY n', parameters: [] },
      { bigints: true },
    )) {
      arrays.push(...chunk);
    }
    expect(arrays).toEqual([
      ['0', 0n],
      ['1', 1n],
      ['2', 2n],
    ]);
  });

  it('waits about a second between inserts of one stream while blocks are small', async () => {
    const database = await tempClickhouseDatabase();
    const paced = await openClickhouseWarehouse({ url: database.url, minBlockRows: 10_000 });
    try {
      await paced.createTable('paced', [{ name: 'n', sqlType: 'Int64', nullable: false }]);
      // Rows trickle in (a slow producer): blocks grow until a second has passed since the last insert.
      async function* slow() {
        for (let n = 0; n < 40_000; n++) {
          if (n % 10_000 === 0) await new Promise((r) => setTimeout(r, 300));
          yield [n];
        }
      }
      const started = Date.now();
      await paced.insert('paced', ['n'], slow());
      const elapsed = Date.now() - started;
      const blocks = paced.insertBlocks;
      expect(blocks.reduce((a, b) => a + b, 0)).toBe(40_000);
      expect(blocks.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
      for (const block of blocks.slice(0, -1)) expect(block).toBeGreaterThanOrEqual(10_000);
    } finally {
      await paced.close();
      await database.drop();
    }
  });

  it('a query past its time limit fails with TIMEOUT and the warehouse keeps answering', async () => {
    const error = await warehouse
      .read({ sql: 'SELECT count() FROM numbers(1000000000000)', parameters: [] }, { timeoutMs: 500 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadTimeoutError);
    expect((error as ReadTimeoutError).code).toBe('TIMEOUT');
    expect(await warehouse.query({ sql: 'SELECT 1 AS one', parameters: [] })).toEqual([{ one: 1 }]);
  });

  it('an unreachable URL is one clear error naming it', async () => {
    const port = await freePort();
    const error = await openClickhouseWarehouse({ url: `http://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseUnreachableError);
    expect((error as WarehouseUnreachableError).code).toBe('WAREHOUSE_UNREACHABLE');
    expect((error as Error).message).toContain(`http://127.0.0.1:${port}`);
    const viaSession = await openSession({ warehouseUrl: `http://u:secret@127.0.0.1:${port}/db` }).catch(
      (e: unknown) => e,
    );
    expect(viaSession).toBeInstanceOf(WarehouseUnreachableError);
    expect((viaSession as Error).message).not.toContain('secret');
  });

  it('wrong credentials are refused with a clear error; the right ones work', async () => {
    let secured: SpawnedClickhouseFront | undefined;
    try {
      secured = await spawnClickhouseFront({ user: 'chainql', password: 's3cret' });
      const error = await openClickhouseWarehouse({
        url: secured.url.replace('//', '//chainql:wrong@'),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WarehouseAuthError);
      expect((error as WarehouseAuthError).code).toBe('WAREHOUSE_AUTH');
      expect((error as Error).message).toContain("user 'chainql'");
      expect((error as Error).message).not.toContain('wrong');
      const ok = await openClickhouseWarehouse({ url: secured.url, username: 'chainql', password: 's3cret' });
      expect(await ok.query({ sql: 'SELECT 2 AS two', parameters: [] })).toEqual([{ two: 2 }]);
      await ok.close();
    } finally {
      await secured?.stop();
    }
  });

  it('writeAtomically sent twice (a lost acknowledgement) stores the rows once', async () => {
    await warehouse.createTable('commits', [{ name: 'sys__id', sqlType: 'Int64', nullable: false }], {
      orderBy: ['sys__id'],
    });
    const write = { table: 'commits', columns: ['sys__id'], rows: [[1], [2], [3]] };
    await warehouse.writeAtomically([write]);
    await warehouse.writeAtomically([write]);
    const rows = await warehouse.query({ sql: 'SELECT count() AS n FROM commits', parameters: [] });
    expect(rows).toEqual([{ n: 3 }]);
  });
});

describe('dataset registry on ClickHouse', () => {
  it('versions, lookups, revision and deletes work as on SQLite', async () => {
    const registry = await DatasetRegistry.open(warehouse);
    const schema = { format: 1, fields: {} } as const;
    const r0 = await registry.revision();
    const a = await registry.createVersion({
      name: 'photos',
      table: 'ds_a',
      schema,
      rows: 3,
      chainHash: 'h1',
    });
    const b = await registry.createVersion({ name: 'photos', table: 'ds_b', schema, rows: 4 });
    expect([a.version, b.version]).toEqual(['1.0.0', '1.0.1']);
    expect(await registry.revision()).toBe(r0 + 2);
    await expect(
      registry.createVersion({ name: 'photos', version: '1.0.1', table: 'ds_c', schema, rows: 0 }),
    ).rejects.toBeInstanceOf(VersionExistsError);
    expect((await registry.findVersionByHash('photos', 'h1'))?.version).toBe('1.0.0');
    expect((await registry.getVersion('photos')).rows).toBe(4);
    await registry.deleteVersion('photos', '1.0.1');
    expect((await registry.listVersions('photos')).map((v) => v.version)).toEqual(['1.0.0']);
    expect(await registry.revision()).toBe(r0 + 3);
    // A deleted version number can be stored again.
    const again = await registry.createVersion({
      name: 'photos',
      version: '1.0.1',
      table: 'ds_d',
      schema,
      rows: 1,
    });
    expect(again.table).toBe('ds_d');
    expect((await registry.listVersions('photos')).map((v) => v.version)).toEqual(['1.0.0', '1.0.1']);
  });

  it('saves from several processes at once never lose a version or hand one out twice', async () => {
    const database = await tempClickhouseDatabase();
    try {
      const racers = Array.from({ length: 3 }, () => runRacer(database.url, 'race', 6));
      const versions = (await Promise.all(racers)).flat();
      expect(versions).toHaveLength(18);
      expect(new Set(versions).size).toBe(18);
      const check = await openClickhouseWarehouse({ url: database.url });
      const registry = await DatasetRegistry.open(check);
      const stored = (await registry.listVersions('race')).map((v) => v.version);
      expect(stored.sort()).toEqual([...versions].sort());
      expect(stored).toContain('1.0.17');
      expect(await registry.revision()).toBe(18);
      await check.close();
    } finally {
      await database.drop();
    }
  });
});

function runRacer(url: string, dataset: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'fixtures/registry-racer.ts'), url, dataset, String(count)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim()) as string[])
        : reject(new Error(`racer exited ${code}: ${err}`)),
    );
  });
}
