/**
 * Object storage: one driver contract (storage-driver.ts) for local files, memory, S3, GCS and
 * Azure Blob; URI parsing and the StorageContext facade; globs; prefix-parallel listing; the File
 * class with its disk cache; prefetching; bulk writes. Cloud SDKs load only when their scheme is used.
 */

export { AzureDriver, type AzureDriverOptions } from './azure-driver.ts';
export {
  File,
  type FileClass,
  type FileContext,
  fileFromEntry,
  fileFromRecord,
  fileFromUri,
} from './file.ts';
export { type CacheIdentity, FileCache, type FileCacheOptions, type FileCacheStats } from './file-cache.ts';
export { FsDriver, type FsDriverOptions } from './fs-driver.ts';
export { GcsDriver, type GcsDriverOptions } from './gcs-driver.ts';
export { expandBraces, type GlobPlan, globLiteralHead, hasGlob, listGlob, planGlob } from './glob.ts';
export { ImageFile, type ImageInfo, type ThumbnailOptions } from './image-file.ts';
export { MemoryDriver, type MemoryDriverOptions, MemoryStore } from './memory-driver.ts';
export { type ParallelListOptions, parallelList } from './parallel-list.ts';
export { type PrefetchOptions, prefetch } from './prefetch.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from './retry.ts';
// These modules import their SDK only inside methods (dynamic import), so exporting them is cheap.
export { S3Driver, type S3DriverOptions } from './s3-driver.ts';
export {
  type DriverFactory,
  openStorage,
  type ResolvedStorage,
  type ResolveOptions,
  StorageContext,
  type StorageContextOptions,
} from './storage-context.ts';
export type {
  ContentMatch,
  ListOptions,
  OpOptions,
  ReadOptions,
  StorageDriver,
  StorageEntry,
  WriteOptions,
} from './storage-driver.ts';
export { listAll, readAllStream } from './storage-driver.ts';
export {
  BucketNotFoundError,
  InvalidStorageUriError,
  StorageAbortedError,
  StorageAccessDeniedError,
  StorageChangedError,
  type StorageDriverName,
  StorageError,
  StorageNotFoundError,
  StorageRequestError,
  StorageUnavailableError,
} from './storage-errors.ts';
export { joinStorageUri, parseStorageUri, type StorageLocation, type StorageScheme } from './storage-uri.ts';
export { TextFile } from './text-file.ts';
export {
  type FilePlacement,
  type WriteFilesOptions,
  type WriteFilesResult,
  writeFiles,
} from './write-files.ts';
