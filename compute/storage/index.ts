/**
 * Storage in chains: `readStorage` (listing cache as datasets, globs), `toStorage`, File
 * rehydration and the prefetching wrapper for UDF inputs.
 */

export {
  createFileRehydrator,
  type FileRehydrator,
  fileFieldPaths,
  prefetchRows,
} from '../files/file-rows.ts';
export { type ReadStorageOptions, readStorage } from './read-storage.ts';
export {
  DEFAULT_LISTING_TTL_SECONDS,
  ensureListing,
  LISTING_DATASET_PREFIX,
  type Listing,
  type ListingOptions,
  listingDatasetName,
  STORAGE_ROW_SCHEMA,
  storageRowSchema,
} from './storage-listing.ts';
export { type StorageReadOptions, StorageSource } from './storage-source.ts';
export { type ToStorageOptions, toStorage } from './to-storage.ts';
