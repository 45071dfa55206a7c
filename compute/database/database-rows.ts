import type { z } from 'zod';
import type { ResultColumnType } from '../../clients/database/index.ts';
import type { Column } from '../../schema/record/column.ts';
import { createRowDecoder, flattenSchema, toZod } from '../../schema/record/index.ts';
import { compileFastCheck } from '../chain/sources/zod-fast-check.ts';
import { coerceRow } from '../formats/coerce-row.ts';
import { ValueMismatchError } from '../formats/format-errors.ts';
import { DatabaseValueError } from './database-read-errors.ts';
import type { FieldBinding, ReadLayout } from './database-schema.ts';

/** Turns one result row (object keyed by column name) into a typed nested row; `row` is 1-based. */
export type DatabaseRowReader = (raw: readonly unknown[], row: number) => Record<string, unknown>;

const IDENTITY_TYPE = { kind: 'string' } as const;

/**
 * Compiles the per-row work of `readDatabase`: nest the columns into the row type (a nullable object
 * whose columns are all NULL reads as `null`, as `toDatabase` writes it), check and convert every value
 * against the schema (`coerceRow`: bigint beyond 2^53 in an int field, text in a number field, a JSON
 * value that does not fit the inferred shape …) and, with a zod schema, validate the row with it.
 * Rows that already have exactly the declared types skip the checks' copies (a compiled fast check).
 * @throws DatabaseValueError naming the connection, row, column and field of the first bad value.
 */
export function createDatabaseRowReader(
  target: string,
  layout: ReadLayout,
  validator?: z.ZodType,
): DatabaseRowReader {
  const { schema, bindings } = layout;
  const leaves = new Map(flattenSchema(schema).map((column) => [column.path, column]));
  const direct: Column[] = [];
  const whole: { keys: string[]; index: number }[] = [];
  for (const binding of bindings) {
    const leaf = leaves.get(binding.path);
    // The decoder reads `raw[name]`: named by position, it reads the result row arrays directly.
    if (binding.leaf && leaf !== undefined)
      direct.push({ ...leaf, name: String(binding.index), type: IDENTITY_TYPE });
    else whole.push({ keys: binding.path.split('.'), index: binding.index });
  }
  // The decoder only nests here (identity readers); types are checked below.
  const nest = direct.length > 0 ? createRowDecoder(direct, 'sqlite') : () => ({}) as Record<string, unknown>;
  // With a zod schema only its own fast check may skip validation (refinements such as z.email() have none).
  const fast = compileFastCheck(validator ?? toZod(schema));
  const columnOf = columnLookup(bindings);
  const context = { file: target, position: { row: 0 }, source: 'native' as const };
  return (raw, row) => {
    const nested = nest(raw as unknown as Record<string, unknown>);
    for (const { keys, index } of whole) setPath(nested, keys, raw[index] ?? null);
    let value = nested;
    if (!fast?.(value)) {
      try {
        value = coerceRow(value, schema, { ...context, position: { row } });
      } catch (error) {
        if (!(error instanceof ValueMismatchError)) throw error;
        const problem = error.message.slice(
          error.message.indexOf(`field '${error.field}': `) + `field '${error.field}': `.length,
        );
        throw new DatabaseValueError(target, row, columnOf(error.field), error.field, problem, {
          cause: error,
        });
      }
      if (validator) {
        const parsed = validator.safeParse(value);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const field = issue?.path.map(String).join('.') ?? '';
          throw new DatabaseValueError(
            target,
            row,
            columnOf(field),
            field,
            issue?.message ?? 'invalid value',
            {
              cause: parsed.error,
            },
          );
        }
        value = parsed.data as Record<string, unknown>;
      }
    }
    return value;
  };
}

function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let level = target;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    let next = level[key];
    if (next === null || typeof next !== 'object') {
      next = {};
      level[key] = next;
    }
    level = next as Record<string, unknown>;
  }
  level[keys[keys.length - 1]!] = value;
}

/** The result column a field path (or a path inside a JSON value, `meta.a`, `tags[2]`) came from. */
function columnLookup(bindings: readonly FieldBinding[]): (field: string) => string {
  const byPath = new Map(bindings.map((binding) => [binding.path, binding.column]));
  return (field) => {
    let path = field;
    while (path !== '') {
      const column = byPath.get(path);
      if (column !== undefined) return column;
      const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      path = cut <= 0 ? '' : path.slice(0, cut);
    }
    return field;
  };
}

/** Leaf kinds whose values the PostgreSQL type parsers already produce exactly (no check needed). */
const PARSED_EXACTLY = new Set(['int', 'bigint', 'float', 'string', 'boolean', 'datetime']);

/**
 * The fast path of an inferred PostgreSQL read: when every field is a scalar column whose type the
 * driver's parsers guarantee (integers, bigint, floats, text, booleans, timestamps), rows are encoded for
 * the warehouse straight from the result arrays — no nested object, no per-row type check (only Dates are
 * checked, since `infinity` parses to an invalid Date). Returns the encoder (values of `columns` order, the
 * order `createRowPipeline` uses, from index `leadingSlots`), or undefined when the general path is needed.
 */
export function directColumns(
  layout: ReadLayout,
  columns: readonly ResultColumnType[],
): { readonly columns: Column[]; readonly dates: readonly number[] } | undefined {
  const byPath = new Map(layout.bindings.map((binding) => [binding.path, binding]));
  const out: Column[] = [];
  const dates: number[] = [];
  for (const leaf of flattenSchema(layout.schema)) {
    const binding = byPath.get(leaf.path);
    const type = binding === undefined ? undefined : columns[binding.index];
    if (
      binding === undefined ||
      !binding.leaf ||
      type?.kind !== 'leaf' ||
      !PARSED_EXACTLY.has(type.type.kind)
    ) {
      return undefined;
    }
    if (type.type.kind === 'datetime') dates.push(binding.index);
    out.push({ ...leaf, path: String(binding.index) });
  }
  return { columns: out, dates };
}
