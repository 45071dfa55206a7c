import type { File } from '../../clients/storage/file.ts';
import type { FileRecord } from '../../schema/record/file-schema.ts';

/**
 * A row as a UDF receives it: every File record (`readStorage`'s `file`, or any field saved from one) is a
 * {@link File} object with `read()`, `readText()`, `readJson()`, `stream()`, … (`TextFile` / `ImageFile`
 * for `type: 'text' | 'image'`, which extend it); other fields are as the chain's rows hold them. Saved
 * and collected rows keep the plain record.
 */
export type UdfRow<T> = T extends FileRecord
  ? File
  : T extends Date | readonly unknown[] | ((...args: never[]) => unknown)
    ? T
    : T extends object
      ? { [K in keyof T]: UdfRow<T[K]> }
      : T;
