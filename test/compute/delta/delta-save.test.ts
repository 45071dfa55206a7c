import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { File } from '../../../clients/storage/file.ts';
import { StorageContext } from '../../../clients/storage/storage-context.ts';
import { DeltaError } from '../../../compute/delta/delta-errors.ts';
import type { DeltaReport } from '../../../compute/delta/delta-report.ts';
import {
  DuplicateKeyError,
  openSession,
  readDataset,
  readRecords,
  readStorage,
} from '../../../compute/index.ts';
import { tempDir, tempSession } from '../../helpers/temp-session.ts';

let session: Awaited<ReturnType<typeof tempSession>>;
let dir: ReturnType<typeof tempDir>;
const name = (i: number) => `f${String(i).padStart(5, '0')}.txt`;
const counter = { calls: 0 };
const reports: DeltaReport[] = [];

beforeAll(async () => {
  session = await tempSession();
  dir = tempDir('chainql-delta-');
  for (let i = 1; i <= 1000; i++) writeFileSync(join(dir.dir, name(i)), `file ${i} `.repeat(1 + (i % 7)));
});
afterAll(async () => {
  await session.cleanup();
  dir.remove();
});

function wordsChain(delta: boolean) {
  return readStorage(dir.dir, { glob: '*.txt', session, delta })
    .settings({ concurrency: 32, onDelta: (report) => reports.push(report) })
    .map({ words: z.int(), first: z.string() }, async ({ file }) => {
      counter.calls++;
      const text = await (file as unknown as File).readText();
      const words = text.trim().split(/\s+/);
      return { words: words.length, first: words[0] ?? '' };
    });
}

async function plainRows(dataset: string) {
  const rows = await readDataset<{ file: { path: string; etag: string }; words: number; first: string }>(
    dataset,
    {
      session,
    },
  ).collect();
  return rows
    .map((row) => ({ path: row.file.path, etag: row.file.etag, words: row.words, first: row.first }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

describe('delta saves over storage', () => {
  it('processes only the 10 added and 5 changed files, drops the 3 deleted, and equals a full recompute', async () => {
    counter.calls = 0;
    const v1 = await wordsChain(true).save('delta_words');
    expect(counter.calls).toBe(1000);
    expect(reports.at(-1)).toMatchObject({ mode: 'full', reason: 'first-run' });

    for (let i = 1001; i <= 1010; i++) writeFileSync(join(dir.dir, name(i)), `new ${i}`);
    for (const i of [5, 50, 500, 700, 999]) writeFileSync(join(dir.dir, name(i)), `changed ${i} `.repeat(20));
    for (const i of [7, 77, 777]) rmSync(join(dir.dir, name(i)));

    counter.calls = 0;
    const v2 = await wordsChain(true).save('delta_words');
    expect(counter.calls).toBe(15);
    expect(reports.at(-1)).toMatchObject({ mode: 'delta', processed: 15, kept: 992, dropped: 8 });
    expect(v2.version).toBe('1.0.1');
    expect(v2.rows).toBe(1007);

    counter.calls = 0;
    await wordsChain(false).save('full_words');
    expect(counter.calls).toBe(1007);
    expect(await plainRows('delta_words')).toEqual(await plainRows('full_words'));
    // Row by row, every field, in stored order: the delta version is what a full recompute saves.
    const stored = (dataset: string) => readDataset(dataset, { session }).collect();
    const deltaRows = await stored('delta_words');
    expect(deltaRows).toHaveLength(1007);
    expect(deltaRows).toEqual(await stored('full_words'));

    // Lineage: the listing version this run read, and the previous result version it built on.
    const listing = v2.lineage.find(
      (entry) => typeof entry !== 'string' && entry.dataset.startsWith('_listing.'),
    );
    expect(listing).toBeDefined();
    const used = listing as { dataset: string; version: string };
    expect((await session.registry.getVersion(used.dataset)).version).toBe(used.version);
    expect(v1.lineage).not.toContainEqual(used);
    expect(v2.lineage).toContainEqual({ dataset: 'delta_words', version: v1.version });
  });
});

function filesIn(count: number): string {
  const d = tempDir('chainql-delta-');
  dirs.push(d);
  for (let i = 1; i <= count; i++) writeFileSync(join(d.dir, name(i)), `file ${i}`);
  return d.dir;
}
const dirs: ReturnType<typeof tempDir>[] = [];
afterAll(() => {
  for (const d of dirs) d.remove();
});

const failing = new Set<string>();

describe('delta saves: unchanged input, changed code, retries', () => {
  it('returns the previous version when nothing changed, and runs in full when the UDF code changed', async () => {
    const root = filesIn(40);
    const run = (suffix: string) =>
      readStorage(root, { session, delta: true })
        .settings({ onDelta: (report) => reports.push(report) })
        .map({ n: z.int() }, ({ file }) => {
          counter.calls++;
          return { n: suffix === 'a' ? file.size : file.size * 2 };
        });
    counter.calls = 0;
    const v1 = await run('a').save('delta_code');
    expect(counter.calls).toBe(40);
    const again = await run('a').save('delta_code');
    expect(again.version).toBe(v1.version);
    expect(counter.calls).toBe(40);
    expect(reports.at(-1)).toMatchObject({ mode: 'unchanged' });

    writeFileSync(join(root, name(41)), 'one more');
    const changedCode = readStorage(root, { session, delta: true })
      .settings({ onDelta: (report) => reports.push(report) })
      .map({ n: z.int() }, ({ file }) => {
        counter.calls++;
        return { n: file.size + 1 };
      });
    counter.calls = 0;
    const v2 = await changedCode.save('delta_code');
    expect(counter.calls).toBe(41);
    expect(reports.at(-1)).toMatchObject({ mode: 'full', reason: 'udf-code-changed' });
    expect(v2.rows).toBe(41);
  });

  it("deltaRetry: 'udf_error' calls the UDF only for rows whose stored error is set", async () => {
    const root = filesIn(60);
    const chain = (retry: boolean) =>
      readStorage(root, { session, delta: true, ...(retry ? { deltaRetry: 'udf_error' } : {}) })
        .settings({ onDelta: (report) => reports.push(report) })
        .map(
          { size: z.int() },
          ({ file }) => {
            counter.calls++;
            if (failing.has(file.path.split('/').pop() ?? '')) throw new Error(`flaky ${file.path}`);
            return { size: file.size };
          },
          { onError: 'store' },
        );
    for (const i of [3, 17, 31, 59]) failing.add(name(i));
    counter.calls = 0;
    const v1 = await chain(false).save('delta_retry');
    expect(counter.calls).toBe(60);
    const errors = async () =>
      (await readDataset<{ udf_error: unknown }>('delta_retry', { session }).collect()).filter(
        (row) => row.udf_error !== null,
      ).length;
    expect(await errors()).toBe(4);

    failing.clear();
    counter.calls = 0;
    const v2 = await chain(true).save('delta_retry');
    expect(counter.calls).toBe(4);
    expect(v2.version).not.toBe(v1.version);
    expect(v2.rows).toBe(60);
    expect(await errors()).toBe(0);
    expect(reports.at(-1)).toMatchObject({ mode: 'delta', processed: 4, kept: 56, dropped: 4 });

    counter.calls = 0;
    const v3 = await chain(true).save('delta_retry');
    expect(counter.calls).toBe(0);
    expect(v3.version).toBe(v2.version);
  });

  it('deltaRetry: true reprocesses source rows missing from the result', async () => {
    const root = filesIn(20);
    const skip = new Set([name(2), name(12)]);
    const chain = (retry: boolean) =>
      readStorage(root, { session, delta: true, deltaRetry: retry })
        .settings({ onDelta: (report) => reports.push(report) })
        .gen(
          { file: z.object({ path: z.string(), source: z.string() }), size: z.int() },
          function* ({ file }) {
            counter.calls++;
            if (!skip.has(file.path.split('/').pop() ?? ''))
              yield { file: { path: file.path, source: file.source }, size: file.size };
          },
        );
    counter.calls = 0;
    expect((await chain(false).save('delta_missing')).rows).toBe(18);
    skip.clear();
    counter.calls = 0;
    const v2 = await chain(true).save('delta_missing');
    expect(counter.calls).toBe(2);
    expect(v2.rows).toBe(20);
  });
});

describe('delta saves: keys, dataset sources, bad declarations', () => {
  it('keeps an inherited primary key and still refuses a duplicate', async () => {
    const root = filesIn(30);
    const chain = () =>
      readStorage(root, { session, delta: true })
        .settings({ onDelta: (report) => reports.push(report) })
        .gen(
          { file: z.object({ path: z.string(), source: z.string() }), part: z.int() },
          async function* ({ file }) {
            const text = await (file as unknown as File).readText();
            yield { file: { path: file.path, source: file.source }, part: 0 };
            if (text.includes('dup')) yield { file: { path: file.path, source: file.source }, part: 1 };
          },
        );
    const v1 = await chain().save('delta_keyed', { primaryKey: ['file.path'] });
    writeFileSync(join(root, name(31)), 'plain');
    const v2 = await chain().save('delta_keyed');
    expect(v2.primaryKey).toEqual(['file.path']);
    expect(v2.rows).toBe(31);
    writeFileSync(join(root, name(32)), 'dup');
    await expect(chain().save('delta_keyed')).rejects.toBeInstanceOf(DuplicateKeyError);
    expect((await session.registry.getVersion('delta_keyed')).version).toBe(v2.version);
    rmSync(join(root, name(32)));
    writeFileSync(join(root, name(33)), 'fine');
    const v3 = await chain().save('delta_keyed');
    expect(reports.at(-1)).toMatchObject({ mode: 'delta', processed: 1 });
    expect(v3.rows).toBe(32);
    expect(v1.version).toBe('1.0.0');
  });

  it('readDataset(name, { delta: true }) defaults deltaOn to the primary key and compares every other field', async () => {
    const Person = z.object({ id: z.int(), name: z.string(), age: z.int() });
    const people = Array.from({ length: 100 }, (_, i) => ({
      id: i + 1,
      name: `p${i + 1}`,
      age: 20 + (i % 50),
    }));
    await readRecords(people, Person, { session }).save('delta_people', { primaryKey: ['id'] });
    const chain = () =>
      readDataset<z.infer<typeof Person>>('delta_people', { session, delta: true })
        .settings({ onDelta: (report) => reports.push(report) })
        .map({ greeting: z.string() }, (row) => {
          counter.calls++;
          return { greeting: `hello ${row.name} (${row.age})` };
        });
    counter.calls = 0;
    await chain().save('delta_greetings');
    expect(counter.calls).toBe(100);
    const next = people
      .filter((p) => p.id !== 50)
      .map((p) => (p.id === 10 || p.id === 20 || p.id === 30 ? { ...p, age: p.age + 1 } : p));
    next.push({ id: 101, name: 'p101', age: 33 }, { id: 102, name: 'p102', age: 34 });
    await readRecords(next, Person, { session }).save('delta_people');
    counter.calls = 0;
    const v2 = await chain().save('delta_greetings');
    expect(counter.calls).toBe(5);
    expect(v2.rows).toBe(101);
    const rows = await readDataset<{ id: number; greeting: string }>('delta_greetings', {
      session,
    }).collect();
    expect(rows.find((r) => r.id === 10)?.greeting).toBe('hello p10 (30)');
    expect(rows.map((r) => r.id)).not.toContain(50);
  });

  it('reprocesses source rows whose deltaOn key is NULL on every run (they cannot be matched), like a full recompute', async () => {
    const Item = z.object({ code: z.string().nullable(), label: z.string() });
    const items = (suffix: string) => [
      { code: 'a', label: 'A' },
      { code: 'b', label: 'B' },
      { code: null, label: `n1${suffix}` },
      { code: null, label: `n2${suffix}` },
    ];
    await readRecords(items(''), Item, { session }).save('delta_nullkeys');
    const chain = (delta: boolean) =>
      readDataset<z.infer<typeof Item>>('delta_nullkeys', { session, delta, deltaOn: 'code' })
        .settings({ onDelta: (report) => reports.push(report) })
        .map({ shout: z.string() }, (row) => {
          counter.calls++;
          return { shout: row.label.toUpperCase() };
        });
    counter.calls = 0;
    await chain(true).save('delta_nullkeys_out');
    expect(counter.calls).toBe(4);
    await readRecords(items(' revised'), Item, { session }).save('delta_nullkeys');
    counter.calls = 0;
    await chain(true).save('delta_nullkeys_out');
    expect(counter.calls).toBe(2);
    expect(reports.at(-1)).toMatchObject({ mode: 'delta', processed: 2, kept: 2, dropped: 2 });
    await chain(false).save('delta_nullkeys_full');
    const shouts = async (dataset: string) =>
      (await readDataset<{ shout: string }>(dataset, { session }).collect()).map((r) => r.shout).sort();
    expect(await shouts('delta_nullkeys_out')).toEqual(['A', 'B', 'N1 REVISED', 'N2 REVISED']);
    expect(await shouts('delta_nullkeys_out')).toEqual(await shouts('delta_nullkeys_full'));
  });

  it('refuses steps that need the whole source and delta keys missing from the result', async () => {
    const root = filesIn(3);
    const base = () => readStorage(root, { session, delta: true });
    await expect(base().groupBy('file.source', {}).save('delta_bad')).rejects.toBeInstanceOf(DeltaError);
    await expect(base().limit(2).save('delta_bad')).rejects.toMatchObject({ code: 'INVALID_DELTA' });
    await expect(
      base()
        .map({ n: z.int() }, () => ({ n: 1 }))
        .select('n')
        .save('delta_bad'),
    ).rejects.toThrow(/deltaOn field\(s\) file.source, file.path in the result/);
    await expect(
      readRecords([{ a: 1 }], z.object({ a: z.int() }), { session }).save('delta_nokey'),
    ).resolves.toBeDefined();
    await expect(readDataset('delta_nokey', { session, delta: true }).save('delta_bad')).rejects.toThrow(
      /declares no primary key/,
    );
  });
});

describe('delta saves and the listing cache', () => {
  it('implies update: true, so a run within the listing ttl still sees new objects (update: false reuses the cache)', async () => {
    const storage = new StorageContext();
    storage.memory.createBucket('delta-cache');
    const { driver } = await storage.resolve('memory://delta-cache/');
    for (let i = 1; i <= 10; i++) await driver.write(`in/${name(i)}`, Buffer.from(`object ${i}`));
    const mem = await openSession({ dataDir: session.dataDir, storage });
    try {
      const chain = (update?: boolean) =>
        readStorage('memory://delta-cache/in/', {
          session: mem,
          delta: true,
          ...(update === undefined ? {} : { update }),
        })
          .settings({ onDelta: () => {} })
          .map({ n: z.int() }, ({ file }) => {
            counter.calls++;
            return { n: file.size };
          });
      counter.calls = 0;
      await chain().save('delta_cache');
      expect(counter.calls).toBe(10);
      await driver.write(`in/${name(11)}`, Buffer.from('object 11'));
      counter.calls = 0;
      expect((await chain(false).save('delta_cache')).rows).toBe(10); // the 4 h listing is reused: nothing new
      expect(counter.calls).toBe(0);
      expect((await chain().save('delta_cache')).rows).toBe(11);
      expect(counter.calls).toBe(1);
    } finally {
      await mem.close();
    }
  });
});
