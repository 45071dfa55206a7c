import { z } from 'zod';
import { CHAINQL_META_KEY } from './vector.ts';

/**
 * The File record: a reference to one object in storage, stored as a nested object with tag
 * `'file'` (`file.source`, `file.path`, … flatten to `file__source`, `file__path`, …). Pure data:
 * the methods (`read()`, `stream()`, …) live on the File class in clients/storage/file.ts, which
 * rehydrates records with `fileFromRecord`.
 *
 * - `source`: the bucket's canonical URI (`s3://bucket`, `gs://bucket`, `az://container`,
 *   `memory://ns`, `file:///`);
 * - `path`: the key inside the source (no leading `/`);
 * - `size` in bytes; `etag` and `version` identify the content (null when the backend has none);
 * - `lastModified`; `contentType` when the backend reported one.
 */
export const FileSchema = z
  .object({
    source: z.string().describe('Bucket URI: s3://bucket, gs://bucket, az://container, file:///, memory://ns'),
    path: z.string().describe('Key inside the source'),
    size: z.number().int().nonnegative().describe('Size in bytes'),
    etag: z.string().nullable().describe('Entity tag of the content, when known'),
    version: z.string().nullable().describe('Object version / generation, when the backend versions objects'),
    lastModified: z.date().nullable().describe('Last modification time'),
    contentType: z.string().nullable().describe('MIME type, when known'),
  })
  .meta({ [CHAINQL_META_KEY]: { tag: 'file' } });

/** A File record as stored and as passed to `fileFromRecord`. */
export type FileRecord = z.infer<typeof FileSchema>;

/** The `ObjectType.tag` value of File records. */
export const FILE_TAG = 'file';
