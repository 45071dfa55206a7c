import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import {
  FileNotFoundError,
  InvalidFileError,
  ValueMismatchError,
} from '../../../compute/formats/format-errors.ts';
import { openParquet } from '../../../compute/formats/parquet-reader.ts';
import { writeParquet } from '../../../compute/formats/parquet-writer.ts';
import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import { SAMPLE_SCHEMA, sampleRows, streamOf } from './sample-dataset.ts';
import { caught, collect, useTempDir } from './temp-files.ts';

const tmp = useTempDir();

/** Writes a Parquet file the way another tool would: no chainql schema in its metadata. */
function writeForeign(file: string): void {
  parquetWriteFile({
    filename: file,
    columnData: [
      { name: 'i32', data: [1, 2, null] },
      { name: 'i64', data: [10n, 20n, 30n] },
      { name: 'f', data: [0.5, 1.5, 2.5] },
      { name: 'b', data: [true, false, true] },
      { name: 's', data: ['a', 'b', null] },
      { name: 'ts', data: [new Date(1000), new Date(2000), new Date(3000)] },
      { name: 'list', data: [[1, 2], [], null] },
      { name: 'obj', data: [{ x: 1, y: 'p' }, { x: 2, y: null }, null] },
    ],
    schema: [
      { name: 'root', num_children: 8 },
      { name: 'i32', type: 'INT32', repetition_type: 'OPTIONAL' },
      { name: 'i64', type: 'INT64', repetition_type: 'REQUIRED' },
      { name: 'f', type: 'FLOAT', repetition_type: 'REQUIRED' },
      { name: 'b', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
      { name: 's', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'ts', type: 'INT64', converted_type: 'TIMESTAMP_MICROS', repetition_type: 'REQUIRED' },
      { name: 'list', converted_type: 'LIST', repetition_type: 'OPTIONAL', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      { name: 'obj', repetition_type: 'OPTIONAL', num_children: 2 },
      { name: 'x', type: 'INT32', repetition_type: 'REQUIRED' },
      { name: 'y', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    ],
    rowGroupSize: 2,
  });
}

describe('openParquet', () => {
  it('derives the schema of a foreign file from Parquet metadata and reads typed rows', async () => {
    const file = tmp.path('foreign.parquet');
    writeForeign(file);
    const reader = await openParquet(file);
    const kinds = Object.fromEntries(
      Object.entries(reader.schema.fields).map(([k, v]) => [k, [v.type.kind, v.nullable]]),
    );
    expect(kinds).toEqual({
      i32: ['int', true],
      i64: ['int', false],
      f: ['float', false],
      b: ['boolean', false],
      s: ['string', true],
      ts: ['datetime', false],
      list: ['array', true],
      obj: ['object', true],
    });
    expect(reader.schema.fields.list?.type).toEqual({ kind: 'array', items: { kind: 'float' } });
    expect(await collect(reader.rows())).toEqual([
      { i32: 1, i64: 10, f: 0.5, b: true, s: 'a', ts: new Date(1000), list: [1, 2], obj: { x: 1, y: 'p' } },
      { i32: 2, i64: 20, f: 1.5, b: false, s: 'b', ts: new Date(2000), list: [], obj: { x: 2, y: null } },
      { i32: null, i64: 30, f: 2.5, b: true, s: null, ts: new Date(3000), list: null, obj: null },
    ]);
  });

  it('fails on an INT64 beyond the safe range unless the schema says bigint', async () => {
    const file = tmp.path('huge.parquet');
    parquetWriteFile({ filename: file, columnData: [{ name: 'n', data: [1n, 2n ** 60n], type: 'INT64' }] });
    const error = await caught(async () => collect((await openParquet(file)).rows()));
    expect(error).toBeInstanceOf(ValueMismatchError);
    expect(error.message).toContain('row 2');
    expect(error.message).toContain("field 'n': expected int");
    const schema: DatasetSchema = {
      format: 1,
      fields: { n: { type: { kind: 'bigint' }, nullable: false, optional: false } },
    };
    expect(await collect((await openParquet(file, { schema })).rows())).toEqual([
      { n: 1n },
      { n: 2n ** 60n },
    ]);
  });

  it('reads row groups one at a time: the first rows arrive before later groups are decoded', async () => {
    const file = tmp.path('groups.parquet');
    await writeParquet(file, SAMPLE_SCHEMA, streamOf(sampleRows(50)), { rowGroupSize: 10 });
    const reader = await openParquet(file);
    const iterator = reader.rows()[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ id: 0 });
    // Corrupt the rest of the file after the first group was read: the reader has not read it yet.
    const bytes = readFileSync(file);
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const secondGroup = metadata.row_groups[1]?.columns[0]?.meta_data;
    const start = Number(secondGroup?.dictionary_page_offset ?? secondGroup?.data_page_offset);
    bytes.fill(0xff, start, start + 64);
    writeFileSync(file, bytes);
    for (let i = 1; i < 10; i++) expect((await iterator.next()).value).toMatchObject({ id: i });
    const error = await caught(async () => {
      for (let r = await iterator.next(); !r.done; r = await iterator.next());
    });
    expect(error).toBeInstanceOf(InvalidFileError);
    expect(error.message).toContain('row group 1');
  });

  it('rejects a truncated file, a non-Parquet file and a missing file with coded errors', async () => {
    const file = tmp.path('cut.parquet');
    await writeParquet(file, SAMPLE_SCHEMA, streamOf(sampleRows(5)));
    truncateSync(file, readFileSync(file).length - 20);
    const truncated = await caught(() => openParquet(file));
    expect(truncated).toBeInstanceOf(InvalidFileError);
    expect(truncated.code).toBe('INVALID_FILE');
    expect(truncated.message).toContain(file);
    const text = tmp.write('text.parquet', 'id,name\n1,a\n');
    expect((await caught(() => openParquet(text))).code).toBe('INVALID_FILE');
    const missing = await caught(() => openParquet(tmp.path('none.parquet')));
    expect(missing).toBeInstanceOf(FileNotFoundError);
  });
});
