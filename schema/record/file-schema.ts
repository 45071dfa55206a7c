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
const fileFields = () =>
  z.object({
    source: z
      .string()
      .describe('Bucket URI: s3://bucket, gs://bucket, az://container, file:///, memory://ns'),
    path: z.string().describe('Key inside the source'),
    size: z.number().int().nonnegative().describe('Size in bytes'),
    etag: z.string().nullable().describe('Entity tag of the content, when known'),
    version: z.string().nullable().describe('Object version / generation, when the backend versions objects'),
    lastModified: z.date().nullable().describe('Last modification time'),
    contentType: z.string().nullable().describe('MIME type, when known'),
  });

/** The `ObjectType.tag` value of File records. */
export const FILE_TAG = 'file';

/** File kinds and their tags: readers rehydrate `text-file` as TextFile, `image-file` as ImageFile. */
export const FILE_KIND_TAGS = { file: 'file', text: 'text-file', image: 'image-file' } as const;

/** A kind of File record (`readStorage(uri, { type })`). */
export type FileKind = keyof typeof FILE_KIND_TAGS;

/** The generic File record schema (tag `'file'`). */
export const FileSchema = fileFields().meta({ [CHAINQL_META_KEY]: { tag: FILE_KIND_TAGS.file } });

/** A text file record (tag `'text-file'`): same fields, rehydrated as TextFile. */
export const TextFileSchema = fileFields().meta({ [CHAINQL_META_KEY]: { tag: FILE_KIND_TAGS.text } });

/** An image file record (tag `'image-file'`): same fields, rehydrated as ImageFile. */
export const ImageFileSchema = fileFields().meta({ [CHAINQL_META_KEY]: { tag: FILE_KIND_TAGS.image } });

/** The record schema of a file kind. */
export function fileSchemaOf(kind: FileKind): typeof FileSchema {
  return kind === 'text' ? TextFileSchema : kind === 'image' ? ImageFileSchema : FileSchema;
}

/** The kind a tag denotes, or undefined for tags that are not File tags. */
export function fileKindOfTag(tag: string | undefined): FileKind | undefined {
  for (const [kind, t] of Object.entries(FILE_KIND_TAGS)) if (t === tag) return kind as FileKind;
  return undefined;
}

/** A File record as stored and as passed to `fileFromRecord`. */
export type FileRecord = z.infer<typeof FileSchema>;
