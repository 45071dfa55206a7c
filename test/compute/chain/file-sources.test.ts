import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { C, readCsv, readJson, readJsonl, readParquet, readRecords } from '../../../compute/index.ts';
import { tempDir, tempSession } from '../../helpers/temp-session.ts';

const Row = z.object({
  id: z.int(),
  name: z.string(),
  det: z.object({ label: z.string(), confidence: z.number() }),
  seen: z.date(),
  ok: z.boolean(),
});
const rows = [
  {
    id: 1,
    name: 'a',
    det: { label: 'cat', confidence: 0.9 },
    seen: new Date('2026-01-02T03:04:05.000Z'),
    ok: true,
  },
  {
    id: 2,
    name: 'b, with comma',
    det: { label: 'dog', confidence: 0.25 },
    seen: new Date('2026-02-03T00:00:00.000Z'),
    ok: false,
  },
  {
    id: 3,
    name: 'ünïcode',
    det: { label: 'cat', confidence: 0.5 },
    seen: new Date('2026-03-04T12:00:00.000Z'),
    ok: true,
  },
];

let session: Awaited<ReturnType<typeof tempSession>>;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  session = await tempSession();
  dir = tempDir();
});
afterAll(async () => {
  await session.cleanup();
  dir.remove();
});

describe('file sources and exports', () => {
  it.each(['csv', 'jsonl', 'parquet'] as const)(
    '%s: export then read back through a chain',
    async (format) => {
      const path = join(dir.dir, `out.${format}`);
      const source = readRecords(rows, Row, { session }).orderBy('id');
      const written =
        format === 'csv'
          ? await source.toCsv(path)
          : format === 'jsonl'
            ? await source.toJsonl(path)
            : await source.toParquet(path);
      expect(written).toBe(3);
      const read =
        format === 'csv'
          ? readCsv(path, { session })
          : format === 'jsonl'
            ? readJsonl(path, { session })
            : readParquet(path, { session });
      const back = await read.filter(C('det.label').eq('cat')).orderBy('id').collect();
      expect(back.map((r) => r.id)).toEqual([1, 3]);
      expect(back[1]).toEqual(rows[2]);
    },
  );

  it('readJson reads an array of objects with nested fields', async () => {
    const path = join(dir.dir, 'in.json');
    writeFileSync(
      path,
      JSON.stringify([
        { a: 1, b: { c: 'x' } },
        { a: 2, b: { c: 'y' } },
      ]),
    );
    expect(await readJson(path, { session }).filter(C('b.c').eq('y')).count()).toBe(1);
  });

  it('a CSV column can be given an explicit schema; bad values name the position', async () => {
    const path = join(dir.dir, 'bad.csv');
    writeFileSync(path, 'id,score\n1,0.5\n2,high\n');
    const error = await readCsv(path, {
      session,
      schema: {
        format: 1,
        fields: {
          id: { type: { kind: 'int' }, nullable: false, optional: false },
          score: { type: { kind: 'float' }, nullable: false, optional: false },
        },
      },
    })
      .count()
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/score/);
    expect((error as Error).message).toMatch(/high/);
  });

  it('a missing file is a clear error', async () => {
    await expect(readCsv(join(dir.dir, 'nope.csv'), { session }).count()).rejects.toThrow(/nope\.csv/);
  });

  it('saving a file source records the file in the chain hash (edits make a new version)', async () => {
    const path = join(dir.dir, 'v.jsonl');
    writeFileSync(path, '{"x":1}\n');
    const first = await readJsonl(path, { session }).save('from_file');
    const same = await readJsonl(path, { session }).save('from_file');
    expect(same.version).toBe(first.version);
    writeFileSync(path, '{"x":1}\n{"x":2}\n');
    const edited = await readJsonl(path, { session }).save('from_file');
    expect(edited.version).not.toBe(first.version);
    expect(edited.rows).toBe(2);
  });
});
