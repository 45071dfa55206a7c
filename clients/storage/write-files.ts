import pLimit from 'p-limit';
import type { File } from './file.ts';
import { hasGlob } from './glob.ts';
import { InvalidStorageUriError } from './storage-errors.ts';

/** Where each file lands under the target URI. */
export type FilePlacement = 'filename' | 'fullpath' | ((file: File) => string);

/** Options of {@link writeFiles}. */
export interface WriteFilesOptions {
  /**
   * `'filename'` (default): `<target>/<name>` — files with equal names overwrite each other;
   * `'fullpath'`: `<target>/<path in its source>`; a function returns the relative key, or a full
   * URI (containing `://`) to write elsewhere.
   */
  readonly placement?: FilePlacement;
  /** Copies in flight. Default 16. */
  readonly concurrency?: number;
  /** Called after each copy with the source and the written File (completion order). */
  readonly onWritten?: (source: File, written: File) => void;
  readonly signal?: AbortSignal;
}

/** Totals returned by {@link writeFiles}. */
export interface WriteFilesResult {
  readonly files: number;
  readonly bytes: number;
}

/**
 * Copies every File of `files` under `target` (a URI prefix: `s3://bucket/out/`, `./out/`) with
 * bounded concurrency, streaming each body. The source iterable is pulled only as copy slots free
 * up, so memory stays flat. The first failure stops new copies and is rethrown after the running
 * ones settle. This is the core of the chain's `toStorage(uri, { placement })`.
 */
export async function writeFiles(
  files: AsyncIterable<File> | Iterable<File>,
  target: string,
  options: WriteFilesOptions = {},
): Promise<WriteFilesResult> {
  if (hasGlob(target))
    throw new InvalidStorageUriError(target, 'a write target cannot contain glob characters');
  const base = target.endsWith('/') ? target : `${target}/`;
  const placement = options.placement ?? 'filename';
  const limit = pLimit(Math.max(1, options.concurrency ?? 16));
  let count = 0;
  let bytes = 0;
  let failure: { error: unknown } | undefined;
  const running = new Set<Promise<void>>();
  const destination = (file: File): string => {
    if (placement === 'filename') return base + file.name;
    if (placement === 'fullpath') return base + file.path;
    const rel = placement(file);
    return rel.includes('://') ? rel : base + rel.replace(/^\/+/, '');
  };
  for await (const file of files) {
    if (failure !== undefined) break;
    if (options.signal?.aborted) throw options.signal.reason;
    const task = limit(async () => {
      if (failure !== undefined) return;
      try {
        const written = await file.save(
          destination(file),
          options.signal ? { signal: options.signal } : undefined,
        );
        count++;
        bytes += written.size;
        options.onWritten?.(file, written);
      } catch (error) {
        failure ??= { error };
      }
    });
    running.add(task);
    void task.finally(() => running.delete(task));
    if (limit.pendingCount > 0) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure.error;
  return { files: count, bytes };
}
