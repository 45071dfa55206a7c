import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openJson } from '../../../compute/formats/json-reader.ts';
import { openJsonl } from '../../../compute/formats/jsonl-reader.ts';
import { writeJsonl } from '../../../compute/formats/jsonl-writer.ts';
import { SAMPLE_SCHEMA, sampleRows, streamOf } from './sample-dataset.ts';
import { collect, useTempDir } from './temp-files.ts';

const tmp = useTempDir();

describe('writeJsonl', () => {
  it('writes one nested object per line with ISO dates, bigints as strings and every schema field', async () => {
    const file = tmp.path('out.jsonl');
    const [first, , third] = sampleRows(3) as [Record<string, unknown>, unknown, Record<string, unknown>];
    expect(await writeJsonl(file, SAMPLE_SCHEMA, streamOf([{ ...third, extra: 'dropped' }]))).toBe(1);
    const line = JSON.parse(readFileSync(file, 'utf8').trim());
    expect(Object.keys(line)).toEqual(Object.keys(SAMPLE_SCHEMA.fields));
    expect(line).toMatchObject({ id: 2, big: '9007199254740995', at: null, det: null, emb: [2, 0.5, -1] });
    await writeJsonl(file, SAMPLE_SCHEMA, streamOf([first]));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      at: '2024-01-01T12:30:15.250Z',
      det: { confidence: 0, label: null, box: { w: 0, h: 0 } },
    });
  });

  it('round-trips every field type exactly through openJsonl with the schema', async () => {
    const file = tmp.path('all.jsonl');
    const rows = sampleRows(12);
    await writeJsonl(file, SAMPLE_SCHEMA, streamOf(rows));
    expect(await collect((await openJsonl(file, { schema: SAMPLE_SCHEMA })).rows())).toEqual(rows);
  });

  it('round-trips through inference with the documented conversions (bigint → string, enum → string)', async () => {
    const file = tmp.path('inferred.jsonl');
    const rows = sampleRows(6);
    await writeJsonl(file, SAMPLE_SCHEMA, streamOf(rows));
    const reader = await openJsonl(file);
    expect(reader.schema.fields.big?.type.kind).toBe('string');
    expect(reader.schema.fields.at).toMatchObject({ type: { kind: 'datetime' }, nullable: true });
    expect(reader.schema.fields.det?.type).toMatchObject({ kind: 'object' });
    expect(reader.schema.fields.parts?.type).toMatchObject({ kind: 'array', items: { kind: 'object' } });
    const back = await collect(reader.rows());
    expect(back).toEqual(rows.map((r) => ({ ...r, big: String(r.big) })));
  });

  it('produces lines that a JSON array reader agrees with', async () => {
    const file = tmp.path('rows.jsonl');
    const rows = sampleRows(4);
    await writeJsonl(file, SAMPLE_SCHEMA, streamOf(rows));
    const asArray = tmp.write('rows.json', `[${readFileSync(file, 'utf8').trim().split('\n').join(',')}]`);
    expect(await collect((await openJson(asArray, { schema: SAMPLE_SCHEMA })).rows())).toEqual(rows);
  });
});
