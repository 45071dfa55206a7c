import { statSync } from 'node:fs';
import { asyncBufferFromFile, parquetMetadataAsync, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { InvalidFileError } from '../../../compute/formats/format-errors.ts';
import { openParquet } from '../../../compute/formats/parquet-reader.ts';
import { fromParquetSchema } from '../../../compute/formats/parquet-schema.ts';
import { writeParquet } from '../../../compute/formats/parquet-writer.ts';
import { SAMPLE_SCHEMA, sampleRows, streamOf } from './sample-dataset.ts';
import { caught, collect, useTempDir } from './temp-files.ts';

const tmp = useTempDir();

describe('writeParquet', () => {
  it('round-trips every field type, nesting and nulls exactly, across several row groups', async () => {
    const file = tmp.path('all.parquet');
    const rows = sampleRows(25);
    expect(await writeParquet(file, SAMPLE_SCHEMA, streamOf(rows), { rowGroupSize: 10 })).toBe(25);
    const reader = await openParquet(file);
    expect(reader.schema).toEqual(SAMPLE_SCHEMA);
    expect(await collect(reader.rows())).toEqual(rows);
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file));
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([10, 10, 5]);
  });

  it('writes nested objects as Parquet structs and arrays as lists, readable without the chainql schema', async () => {
    const file = tmp.path('structs.parquet');
    await writeParquet(file, SAMPLE_SCHEMA, streamOf(sampleRows(3)));
    const tree = parquetSchema(await parquetMetadataAsync(await asyncBufferFromFile(file)));
    const derived = fromParquetSchema(tree);
    expect(derived.fields.det?.type).toMatchObject({
      kind: 'object',
      fields: { box: { type: { kind: 'object' } } },
    });
    expect(derived.fields.parts?.type).toMatchObject({ kind: 'array', items: { kind: 'object' } });
    expect(derived.fields.at?.type.kind).toBe('datetime');
    // Derived INT64 columns are `int`: the unsafe `big` values need the field declared bigint.
    const bigError = await caught(async () => collect((await openParquet(file, { schema: derived })).rows()));
    expect(bigError.message).toContain('declare the field bigint');
    const big = { type: { kind: 'bigint' }, nullable: false, optional: false } as const;
    const schema = { ...derived, fields: { ...derived.fields, big } };
    const rows = await collect((await openParquet(file, { schema })).rows());
    expect(rows[0]).toMatchObject({
      id: 0,
      det: { confidence: 0, label: null, box: { w: 0, h: 0 } },
      tags: [],
    });
  });

  it('pulls rows one row group at a time, writing earlier groups before reading further', async () => {
    const file = tmp.path('lazy.parquet');
    let sizeWhenAt25 = -1;
    async function* source(): AsyncIterable<Record<string, unknown>> {
      for (const [i, row] of sampleRows(30).entries()) {
        if (i === 25) sizeWhenAt25 = statSync(file).size;
        yield row;
      }
    }
    await writeParquet(file, SAMPLE_SCHEMA, source(), { rowGroupSize: 10 });
    // Two row groups were on disk before row 25 was produced.
    expect(sizeWhenAt25).toBeGreaterThan(1000);
    expect(statSync(file).size).toBeGreaterThan(sizeWhenAt25);
  });

  it('writes an empty file that reads back with its schema and no rows', async () => {
    const file = tmp.path('empty.parquet');
    expect(await writeParquet(file, SAMPLE_SCHEMA, streamOf([]))).toBe(0);
    const reader = await openParquet(file);
    expect(reader.schema).toEqual(SAMPLE_SCHEMA);
    expect(await collect(reader.rows())).toEqual([]);
  });

  it('fails with a coded error for an unwritable path and for a row that does not fit', async () => {
    const bad = await caught(() =>
      writeParquet(tmp.path('no/such/dir/x.parquet'), SAMPLE_SCHEMA, streamOf([])),
    );
    expect(bad).toBeInstanceOf(InvalidFileError);
    const rows = sampleRows(3);
    rows[2] = { ...rows[2], id: 1.5 };
    const error = await caught(() => writeParquet(tmp.path('bad.parquet'), SAMPLE_SCHEMA, streamOf(rows)));
    expect(error).toBeInstanceOf(InvalidFileError);
    expect(error.message).toContain('row 3');
  });
});
