import type { FileRecord } from '../../schema/record/file-schema.ts';
import { Chain } from '../chain/chain.ts';
import { InvalidArgumentError } from '../chain/chain-errors.ts';
import type { SourceOptions } from '../chain/read.ts';
import { type StorageReadOptions, StorageSource } from './storage-source.ts';

/** Options of {@link readStorage}. */
export type ReadStorageOptions = StorageReadOptions & SourceOptions;

/**
 * Objects in storage as a chain: one row `{ file }` per object (File record: source, path, size,
 * etag, version, lastModified, contentType), for every URI in order.
 *
 * ```ts
 * await readStorage('s3://bucket/images/', { glob: '**\/*.jpg' })
 *   .map({ width: z.number() }, async ({ file }) => ({ width: (await sharp(await file.read()).metadata()).width ?? 0 }))
 *   .save('image_sizes');
 * ```
 * URIs: `s3://`, `gs://`, `az://`, `file://`, local paths, `memory://` (see storage-uri.ts).
 * Listings are cached as datasets (`_listing.*`) and reused for `ttl` seconds (default 4 h) unless
 * `update: true`; a narrower prefix reuses a fresh listing of an enclosing directory.
 */
export function readStorage(
  uris: string | readonly string[],
  options: ReadStorageOptions = {},
): Chain<{ file: FileRecord }> {
  const list = typeof uris === 'string' ? [uris] : [...uris];
  if (list.length === 0) throw new InvalidArgumentError('readStorage() needs at least one URI.');
  const { session, ...rest } = options;
  return new Chain<{ file: FileRecord }>(
    { source: new StorageSource(list, rest), steps: [], settings: {} },
    session,
  );
}
