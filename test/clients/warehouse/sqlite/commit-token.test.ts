import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CommitToken } from '../../../../clients/warehouse/sqlite/commit-token.ts';
import { useTempWarehouses } from './temp-warehouse.ts';

const temp = useTempWarehouses();
const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

/** Runs SQL on the file from another process (a plain better-sqlite3 connection). */
function inOtherProcess(path: string, sql: string): void {
  const script = `const D = require(${JSON.stringify(betterSqlite3)}); const db = new D(${JSON.stringify(path)}); db.exec(${JSON.stringify(sql)}); db.close();`;
  execFileSync(process.execPath, ['-e', script]);
}

describe('SqliteWarehouse.commitToken', () => {
  it('changes with every commit, from this warehouse or another process, and with nothing else', async () => {
    const warehouse = await temp.open();
    await warehouse.execute({ sql: 'CREATE TABLE t (x INTEGER)', parameters: [] });
    const first = warehouse.commitToken();
    expect(first).toBeDefined();
    await warehouse.query({ sql: 'SELECT count(*) AS n FROM t', parameters: [] });
    expect(warehouse.commitToken()).toBe(first);

    await warehouse.execute({ sql: 'INSERT INTO t VALUES (1)', parameters: [] });
    const second = warehouse.commitToken();
    expect(second).not.toBe(first);

    inOtherProcess(warehouse.path, 'INSERT INTO t VALUES (2)');
    const third = warehouse.commitToken();
    expect(third).not.toBe(second);

    // A transaction rolled back commits nothing.
    inOtherProcess(warehouse.path, 'BEGIN; INSERT INTO t VALUES (3); ROLLBACK;');
    expect(warehouse.commitToken()).toBe(third);

    await warehouse.close();
    expect(warehouse.commitToken()).toBeUndefined();
  });

  it('is undefined without a WAL index or while its two header copies differ', () => {
    const dir = temp.dir();
    expect(new CommitToken(join(dir, 'none.db')).read()).toBeUndefined();

    const path = join(dir, 'fake.db');
    const header = Buffer.alloc(48);
    header.writeUInt32LE(7, 8); // change counter
    header[12] = 1; // isInit
    writeFileSync(`${path}-shm`, Buffer.concat([header, header]));
    const token = new CommitToken(path);
    const consistent = token.read();
    expect(consistent).toBeDefined();
    const torn = Buffer.from(header);
    torn.writeUInt32LE(8, 8);
    writeFileSync(`${path}-shm`, Buffer.concat([torn, header]));
    expect(token.read()).toBeUndefined();
    writeFileSync(`${path}-shm`, Buffer.concat([torn, torn]));
    expect(token.read()).not.toBe(consistent);
    const uninitialised = Buffer.from(torn);
    uninitialised[12] = 0;
    writeFileSync(`${path}-shm`, Buffer.concat([uninitialised, uninitialised]));
    expect(token.read()).toBeUndefined();
    token.close();
  });
});

describe('SqliteRegistryStore.revision', () => {
  it('reads the revision again only after a commit, and sees a bump from another process at once', async () => {
    const warehouse = await temp.open();
    const store = warehouse.registryStore();
    await store.migrate();
    const reads = vi.spyOn(warehouse, 'query');
    const before = await store.revision();
    const afterFirst = reads.mock.calls.length;
    expect(await store.revision()).toBe(before);
    expect(await store.revision()).toBe(before);
    expect(reads.mock.calls.length).toBe(afterFirst);

    inOtherProcess(warehouse.path, "UPDATE chainql_meta SET value = value + 1 WHERE key = 'revision'");
    expect(await store.revision()).toBe(before + 1);
    expect(reads.mock.calls.length).toBe(afterFirst + 1);

    // Any commit (here: an unrelated table) makes the next call read again; the revision is unchanged.
    await warehouse.execute({ sql: 'CREATE TABLE other (x INTEGER)', parameters: [] });
    expect(await store.revision()).toBe(before + 1);
    expect(reads.mock.calls.length).toBe(afterFirst + 2);
  });
});
