import { describe, expect, it } from 'vitest';
import { FileNotFoundError, InvalidFileError } from '../../../compute/formats/format-errors.ts';
import { openJson } from '../../../compute/formats/json-reader.ts';
import { caught, collect, useTempDir } from './temp-files.ts';

const tmp = useTempDir();

describe('openJson', () => {
  it('reads a top-level array of objects with inferred nested types', async () => {
    const file = tmp.write(
      'a.json',
      JSON.stringify([
        { id: 1, box: { w: 2, h: 3.5 } },
        { id: 2, box: { w: 1, h: 1 } },
      ]),
    );
    const reader = await openJson(file);
    expect(reader.schema.fields.box?.type).toMatchObject({
      kind: 'object',
      fields: { w: { type: { kind: 'int' } }, h: { type: { kind: 'float' } } },
    });
    expect(await collect(reader.rows())).toEqual([
      { id: 1, box: { w: 2, h: 3.5 } },
      { id: 2, box: { w: 1, h: 1 } },
    ]);
  });

  it('picks a nested array with jsonPath', async () => {
    const file = tmp.write('wrapped.json', JSON.stringify({ meta: {}, data: { items: [{ a: 'x' }] } }));
    expect(await collect((await openJson(file, { jsonPath: 'data.items' })).rows())).toEqual([{ a: 'x' }]);
    const error = await caught(() => openJson(file, { jsonPath: 'data.rows' }));
    expect(error).toBeInstanceOf(InvalidFileError);
    expect(error.message).toContain("jsonPath 'data.rows' not found");
  });

  it('names the line of a syntax error', async () => {
    const file = tmp.write('broken.json', '[\n  {"a": 1},\n  {"a": 2,}\n]\n');
    const error = await caught(() => openJson(file));
    expect(error).toBeInstanceOf(InvalidFileError);
    expect(error.message).toContain('line 3');
  });

  it('rejects a top-level object and a non-object element (naming the row)', async () => {
    const notArray = tmp.write('obj.json', '{"a": 1}');
    expect((await caught(() => openJson(notArray))).message).toContain(
      'expected an array of objects at the top level',
    );
    const badItem = tmp.write('item.json', '[{"a": 1}, 5]');
    const error = await caught(() => openJson(badItem));
    expect(error).toBeInstanceOf(InvalidFileError);
    expect(error.message).toContain('row 2');
  });

  it('reports a missing file with FILE_NOT_FOUND', async () => {
    expect(await caught(() => openJson(tmp.path('missing.json')))).toBeInstanceOf(FileNotFoundError);
  });
});
