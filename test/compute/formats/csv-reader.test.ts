import { describe, expect, it } from 'vitest';
import { openCsv } from '../../../compute/formats/csv-reader.ts';
import {
  FileNotFoundError,
  InvalidFileError,
  ValueMismatchError,
} from '../../../compute/formats/format-errors.ts';
import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import { caught, collect, useTempDir } from './temp-files.ts';

const tmp = useTempDir();

describe('openCsv', () => {
  it('infers types, nests dotted and __ headers, strips the BOM and maps empty cells to null', async () => {
    const file = tmp.write(
      'det.csv',
      '\uFEFFid,name,det.confidence,det__label,seen,ok\n1,cat,0.5,a,2024-01-01,true\n2,"",1,,2024-01-02T10:00:00Z,false\n3,,,,,\n',
    );
    const reader = await openCsv(file);
    expect(Object.keys(reader.schema.fields)).toEqual(['id', 'name', 'det', 'seen', 'ok']);
    expect(reader.schema.fields.det?.type).toMatchObject({
      kind: 'object',
      fields: { confidence: { type: { kind: 'float' } }, label: { type: { kind: 'string' } } },
    });
    const rows = await collect(reader.rows());
    expect(rows).toEqual([
      {
        id: 1,
        name: 'cat',
        det: { confidence: 0.5, label: 'a' },
        seen: new Date('2024-01-01T00:00:00Z'),
        ok: true,
      },
      {
        id: 2,
        name: '',
        det: { confidence: 1, label: null },
        seen: new Date('2024-01-02T10:00:00Z'),
        ok: false,
      },
      { id: 3, name: null, det: { confidence: null, label: null }, seen: null, ok: null },
    ]);
  });

  it('keeps dotted headers flat with nested: false, and honours delimiter and columns', async () => {
    const file = tmp.write('semi.csv', 'a.b;c\n1;x\n');
    const flat = await openCsv(file, { delimiter: ';', nested: false });
    expect(await collect(flat.rows())).toEqual([{ 'a.b': 1, c: 'x' }]);
    const renamed = await openCsv(file, { delimiter: ';', columns: ['n', 's'] });
    expect(await collect(renamed.rows())).toEqual([{ n: 1, s: 'x' }]);
  });

  it('rewrites free-form headers into storable names with sanitizeNames, rejecting collisions', async () => {
    const file = tmp.write('names.csv', 'First Name,price-usd ($),2nd,det.box size\na,1,2,3\n');
    const reader = await openCsv(file, { sanitizeNames: true });
    expect(await collect(reader.rows())).toEqual([
      { First_Name: 'a', price_usd_: 1, _2nd: 2, det: { box_size: 3 } },
    ]);
    const clash = tmp.write('clash-names.csv', 'a b,a-b\n1,2\n');
    expect(await caught(() => openCsv(clash, { sanitizeNames: true }))).toBeInstanceOf(InvalidFileError);
  });

  it('reads a headerless file with generated or given column names', async () => {
    const file = tmp.write('nohdr.csv', '1,x\n2,y\n');
    expect(await collect((await openCsv(file, { header: false })).rows())).toEqual([
      { column_1: 1, column_2: 'x' },
      { column_1: 2, column_2: 'y' },
    ]);
    const named = await openCsv(file, { header: false, columns: ['n', 's'] });
    expect((await collect(named.rows()))[1]).toEqual({ n: 2, s: 'y' });
  });

  it('infers from the first inferRows rows only; a later row of another type fails naming its line', async () => {
    const file = tmp.write('late.csv', 'n\n1\n2\nthree\n');
    const reader = await openCsv(file, { inferRows: 2 });
    expect(reader.schema.fields.n?.type.kind).toBe('int');
    const error = await caught(() => collect(reader.rows()));
    expect(error).toBeInstanceOf(ValueMismatchError);
    expect(error.message).toContain('line 4');
    expect(error.message).toContain('"three"');
    const wide = await openCsv(file);
    expect(wide.schema.fields.n?.type.kind).toBe('string');
  });

  it('coerces to an explicit schema and names file, row, field and value on a mismatch', async () => {
    const schema: DatasetSchema = {
      format: 1,
      fields: {
        id: { type: { kind: 'bigint' }, nullable: false, optional: false },
        tags: { type: { kind: 'array', items: { kind: 'string' } }, nullable: true, optional: false },
        det: {
          type: {
            kind: 'object',
            fields: { score: { type: { kind: 'int' }, nullable: false, optional: false } },
          },
          nullable: false,
          optional: false,
        },
      },
    };
    const good = tmp.write('good.csv', 'id,tags,det.score\n9007199254740993,"[""a"",""b""]",4\n');
    expect(await collect((await openCsv(good, { schema })).rows())).toEqual([
      { id: 9007199254740993n, tags: ['a', 'b'], det: { score: 4 } },
    ]);
    const bad = tmp.write('bad.csv', 'id,tags,det.score\n1,,2\n2,,2.5\n');
    const error = await caught(async () => collect((await openCsv(bad, { schema })).rows()));
    expect(error).toBeInstanceOf(ValueMismatchError);
    expect(error.code).toBe('VALUE_MISMATCH');
    expect(error.message).toBe(`${bad} (line 3, row 2): field 'det.score': expected int, got "2.5"`);
  });

  it('reports a missing file with FILE_NOT_FOUND and the path', async () => {
    const missing = tmp.path('nope.csv');
    const error = await caught(() => openCsv(missing));
    expect(error).toBeInstanceOf(FileNotFoundError);
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toContain(missing);
  });

  it('rejects a ragged row naming its line and row number', async () => {
    const file = tmp.write('ragged.csv', 'a,b\n1,2\n3,4\n5\n');
    const error = await caught(() => openCsv(file));
    expect(error).toBeInstanceOf(InvalidFileError);
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain('line 4, row 3');
    expect(error.message).toContain('1 fields but the header has 2');
  });

  it('reads CRLF files, including line breaks inside quoted cells', async () => {
    const file = tmp.write('crlf.csv', 'a,b\r\n1,"x\r\ny"\r\n2,z\r\n');
    expect(await collect((await openCsv(file)).rows())).toEqual([
      { a: 1, b: 'x\r\ny' },
      { a: 2, b: 'z' },
    ]);
    const ragged = tmp.write('crlf-ragged.csv', 'a,b\r\n1,2\r\n3\r\n');
    expect((await caught(() => openCsv(ragged))).message).toContain('line 3, row 2');
  });

  it('rejects an unclosed quote and clashing headers', async () => {
    const quote = tmp.write('quote.csv', 'a,b\n1,"oops\n');
    expect((await caught(() => openCsv(quote))).code).toBe('INVALID_FILE');
    const clash = tmp.write('clash.csv', 'det,det.confidence\n1,2\n');
    const error = await caught(() => openCsv(clash));
    expect(error).toBeInstanceOf(InvalidFileError);
    expect(error.message).toContain("'det'");
  });

  it('gives a header-only file a schema of nullable strings and no rows', async () => {
    const reader = await openCsv(tmp.write('empty.csv', 'a,b.c\n'));
    expect(reader.schema.fields.a).toMatchObject({ type: { kind: 'string' }, nullable: true });
    expect(await collect(reader.rows())).toEqual([]);
  });
});
