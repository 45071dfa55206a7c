/**
 * One suite, two warehouses: a delta save (added, changed, deleted files; a retry of stored errors) and
 * chain.diff() give the same answers on SQLite and on ClickHouse.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readDataset, readRecords, readStorage } from '../../../compute/index.ts';
import { tempDir, tempSession, WAREHOUSES } from '../../helpers/temp-session.ts';

const name = (i: number) => `w${String(i).padStart(4, '0')}.txt`;

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let session: Awaited<ReturnType<typeof tempSession>>;
  let files: ReturnType<typeof tempDir>;
  const failing = new Set<string>();
  let calls = 0;
  beforeAll(async () => {
    session = await tempSession(warehouse);
    files = tempDir('chainql-delta-wh-');
    for (let i = 1; i <= 100; i++) writeFileSync(join(files.dir, name(i)), `file ${i}`);
  });
  afterAll(async () => {
    await session?.cleanup();
    files?.remove();
  });

  const chain = (retry: boolean) =>
    readStorage(files.dir, { session, delta: true, ...(retry ? { deltaRetry: 'udf_error' } : {}) })
      .settings({ onDelta: () => {} })
      .map(
        { size: z.int() },
        ({ file }) => {
          calls++;
          if (failing.has(file.path.split('/').pop() ?? '')) throw new Error('flaky');
          return { size: file.size };
        },
        { onError: 'store' },
      );

  it('processes only new and changed files, then retries only stored errors', async () => {
    failing.add(name(50));
    calls = 0;
    await chain(false).save('wh_sizes');
    expect(calls).toBe(100);
    for (let i = 101; i <= 104; i++) writeFileSync(join(files.dir, name(i)), `new ${i}`);
    writeFileSync(join(files.dir, name(7)), 'changed, and longer');
    rmSync(join(files.dir, name(8)));
    calls = 0;
    const v2 = await chain(false).save('wh_sizes');
    expect(calls).toBe(5);
    expect(v2.rows).toBe(103);
    failing.clear();
    calls = 0;
    const v3 = await chain(true).save('wh_sizes');
    expect(calls).toBe(1);
    const rows = await readDataset<{ file: { path: string }; size: number; udf_error: unknown }>('wh_sizes', {
      session,
    }).collect();
    expect(rows).toHaveLength(103);
    expect(rows.filter((r) => r.udf_error !== null)).toHaveLength(0);
    expect(rows.find((r) => r.file.path.endsWith(name(7)))?.size).toBe('changed, and longer'.length);
    expect(v3.lineage).toContainEqual({ dataset: 'wh_sizes', version: v2.version });
  });

  it('diff() labels added, deleted, modified and same rows', async () => {
    const Item = z.object({ id: z.int(), v: z.string() });
    await readRecords(
      [
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
        { id: 3, v: 'c' },
      ],
      Item,
      { session },
    ).save('wh_items', { version: '1.0.0' });
    await readRecords(
      [
        { id: 1, v: 'a' },
        { id: 2, v: 'B' },
        { id: 4, v: 'd' },
      ],
      Item,
      { session },
    ).save('wh_items', { version: '1.0.1' });
    const rows = await readDataset<{ id: number; diff: string }>('wh_items', { session })
      .diff(readDataset('wh_items', { session, version: '1.0.0' }), { on: 'id' })
      .orderBy('id')
      .collect();
    expect(rows.map((r) => [r.id, r.diff])).toEqual([
      [1, 'same'],
      [2, 'modified'],
      [3, 'deleted'],
      [4, 'added'],
    ]);
  });
});
