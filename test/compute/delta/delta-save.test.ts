import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { File } from '../../../clients/storage/file.ts';
import type { DeltaReport } from '../../../compute/delta/delta-report.ts';
import { readStorage } from '../../../compute/index.ts';
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
  const { readDataset } = await import('../../../compute/index.ts');
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
