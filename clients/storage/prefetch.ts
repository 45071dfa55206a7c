import type { File } from './file.ts';

/** Options of {@link prefetch}. */
export interface PrefetchOptions<T> {
  /** Downloads kept ahead of the consumer (files, not items). 0 disables prefetching. */
  readonly count: number;
  /** The files of an item to download ahead (e.g. `(row) => [row.file]`). */
  readonly select: (item: T) => File | readonly File[] | null | undefined;
  readonly signal?: AbortSignal;
}

/**
 * Wraps an (async) iterable of items that reference Files and keeps up to `count` of their files
 * downloading ahead of the consumer, so I/O overlaps with the work on earlier items. Items are
 * yielded in source order as soon as the consumer asks — a download still in progress is awaited
 * by that file's `read()`, not here. Downloads go to the File's content cache when its context has
 * one, else into memory held by the File until its first `read()`, so at most about `count` files'
 * bytes are buffered beyond what the consumer holds.
 *
 * Plugs in front of a UDF executor's input: `executeUdf(prefetch(rows, { count: 8, select: (r) => [r.file] }))`.
 * Download errors are not raised here; the file's `read()` rethrows them (so a row error stays a row error).
 * Source errors are rethrown by the iterator.
 */
export async function* prefetch<T>(
  source: AsyncIterable<T> | Iterable<T>,
  options: PrefetchOptions<T>,
): AsyncIterable<T> {
  if (options.count <= 0) {
    yield* source;
    return;
  }
  const it: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  const window: { item: T; files: number }[] = [];
  let ahead = 0;
  let done = false;
  let failure: { error: unknown } | undefined;
  let filling: Promise<void> | undefined;

  const fill = async (): Promise<void> => {
    try {
      while (!done && failure === undefined && (ahead < options.count || window.length === 0)) {
        if (options.signal?.aborted) throw options.signal.reason;
        const r = await it.next();
        if (r.done) {
          done = true;
          break;
        }
        const selected = options.select(r.value);
        const files =
          selected == null
            ? []
            : Array.isArray(selected)
              ? (selected as readonly File[])
              : [selected as File];
        for (const f of files) void f.prefetch(options.signal ? { signal: options.signal } : undefined);
        window.push({ item: r.value, files: files.length });
        ahead += files.length;
      }
    } catch (error) {
      failure = { error };
    }
  };
  const kick = (): Promise<void> => {
    filling ??= fill().finally(() => {
      filling = undefined;
    });
    return filling;
  };

  try {
    for (;;) {
      while (window.length === 0) {
        if (failure !== undefined) throw failure.error;
        if (done) return;
        await kick();
      }
      const next = window.shift() as { item: T; files: number };
      ahead -= next.files;
      void kick();
      yield next.item;
    }
  } finally {
    if (!done) await it.return?.();
  }
}
