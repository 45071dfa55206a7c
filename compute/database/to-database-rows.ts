import type { Column } from '../../schema/record/column.ts';
import type { LeafType } from '../../schema/record/field-type.ts';
import { jsonReader } from '../../schema/record/value-codec.ts';

/** Turns one raw warehouse row (keyed by column name) into the values `toDatabase` writes, in order. */
export type WriteRowReader = (raw: Readonly<Record<string, unknown>>) => unknown[];

type Convert = (value: unknown) => unknown;

/**
 * Compiles the per-row work of `toDatabase`: read each written column from the warehouse row and turn
 * its stored form back into the JS value of its type (epoch ms → Date, 0/1 → boolean, JSON text → arrays,
 * records and vectors with their Dates and bigints, 64-bit integers → number or bigint), straight into
 * one array per row. Generated straight-line code like the row decoder; names enter it via JSON.stringify.
 */
export function createWriteRowReader(columns: readonly Column[]): WriteRowReader {
  const converters: Convert[] = [];
  const values = columns.map((column) => {
    const v = `raw[${JSON.stringify(column.name)}]`;
    const convert = converterOf(column.type);
    if (convert === undefined) return `(v = ${v}) === undefined ? null : v`;
    converters.push(convert);
    return `(v = ${v}) == null ? null : c[${converters.length - 1}](v)`;
  });
  const body = `let v;\nreturn [${values.join(',\n')}];`;
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
      return (v) => (typeof v === 'boolean' ? v : Number(v) !== 0);
    case 'datetime':
      return (v) => (v instanceof Date ? v : new Date(Number(v)));
    case 'literal':
      if (typeof type.value === 'boolean') return (v) => (typeof v === 'boolean' ? v : Number(v) !== 0);
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
