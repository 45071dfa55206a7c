import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openCsv } from '../../../compute/formats/csv-reader.ts';
import { writeCsv } from '../../../compute/formats/csv-writer.ts';
import { InvalidFileError } from '../../../compute/formats/format-errors.ts';
import { SAMPLE_SCHEMA, sampleRows, streamOf } from './sample-dataset.ts';
import { caught, collect, useTempDir } from './temp-files.ts';

const tmp = useTempDir();

describe('writeCsv', () => {
  it('flattens nested fields to dot-path headers and writes arrays/records as JSON, Dates as ISO', async () => {
    const file = tmp.path('out.csv');
    expect(await writeCsv(file, SAMPLE_SCHEMA, streamOf(sampleRows(3)))).toBe(3);
    const [header, first] = readFileSync(file, 'utf8').split('\n');
    expect(header).toBe(
      'id,name,score,ok,big,at,kind,det.confidence,det.label,det.box.w,det.box.h,tags,parts,emb,attrs,scores',
    );
    expect(first).toBe('0,"row, ""0""');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(
      '9007199254740993,2024-01-01T12:30:15.250Z,cat,0,,0,0,[],"[{""n"":0,""s"":null},{""n"":1,""s"":""x""}]","[0,0.5,-1]","{""k"":""v0""}"',
    );
    // Row 1 has an empty name (quoted) and row 2 a null name (empty, unquoted).
    expect(text).toContain('\n1,"",1.25,');
    expect(text).toContain('\n2,,2.25,,');
  });

  it('round-trips every field type through openCsv with the schema, keeping "" apart from null', async () => {
    const file = tmp.path('all.csv');
    const rows = sampleRows(12);
    await writeCsv(file, SAMPLE_SCHEMA, streamOf(rows));
    expect(await collect((await openCsv(file, { schema: SAMPLE_SCHEMA })).rows())).toEqual(rows);
  });

  it('round-trips scalar and nested columns through inference (nested nulls come back as objects of nulls)', async () => {
    const file = tmp.path('inferred.csv');
    const schema = {
      format: 1,
      fields: {
        n: { type: { kind: 'int' }, nullable: false, optional: false },
        at: { type: { kind: 'datetime' }, nullable: true, optional: false },
        p: {
          type: {
            kind: 'object',
            fields: { x: { type: { kind: 'float' }, nullable: true, optional: false } },
          },
          nullable: true,
          optional: false,
        },
      },
    } as const;
    const rows = [
      { n: 1, at: new Date('2024-01-01T00:00:00Z'), p: { x: 0.5 } },
      { n: 2, at: null, p: null },
    ];
    await writeCsv(file, schema, streamOf(rows), { delimiter: '\t' });
    const reader = await openCsv(file, { delimiter: '\t' });
    expect(await collect(reader.rows())).toEqual([rows[0], { n: 2, at: null, p: { x: null } }]);
  });

  it('streams: the file grows while the source is still producing rows', async () => {
    const file = tmp.path('big.csv');
    let sizeSeen = -1;
    async function* source(): AsyncIterable<Record<string, unknown>> {
      for (let i = 0; i < 50_000; i++) {
        if (i === 49_999) sizeSeen = statSync(file).size;
        yield { n: i, s: `value ${i}` };
      }
    }
    const schema = {
      format: 1,
      fields: {
        n: { type: { kind: 'int' }, nullable: false, optional: false },
        s: { type: { kind: 'string' }, nullable: false, optional: false },
      },
    } as const;
    expect(await writeCsv(file, schema, source())).toBe(50_000);
    expect(sizeSeen).toBeGreaterThan(100_000);
  });

  it('reports an unwritable path with INVALID_FILE', async () => {
    const error = await caught(() => writeCsv(tmp.path('missing/dir/x.csv'), SAMPLE_SCHEMA, streamOf([])));
    expect(error).toBeInstanceOf(InvalidFileError);
  });
});
