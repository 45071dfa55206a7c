import type { StorageDriver, StorageEntry } from './storage-driver.ts';

/** Options of {@link parallelList}. */
export interface ParallelListOptions {
  /** Prefix listings in flight at once (each fetches its pages in order). Default 16. */
  readonly concurrency?: number;
  /** Keys per request. Default 1000. */
  readonly pageSize?: number;
  /**
   * Pages buffered for a slow consumer before the listers pause (memory stays flat: at most
   * `highWaterPages + concurrency` pages are held). Default 32.
   */
  readonly highWaterPages?: number;
  /** Keep `prefix` entries in the output (default false: only objects are yielded). */
  readonly includePrefixes?: boolean;
  /**
   * Split a large flat "directory" into key ranges listed in parallel (see below). Default: on for
   * drivers whose servers honour `startAfter` (s3, gcs), off for the rest (it would not save requests).
   */
  readonly splitRanges?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Recursive listing that fans out over "directories": each prefix is listed with the `/`
 * delimiter, its objects are yielded, and each common prefix it returns becomes a new listing,
 * up to `concurrency` in flight. Pages are yielded as they arrive — **not in global key order**
 * (each page is sorted). A flat "directory" whose first page is full is also split: the keys after
 * that page are cut into ranges at the next character (`0-9A-Za-z_.-` boundaries), each listed from
 * its own `startAfter` and filtered to its range, so flat trees fan out too (best when key names are
 * spread over those characters). Errors from any listing end the iteration with that error; breaking
 * out of the loop stops the listers.
 */
export async function* parallelList(
  driver: StorageDriver,
  prefix: string,
  options: ParallelListOptions = {},
): AsyncIterable<StorageEntry[]> {
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const highWater = Math.max(1, options.highWaterPages ?? 32);
  const pageSize = options.pageSize ?? 1000;
  const split = options.splitRanges ?? (driver.name === 's3' || driver.name === 'gcs');
  const todo: Task[] = [{ prefix }];
  const seenPrefixes = new Set<string>([prefix]);
  const ready: StorageEntry[][] = [];
  let active = 0;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  let wakeConsumer: (() => void) | undefined;
  const wakeProducers: (() => void)[] = [];

  const notify = (): void => {
    const w = wakeConsumer;
    wakeConsumer = undefined;
    w?.();
  };

  const listOne = async (task: Task): Promise<void> => {
    const p = task.prefix;
    let hi = task.hi;
    let first = true;
    const listing = driver.list(p, {
      recursive: false,
      pageSize,
      ...(task.lo !== undefined ? { startAfter: justBelow(task.lo) } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    for await (const page of listing) {
      if (stopped) return;
      const objects: StorageEntry[] = [];
      let done = false;
      for (const e of page) {
        if (task.lo !== undefined && e.key < task.lo) continue;
        if (hi !== undefined && e.key >= hi) {
          done = true;
          break;
        }
        if (e.kind === 'prefix') {
          if (!seenPrefixes.has(e.key)) {
            seenPrefixes.add(e.key);
            todo.push({ prefix: e.key });
          }
          if (options.includePrefixes) objects.push(e);
        } else objects.push(e);
      }
      if (first && split && !done && page.length >= pageSize) {
        // More keys follow: hand the rest of this range to parallel range listings.
        const last = (page[page.length - 1] as StorageEntry).key;
        const bounds = splitPoints(p, (page[0] as StorageEntry).key, last, hi);
        for (let i = 0; i < bounds.length; i++) {
          const next = bounds[i + 1] ?? hi;
          todo.push({ prefix: p, lo: bounds[i] as string, ...(next !== undefined ? { hi: next } : {}) });
        }
        if (bounds.length > 0) hi = bounds[0];
      }
      first = false;
      pump();
      if (objects.length > 0) {
        ready.push(objects);
        notify();
      }
      while (ready.length >= highWater && !stopped) await new Promise<void>((r) => wakeProducers.push(r));
      if (done) return;
    }
  };

  const pump = (): void => {
    while (!stopped && failure === undefined && active < concurrency && todo.length > 0) {
      const task = todo.pop() as Task;
      active++;
      listOne(task).then(
        () => {
          active--;
          pump();
          notify();
        },
        (error: unknown) => {
          active--;
          failure ??= { error };
          notify();
        },
      );
    }
  };

  try {
    pump();
    for (;;) {
      if (failure !== undefined) throw failure.error;
      const page = ready.shift();
      if (page !== undefined) {
        for (const w of wakeProducers.splice(0)) w();
        yield page;
        continue;
      }
      if (active === 0 && todo.length === 0) return;
      await new Promise<void>((r) => {
        wakeConsumer = r;
      });
    }
  } finally {
    stopped = true;
    for (const w of wakeProducers.splice(0)) w();
  }
}

/** One listing job: a prefix, optionally restricted to keys in `[lo, hi)`. */
interface Task {
  readonly prefix: string;
  readonly lo?: string;
  readonly hi?: string;
}

/** Characters key names commonly continue with, in code-point order. */
const ALPHABET = '-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const CLASSES = ['0123456789', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'];
const MAX_SPLITS = 16;

/**
 * Range boundaries for the keys after a full first page (`first`..`last`) and before `hi`. The
 * page's keys vary at some position; the keys after it usually differ one position earlier (a
 * "carry": `f000999` → `f001000`). So boundaries are `last[0..j) + c` for characters `c` of the
 * same class (digits, upper, lower) greater than `last[j]`, at j = (varying position − 1), moving
 * to shallower positions when that class is exhausted; the whole alphabet is the last resort.
 */
function splitPoints(prefix: string, first: string, last: string, hi: string | undefined): string[] {
  let d = prefix.length;
  while (d < first.length && d < last.length && first[d] === last[d]) d++;
  const usable = (bounds: string[]): string[] =>
    bounds.filter((b) => b > last && (hi === undefined || b < hi));
  for (let j = Math.max(prefix.length, d - 1); j >= prefix.length; j--) {
    const current = last[j];
    if (current === undefined) continue;
    const cls = CLASSES.find((c) => c.includes(current));
    if (cls === undefined) continue;
    const bounds = usable([...cls].filter((c) => c > current).map((c) => last.slice(0, j) + c));
    if (bounds.length > 0) return spread(bounds);
  }
  const j = Math.max(prefix.length, d - 1);
  const current = last[j];
  if (current === undefined) return [];
  return spread(usable([...ALPHABET].filter((c) => c > current).map((c) => last.slice(0, j) + c)));
}

function spread(bounds: string[]): string[] {
  if (bounds.length <= MAX_SPLITS) return bounds;
  const step = bounds.length / MAX_SPLITS;
  return Array.from({ length: MAX_SPLITS }, (_, i) => bounds[Math.floor(i * step)] as string);
}

/** A `startAfter` value just below `key`, so a listing starts at `key` (inclusive). */
function justBelow(key: string): string {
  const lastCode = key.charCodeAt(key.length - 1);
  if (Number.isNaN(lastCode) || lastCode === 0) return key.slice(0, -1);
  return `${key.slice(0, -1)}${String.fromCharCode(lastCode - 1)}\u{10FFFF}`;
}
