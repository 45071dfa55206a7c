import type { File, FileContext } from '../../clients/storage/file.ts';
import { StorageContext } from '../../clients/storage/storage-context.ts';
import {
  type WriteFilesOptions,
  type WriteFilesResult,
  writeFiles,
} from '../../clients/storage/write-files.ts';
import type { FileRecord } from '../../schema/record/file-schema.ts';
import { createFileRehydrator } from '../files/file-rows.ts';
import { STORAGE_ROW_SCHEMA } from './storage-listing.ts';

/** Options of {@link toStorage}. */
export interface ToStorageOptions extends WriteFilesOptions {
  /** The row field holding the File (dot path for nested fields). Default `'file'`. */
  readonly field?: string;
  /** Storage facade for reading sources and writing the target. Default: a new context from env. */
  readonly storage?: StorageContext;
  /** Content cache used when reading sources. Default none. */
  readonly cache?: FileContext['cache'];
}

/**
 * Writes the File of every row of `rows` (a chain, or any async iterable of rows) under `target`
 * with bounded concurrency — the chain's `toStorage(uri, { placement })` terminal:
 * `await toStorage(readStorage('s3://in/'), 'file:///tmp/out/', { placement: 'fullpath' })`.
 * Rows whose field is null are skipped. Returns the number of files and bytes written.
 */
export async function toStorage(
  rows: AsyncIterable<Record<string, unknown>>,
  target: string,
  options: ToStorageOptions = {},
): Promise<WriteFilesResult> {
  const storage = options.storage ?? new StorageContext();
  const context: FileContext = { storage, ...(options.cache !== undefined ? { cache: options.cache } : {}) };
  const path = (options.field ?? 'file').split('.');
  // Rehydrate through the File schema at `path` (the row's own schema may not be at hand).
  const rehydrator = createFileRehydrator(
    {
      fields: nest(
        path,
        STORAGE_ROW_SCHEMA.fields.file as NonNullable<typeof STORAGE_ROW_SCHEMA.fields.file>,
      ),
    },
    context,
  );
  async function* files(): AsyncIterable<File> {
    for await (const row of rows) {
      const [file] = rehydrator.files(rehydrator.rehydrate({ ...row, ...shallowCopy(row, path) }));
      if (file !== undefined) yield file;
    }
  }
  return writeFiles(files(), target, options);
}

type Spec = NonNullable<typeof STORAGE_ROW_SCHEMA.fields.file>;

function nest(path: readonly string[], leaf: Spec): Record<string, Spec> {
  const [head, ...rest] = path;
  if (head === undefined) return {};
  if (rest.length === 0) return { [head]: leaf };
  return { [head]: { type: { kind: 'object', fields: nest(rest, leaf) }, nullable: true, optional: true } };
}

/** Copies the objects along `path` so rehydration does not mutate the caller's rows. */
function shallowCopy(row: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let src: unknown = row;
  let dst = out;
  for (const [i, key] of path.entries()) {
    if (src === null || typeof src !== 'object') break;
    const value = (src as Record<string, unknown>)[key];
    if (i === path.length - 1)
      dst[key] = value !== null && typeof value === 'object' ? { ...(value as FileRecord) } : value;
    else if (value !== null && typeof value === 'object') {
      dst[key] = { ...(value as Record<string, unknown>) };
      dst = dst[key] as Record<string, unknown>;
    }
    src = value;
  }
  return out;
}
