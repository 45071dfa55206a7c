import type { RawRow, ReadOptions, WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { IntegerOverflowError, TableNotFoundError } from '../../clients/warehouse/warehouse-errors.ts';
import type { CompiledQuery } from '../../schema/dialect/compiled-query.ts';
import type { DialectCompiler } from '../../schema/dialect/dialect-compiler.ts';
import type { Query } from '../../schema/query/query-node.ts';
import { DatasetVanishedError } from '../server-errors.ts';
import { keySplit } from './key-split.ts';
import type { PlannedRead } from './planned-read.ts';
import { rangeSplit } from './range-split.ts';

/** Where GraphQL reads run: any warehouse whose dialect has a compiler. */
export interface ReadTarget {
  /** The warehouse: `read`, and the optional `readSplits`, `keySplits` and `adviseGrouping`. */
  readonly warehouse: Pick<WarehouseDriver, 'read' | 'readSplits' | 'keySplits' | 'adviseGrouping'>;
  readonly compiler: DialectCompiler;
}

/**
 * Interactive reads running per warehouse. A read is split only when it is the only one: other reads in flight
 * (32 clients, or several root fields of one operation) already keep the read threads busy, and splitting them
 * would only add work.
 */
const running = new WeakMap<object, number>();

/**
 * Runs a read as parallel reads over row-id ranges when the warehouse offers cut points for it
 * (`WarehouseDriver.readSplits`: a whole-table scan, idle read threads) and its shape can be merged
 * (`rangeSplit`); undefined means: run it whole.
 */
async function readInRanges(
  target: ReadTarget,
  query: Query,
  compiled: CompiledQuery,
  options: ReadOptions,
): Promise<RawRow[] | undefined> {
  if (!target.warehouse.readSplits) return undefined;
  const split = rangeSplit(query);
  if (!split) return undefined;
  const cuts = await target.warehouse.readSplits(compiled, split.table);
  if (!cuts || cuts.length === 0) return undefined;
  const bounds = [undefined, ...cuts, undefined];
  let parts: RawRow[][];
  try {
    parts = await Promise.all(
      Array.from({ length: cuts.length + 1 }, (_, i) => {
        const part = split.part(bounds[i], bounds[i + 1]);
        return target.warehouse.read(target.compiler.compileQuery(part), options);
      }),
    );
  } catch (error) {
    // An average's partial sum may overflow where the whole average (in floating point) does not.
    if (error instanceof IntegerOverflowError) return undefined;
    throw error;
  }
  const outcome = split.merge(parts);
  if (outcome === undefined) return undefined;
  if ('rows' in outcome) return outcome.rows;
  // The candidates (at most MAX_SPLIT_ROWS per range) are read by row id: inline, like a point read.
  return target.warehouse.read(target.compiler.compileQuery(outcome.finish), {
    bigints: options.bigints ?? false,
    point: true,
  });
}

/** A read split over row-id ranges or, for a grouped read, over ranges of its first key; undefined: run it whole. */
async function readInParts(
  target: ReadTarget,
  query: Query,
  compiled: CompiledQuery,
  options: ReadOptions,
): Promise<RawRow[] | undefined> {
  return (
    (await readInRanges(target, query, compiled, options)) ??
    (await readInKeyRanges(target, query, compiled, options))
  );
}

/**
 * Runs a grouped read as parallel reads over ranges of its first key when the warehouse offers cut values for it
 * (`WarehouseDriver.keySplits`: an index led by that key, idle read threads) and its shape allows (`keySplit`);
 * undefined means: run it whole.
 */
async function readInKeyRanges(
  target: ReadTarget,
  query: Query,
  compiled: CompiledQuery,
  options: ReadOptions,
): Promise<RawRow[] | undefined> {
  if (!target.warehouse.keySplits) return undefined;
  const split = keySplit(query);
  if (!split) return undefined;
  const cuts = await target.warehouse.keySplits(compiled, split.table, split.column);
  if (!cuts || cuts.values.length === 0) return undefined;
  const bounds = [undefined, ...cuts.values, undefined];
  const parts = Array.from({ length: bounds.length - 1 }, (_, i) => split.part(bounds[i], bounds[i + 1]));
  if (cuts.nulls) parts.push(split.nullPart());
  const rows = await Promise.all(
    parts.map((part) => target.warehouse.read(target.compiler.compileQuery(part), options)),
  );
  return split.merge(rows);
}

/**
 * Compiles a planned read with the warehouse's dialect compiler, runs it through `WarehouseDriver.read`
 * (cancelled by the context's `signal`, the per-query timeout) and decodes the rows; a grouped read is then told to the
 * warehouse (`adviseGrouping`), which may prepare for the next one of its shape.
 * @throws DatasetVanishedError (DATASET_NOT_FOUND) when the table vanished after the schema was built (a deleted
 *   version); the driver's coded errors (TIMEOUT, OVERLOADED, …) otherwise.
 */
export async function runRead<T>(
  target: ReadTarget,
  planned: PlannedRead<T>,
  context: { readonly signal?: AbortSignal },
): Promise<T> {
  const compiled = target.compiler.compileQuery(planned.query);
  // A point read runs inline and touches a few rows: it never asks for the operation's signal, so the
  // timeout plugin arms no timer for it (the signal is created on first use).
  const signal = planned.point ? undefined : context.signal;
  const options = { bigints: planned.bigints, ...(signal ? { signal } : {}) };
  const others = planned.point ? 1 : (running.get(target.warehouse) ?? 0);
  if (!planned.point) running.set(target.warehouse, others + 1);
  try {
    const rows =
      (others === 0 ? await readInParts(target, planned.query, compiled, options) : undefined) ??
      (await target.warehouse.read(compiled, { ...options, ...(planned.point ? { point: true } : {}) }));
    if (planned.grouping) target.warehouse.adviseGrouping?.(planned.grouping);
    return planned.decode(rows);
  } catch (error) {
    if (error instanceof TableNotFoundError) {
      throw new DatasetVanishedError({ cause: error });
    }
    throw error;
  } finally {
    if (!planned.point) running.set(target.warehouse, (running.get(target.warehouse) ?? 1) - 1);
  }
}
