import { quoteIdentifier } from '../../../schema/dialect/quote-identifier.ts';
import type { KeyCut, KeyCuts, RawRow } from '../warehouse-driver.ts';

/** Runs one statement (on a read thread) with 64-bit integers as bigints. */
export type RunRead = (sql: string, parameters: readonly unknown[]) => Promise<RawRow[]>;

/**
 * Values of `column` that cut the table's non-NULL rows into `parts` ranges of nearly equal size, read from the
 * index that leads with `column` (every statement is an index walk or an index range count). A value shared by
 * many rows cannot be split: of the quantile value and the next distinct one, the cut that balances better
 * wins, and cuts that would leave a range empty are dropped. Cuts ascend: each quantile value is past the previous
 * one, and the previous one's next value is at most this one.
 * @returns ascending cuts (at least one) and whether any row has NULL, or undefined when fewer than `minRows` rows have a value, no cut
 *   leaves both sides non-empty, or a value is not a number or a string (bytes are not cut).
 */
export async function balancedKeyCuts(
  run: RunRead,
  table: string,
  column: string,
  parts: number,
  minRows: number,
): Promise<KeyCuts | undefined> {
  const t = quoteIdentifier('sqlite', table);
  const c = quoteIdentifier('sqlite', column);
  const total = Number((await run(`SELECT count(${c}) AS n FROM ${t}`, []))[0]?.n ?? 0);
  if (total < Math.max(minRows, 2)) return undefined;
  const below = async (value: KeyCut): Promise<number> =>
    Number((await run(`SELECT count(*) AS n FROM ${t} WHERE ${c} < ?`, [value]))[0]?.n ?? 0);
  const cuts: KeyCut[] = [];
  let previous: KeyCut | undefined;
  for (let i = 1; i < parts; i++) {
    const target = Math.floor((total * i) / parts);
    const at = (
      await run(`SELECT ${c} AS v FROM ${t} WHERE ${c} IS NOT NULL ORDER BY ${c} LIMIT 1 OFFSET ?`, [target])
    )[0]?.v;
    if (!isCut(at)) return undefined;
    // The same value as the last quantile: its cut is taken already (and the next value may be past it).
    if (at === previous) continue;
    previous = at;
    const next = (await run(`SELECT ${c} AS v FROM ${t} WHERE ${c} > ? ORDER BY ${c} LIMIT 1`, [at]))[0]?.v;
    const candidates: { value: KeyCut; rows: number }[] = [{ value: at, rows: await below(at) }];
    if (isCut(next)) candidates.push({ value: next, rows: await below(next) });
    const usable = candidates.filter(({ rows }) => rows > 0 && rows < total);
    const best = usable.sort((a, b) => Math.abs(a.rows - target) - Math.abs(b.rows - target))[0];
    if (best !== undefined && !cuts.includes(best.value)) cuts.push(best.value);
  }
  if (cuts.length === 0) return undefined;
  const nulls = (await run(`SELECT 1 AS x FROM ${t} WHERE ${c} IS NULL LIMIT 1`, [])).length > 0;
  return { values: cuts, nulls };
}

function isCut(value: unknown): value is KeyCut {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint';
}
