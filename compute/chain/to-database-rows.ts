import type { Column } from '../../schema/record/column.ts';
import type { LeafType } from '../../schema/record/field-type.ts';
import { jsonReader, readBoolean, readDate } from '../../schema/record/value-codec.ts';

/**
 * Turns one warehouse row (an array of the written columns' stored values, in write order) into the
 * values `toDatabase` writes, converting it in place and returning it.
 */
export type WriteRowReader = (raw: unknown[]) => unknown[];

type Convert = (value: unknown) => unknown;

/**
 * Compiles the per-row work of `toDatabase`: turn each column's stored form back into the JS value of
 * its type (epoch ms or ClickHouse DateTime64 text → Date, 0/1 → boolean, JSON text → arrays, records and vectors with their Dates and
 * bigints, 64-bit integers → number or bigint), in place in the row array the warehouse streamed (no
 * second array per row). Generated straight-line code like the row decoder; only converters enter it.
 */
export function createWriteRowReader(columns: readonly Column[]): WriteRowReader {
  const converters: Convert[] = [];
  const lines: string[] = ['let v;'];
  columns.forEach((column, i) => {
    const convert = converterOf(column.type);
    if (convert === undefined) {
      lines.push(`if (raw[${i}] === undefined) raw[${i}] = null;`);
      return;
    }
    converters.push(convert);
    lines.push(`v = raw[${i}];`, `raw[${i}] = v == null ? null : c[${converters.length - 1}](v);`);
  });
  const body = `${lines.join('\n')}\nreturn raw;`;
  const factory = new Function('c', `return function writeRow(raw) {\n${body}\n};`);
  return factory(converters) as WriteRowReader;
}

function converterOf(type: LeafType): Convert | undefined {
  switch (type.kind) {
    case 'int':
    case 'float':
      return (v) => (typeof v === 'number' ? v : Number(v));
    case 'bigint':
      return (v) => (typeof v === 'bigint' ? v : BigInt(v as string));
    case 'boolean':
      return readBoolean;
    case 'datetime':
      // Epoch ms on SQLite; DateTime64 text on ClickHouse.
      return (v) => (typeof v === 'number' ? new Date(v) : readDate(v));
    case 'literal':
      if (typeof type.value === 'boolean') return readBoolean;
      return typeof type.value === 'number' ? (v) => (typeof v === 'number' ? v : Number(v)) : undefined;
    case 'vector':
      return (v) => (typeof v === 'string' ? JSON.parse(v) : v);
    case 'array':
    case 'record': {
      const revive = jsonReader(type);
      return (v) => revive(typeof v === 'string' ? JSON.parse(v) : v);
    }
    default:
      return undefined;
  }
}
