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
  readonly signal?: AbortSignal;
}

/**
 * Recursive listing that fans out over "directories": each prefix is listed with the `/`
 * delimiter, its objects are yielded, and each common prefix it returns becomes a new listing,
 * up to `concurrency` in flight. Pages are yielded as they arrive — **not in global key order**
 * (each page is sorted). Parallelism comes from the tree's shape: a flat prefix with no `/` below it
 * lists sequentially. Errors from any listing end the iteration with that error; breaking out of the
 * loop stops the listers.
 */
export async function* parallelList(
  driver: StorageDriver,
  prefix: string,
  options: ParallelListOptions = {},
): AsyncIterable<StorageEntry[]> {
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const highWater = Math.max(1, options.highWaterPages ?? 32);
  const pageSize = options.pageSize ?? 1000;
  const todo: string[] = [prefix];
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

  const listOne = async (p: string): Promise<void> => {
    for await (const page of driver.list(p, { recursive: false, pageSize, signal: options.signal })) {
      if (stopped) return;
      const objects: StorageEntry[] = [];
      for (const e of page) {
        if (e.kind === 'prefix') {
          if (e.key !== p) todo.push(e.key);
          if (options.includePrefixes) objects.push(e);
        } else objects.push(e);
      }
      pump();
      if (objects.length > 0) {
        ready.push(objects);
        notify();
      }
      while (ready.length >= highWater && !stopped) await new Promise<void>((r) => wakeProducers.push(r));
    }
  };

  const pump = (): void => {
    while (!stopped && failure === undefined && active < concurrency && todo.length > 0) {
      const p = todo.pop() as string;
      active++;
      listOne(p).then(
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
