import { execFileSync } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  InconsistentTypesError,
  InvalidFileError,
  ValueMismatchError,
} from '../../../compute/formats/format-errors.ts';
import { openJsonl } from '../../../compute/formats/jsonl-reader.ts';
import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import { caught, collect, useTempDir } from './temp-files.ts';

const tmp = useTempDir();

const lines = (...rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('openJsonl', () => {
  it('infers nested types and yields typed rows, skipping blank lines', async () => {
    const file = tmp.write(
      'a.jsonl',
      `${lines({ id: 1, det: { score: 0.5, tags: ['x'] }, at: '2024-03-01T00:00:00Z' })}\n${lines({ id: 2, det: null, at: null, extra: true })}`,
    );
    const reader = await openJsonl(file);
    expect(reader.schema.fields.det).toMatchObject({ nullable: true, type: { kind: 'object' } });
    expect(reader.schema.fields.extra).toMatchObject({ type: { kind: 'boolean' }, nullable: true });
    expect(await collect(reader.rows())).toEqual([
      { id: 1, det: { score: 0.5, tags: ['x'] }, at: new Date('2024-03-01T00:00:00Z'), extra: null },
      { id: 2, det: null, at: null, extra: true },
    ]);
  });

  it('reads CRLF line endings and a BOM', async () => {
    const file = tmp.write('crlf.jsonl', '\uFEFF{"a":1}\r\n{"a":2}\r\n');
    expect(await collect((await openJsonl(file)).rows())).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('can be iterated twice and stopped early', async () => {
    const file = tmp.write('b.jsonl', lines({ n: 1 }, { n: 2 }, { n: 3 }));
    const reader = await openJsonl(file);
    for await (const row of reader.rows()) {
      expect(row).toEqual({ n: 1 });
      break;
    }
    expect((await collect(reader.rows())).length).toBe(3);
  });

  it('names the line of an invalid JSON line', async () => {
    const file = tmp.write('bad.jsonl', `${lines({ a: 1 }, { a: 2 })}{"a": 3,,}\n`);
    const error = await caught(() => openJsonl(file));
    expect(error).toBeInstanceOf(InvalidFileError);
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain(file);
    expect(error.message).toContain('line 3');
  });

  it('names the line of a non-object line found after the sample, while streaming', async () => {
    const file = tmp.write('late.jsonl', lines({ a: 1 }, { a: 2 }, [1, 2]));
    const reader = await openJsonl(file, { inferRows: 1 });
    const error = await caught(() => collect(reader.rows()));
    expect(error).toBeInstanceOf(InvalidFileError);
    expect(error.message).toContain('line 3');
    expect(error.message).toContain('an array');
  });

  it('reports a field that is an object in one line and a scalar in another', async () => {
    const file = tmp.write('mixed.jsonl', lines({ a: { b: 1 } }, { a: 5 }));
    const error = await caught(() => openJsonl(file));
    expect(error).toBeInstanceOf(InconsistentTypesError);
    expect(error.message).toContain("field 'a'");
    expect(error.message).toContain('line 2');
  });

  it('validates against an explicit schema: enum, datetime, bigint from string, missing required field', async () => {
    const schema: DatasetSchema = {
      format: 1,
      fields: {
        kind: { type: { kind: 'enum', values: ['cat', 'dog'] }, nullable: false, optional: false },
        at: { type: { kind: 'datetime' }, nullable: false, optional: false },
        big: { type: { kind: 'bigint' }, nullable: true, optional: false },
        note: { type: { kind: 'string' }, nullable: false, optional: true },
      },
    };
    const ok = tmp.write(
      'ok.jsonl',
      lines({ kind: 'cat', at: '2024-01-01T00:00:00Z', big: '12345678901234567890' }),
    );
    expect(await collect((await openJsonl(ok, { schema })).rows())).toEqual([
      { kind: 'cat', at: new Date('2024-01-01T00:00:00Z'), big: 12345678901234567890n },
    ]);
    const badEnum = tmp.write('enum.jsonl', lines({ kind: 'cat', at: 0 }, { kind: 'cow', at: 0 }));
    const error = await caught(async () => collect((await openJsonl(badEnum, { schema })).rows()));
    expect(error).toBeInstanceOf(ValueMismatchError);
    expect(error.message).toBe(`${badEnum} (line 2, row 2): field 'kind': expected enum(cat|dog), got "cow"`);
    const missing = tmp.write('missing.jsonl', lines({ kind: 'dog' }));
    const missingError = await caught(async () => collect((await openJsonl(missing, { schema })).rows()));
    expect(missingError.message).toContain("field 'at': expected a non-null datetime");
  });

  it('yields rows before the producer has finished writing the file (named pipe)', async () => {
    const fifo = tmp.path('pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    const schema: DatasetSchema = {
      format: 1,
      fields: { n: { type: { kind: 'int' }, nullable: false, optional: false } },
    };
    const reader = await openJsonl(fifo, { schema });
    const iterator = reader.rows()[Symbol.asyncIterator]();
    const first = iterator.next();
    const writer = createWriteStream(fifo);
    writer.write(lines({ n: 1 }, { n: 2 }));
    // The producer has not closed the file: the first rows must already be readable.
    expect((await first).value).toEqual({ n: 1 });
    expect((await iterator.next()).value).toEqual({ n: 2 });
    writer.end(lines({ n: 3 }));
    expect((await iterator.next()).value).toEqual({ n: 3 });
    expect((await iterator.next()).done).toBe(true);
  });

  it('streams a 200k-row file with bounded memory', async () => {
    const file = tmp.path('big.jsonl');
    const chunks: string[] = [];
    // Distinct 200-char strings per row: kept rows would cost ~80 MB of heap.
    for (let i = 0; i < 200_000; i++) {
      chunks.push(`{"i":${i},"s":"${String(i).padStart(8, '0').repeat(25)}","d":{"v":${i / 2}}}\n`);
    }
    writeFileSync(file, chunks.join(''));
    chunks.length = 0;
    const reader = await openJsonl(file);
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let sum = 0;
    for await (const row of reader.rows()) {
      count += 1;
      sum += (row.d as { v: number }).v;
      if (count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
    expect(count).toBe(200_000);
    expect(sum).toBe((199_999 * 200_000) / 4);
    // Holding every row costs ~80 MB here; streaming stays at a few MB.
    expect(peak).toBeLessThan(40 * 1024 * 1024);
  }, 60_000);
});
