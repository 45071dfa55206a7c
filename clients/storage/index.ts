/**
 * Object storage: one driver contract (storage-driver.ts) for local files, memory, S3, GCS and
 * Azure Blob; URI parsing and the StorageContext facade; globs; prefix-parallel listing; the File
 * class with its disk cache; prefetching; bulk writes. Cloud SDKs load only when their scheme is used.
 */
export type { ListOptions, OpOptions, StorageDriver, StorageEntry, WriteOptions } from './storage-driver.ts';
export { listAll, readAllStream } from './storage-driver.ts';
export {
  BucketNotFoundError,
  InvalidStorageUriError,
  StorageAbortedError,
  StorageAccessDeniedError,
  StorageError,
  StorageNotFoundError,
  StorageRequestError,
  StorageUnavailableError,
  type StorageDriverName,
} from './storage-errors.ts';
export { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.ts';
export { joinStorageUri, parseStorageUri, type StorageLocation, type StorageScheme } from './storage-uri.ts';
export {
  openStorage,
  StorageContext,
  type DriverFactory,
  type ResolvedStorage,
  type ResolveOptions,
  type StorageContextOptions,
} from './storage-context.ts';
export { FsDriver, type FsDriverOptions } from './fs-driver.ts';
export { MemoryDriver, MemoryStore, type MemoryDriverOptions } from './memory-driver.ts';
// These modules import their SDK only inside methods (dynamic import), so exporting them is cheap.
export { S3Driver, type S3DriverOptions } from './s3-driver.ts';
export { GcsDriver, type GcsDriverOptions } from './gcs-driver.ts';
export { AzureDriver, type AzureDriverOptions } from './azure-driver.ts';
export { expandBraces, globLiteralHead, hasGlob, listGlob, planGlob, type GlobPlan } from './glob.ts';
export { parallelList, type ParallelListOptions } from './parallel-list.ts';
export { File, fileFromEntry, fileFromRecord, fileFromUri, type FileClass, type FileContext } from './file.ts';
export { FileCache, type CacheIdentity, type FileCacheOptions, type FileCacheStats } from './file-cache.ts';
export { ImageFile, type ImageInfo, type ThumbnailOptions } from './image-file.ts';
export { TextFile } from './text-file.ts';
export { prefetch, type PrefetchOptions } from './prefetch.ts';
export { writeFiles, type FilePlacement, type WriteFilesOptions, type WriteFilesResult } from './write-files.ts';
