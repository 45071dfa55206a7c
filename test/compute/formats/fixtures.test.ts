import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCsv, openJson, openJsonl, openParquet } from '../../../compute/formats/index.ts';
import { fromZod } from '../../../schema/record/from-zod.ts';
import { Detection } from '../../fixtures/formats/make-parquet.ts';
import { collect } from './temp-files.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/formats/${name}`, import.meta.url));

const expected = [
  {
    id: 1,
    image: 'img/001.jpg',
    det: { label: 'cat', confidence: 0.97 },
    tags: ['indoor'],
    seen: new Date('2024-05-01T10:00:00.000Z'),
  },
  { id: 2, image: 'img/002.jpg', det: { label: 'dog', confidence: 0.42 }, tags: [], seen: null },
  {
    id: 3,
    image: 'img/003, copy.jpg',
    det: { label: 'cat', confidence: 0.88 },
    tags: ['outdoor', 'night'],
    seen: new Date('2024-05-03T22:15:30.500Z'),
  },
];

describe('format fixtures', () => {
  it('read to the same typed rows in every format with a zod-derived schema', async () => {
    const schema = fromZod(Detection);
    const readers = [
      await openCsv(fixture('detections.csv'), { schema }),
      await openJsonl(fixture('detections.jsonl'), { schema }),
      await openJson(fixture('detections.json'), { schema, jsonPath: 'items' }),
      await openParquet(fixture('detections.parquet'), { schema }),
    ];
    for (const reader of readers) expect(await collect(reader.rows())).toEqual(expected);
  });

  it('infer the same row type from JSONL, JSON and Parquet; CSV keeps the JSON-text array as a string', async () => {
    const jsonl = await openJsonl(fixture('detections.jsonl'));
    const json = await openJson(fixture('detections.json'), { jsonPath: 'items' });
    expect(json.schema).toEqual(jsonl.schema);
    expect(await collect(jsonl.rows())).toEqual(expected);
    const parquet = await openParquet(fixture('detections.parquet'));
    expect(parquet.schema).toEqual(fromZod(Detection));
    const csv = await openCsv(fixture('detections.csv'));
    expect(csv.schema.fields.tags?.type.kind).toBe('string');
    expect((await collect(csv.rows()))[0]).toEqual({ ...expected[0], tags: '["indoor"]' });
  });
});
