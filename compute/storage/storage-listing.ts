import { createHash, hash } from 'node:crypto';
import { z } from 'zod';
import { parallelList } from '../../clients/storage/parallel-list.ts';
import type { StorageDriver, StorageEntry } from '../../clients/storage/storage-driver.ts';
import { joinStorageUri, type StorageLocation } from '../../clients/storage/storage-uri.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { type FileKind, type FileRecord, FileSchema, fileSchemaOf } from '../../schema/record/file-schema.ts';
import { fromZod } from '../../schema/record/index.ts';
import { writeRows } from '../chain/table-writer.ts';
import type { DatasetVersion } from '../registry/dataset-registry.ts';
import { DatasetNotFoundError } from '../registry/registry-errors.ts';
import type { Session } from '../session.ts';

/** Row type of listings and of `readStorage` rows: `{ file: File }`. */
export const STORAGE_ROW_SCHEMA: DatasetSchema = fromZod(z.object({ file: FileSchema }));

/** Row type of `readStorage(uri, { type })` rows: the `file` field tagged by kind. */
export function storageRowSchema(kind: FileKind = 'file'): DatasetSchema {
  return kind === 'file' ? STORAGE_ROW_SCHEMA : fromZod(z.object({ file: fileSchemaOf(kind) }));
}

/** Dataset names of cached listings start with this (hide them from user-facing lists). */
export const LISTING_DATASET_PREFIX = '_listing.';

/** Default listing time-to-live: 4 hours, in seconds. */
export const DEFAULT_LISTING_TTL_SECONDS = 4 * 60 * 60;

/** The description JSON stored with each listing version. */
interface ListingMeta {
  readonly kind: 'storage-listing';
  readonly source: string;
  readonly prefix: string;
  /** Order-independent hash of the listed entries: an unchanged relisting reuses the version. */
  readonly contentHash?: string;
}

/** A cached listing: a dataset version whose rows are every object under `prefix` of `source`. */
export interface Listing {
  readonly source: string;
  readonly prefix: string;
  readonly version: DatasetVersion;
  /** True when this call listed storage; false when a fresh cached listing was reused. */
  readonly listed: boolean;
}

/** Options of {@link ensureListing}. */
export interface ListingOptions {
  /** Relist even when a fresh listing exists. Default false. */
  readonly update?: boolean;
  /**
   * Seconds a listing stays fresh. Default {@link DEFAULT_LISTING_TTL_SECONDS} for cloud and memory
   * sources, 0 for local files (listing a directory is cheap and users expect to see new files).
   */
  readonly ttl?: number;
  /** Prefix listings in flight. Default 16. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/** The dataset name of the listing of (source, prefix). */
export function listingDatasetName(source: string, prefix: string): string {
  const hash = createHash('sha256').update(`${source}\u0000${prefix}`).digest('hex').slice(0, 20);
  return `${LISTING_DATASET_PREFIX}${hash}`;
}

/** The directory part of a key prefix (`images/cat` → `images/`): listings are cached per directory. */
export function listingPrefixOf(keyPrefix: string): string {
  return keyPrefix.slice(0, keyPrefix.lastIndexOf('/') + 1);
}

/** `a/b/c/` → `['a/b/c/', 'a/b/', 'a/', '']`: the listings that cover a prefix, narrowest first. */
function coveringPrefixes(prefix: string): string[] {
  const out = [prefix];
  let p = prefix;
  while (p !== '') {
    p = p.slice(0, p.slice(0, -1).lastIndexOf('/') + 1);
    out.push(p);
  }
  return out;
}

async function latest(session: Session, name: string): Promise<DatasetVersion | undefined> {
  try {
    return await session.registry.getVersion(name);
  } catch (err) {
    if (err instanceof DatasetNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Returns a listing of `location` (its directory prefix) as a dataset version: the narrowest
 * fresh cached listing of the same source whose prefix covers it (the same directory or any
 * ancestor), unless `update` is set or all are older than `ttl`; otherwise lists storage now with
 * prefix-parallel listing, streaming the entries into a new table (flat memory) and registering
 * it as a new version of `_listing.<hash>` with lineage = the listed URI.
 */
export async function ensureListing(
  session: Session,
  driver: StorageDriver,
  location: Pick<StorageLocation, 'source' | 'key'>,
  options: ListingOptions = {},
): Promise<Listing> {
  const prefix = listingPrefixOf(location.key);
  const defaultTtl = location.source === 'file:///' ? 0 : DEFAULT_LISTING_TTL_SECONDS;
  const ttlMs = (options.ttl ?? defaultTtl) * 1000;
  if (!options.update) {
    for (const candidate of coveringPrefixes(prefix)) {
      const version = await latest(session, listingDatasetName(location.source, candidate));
      if (version === undefined || Date.now() - version.createdAt.getTime() > ttlMs) continue;
      const meta = JSON.parse(version.description ?? '{}') as Partial<ListingMeta>;
      if (meta.kind !== 'storage-listing' || meta.source !== location.source || meta.prefix !== candidate)
        continue;
      return { source: location.source, prefix: candidate, version, listed: false };
    }
  }
  const name = listingDatasetName(location.source, prefix);
  const table = await session.registry.reserveTableName(name);
  let hashSum = 0n;
  async function* rows(): AsyncIterable<{ file: FileRecord }> {
    for await (const page of parallelList(driver, prefix, {
      concurrency: options.concurrency ?? 16,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    })) {
      for (const e of page) {
        hashSum = (hashSum + entryHash(e)) & MASK_64;
        yield {
          file: {
            source: location.source,
            path: e.key,
            size: e.size,
            etag: e.etag ?? null,
            version: e.version ?? null,
            lastModified: e.lastModified ?? null,
            contentType: e.contentType ?? null,
          },
        };
      }
    }
  }
  let count: number;
  try {
    count = await writeRows(session.warehouse, table, STORAGE_ROW_SCHEMA, rows());
  } catch (err) {
    await session.warehouse.dropTable(table).catch(() => undefined);
    throw err;
  }
  const contentHash = `${count}:${hashSum.toString(16)}`;
  // Relisted and nothing changed: keep the existing version (stable chain identity, no version churn).
  const previous = await latest(session, name);
  if (previous !== undefined) {
    const meta = JSON.parse(previous.description ?? '{}') as Partial<ListingMeta>;
    if (meta.contentHash === contentHash && meta.prefix === prefix && meta.source === location.source) {
      await session.warehouse.dropTable(table);
      return { source: location.source, prefix, version: previous, listed: true };
    }
  }
  const meta: ListingMeta = { kind: 'storage-listing', source: location.source, prefix, contentHash };
  const version = await session.registry.createVersion({
    name,
    table,
    schema: STORAGE_ROW_SCHEMA,
    rows: count,
    description: JSON.stringify(meta),
    lineage: [joinStorageUri(location.source, prefix)],
  });
  return { source: location.source, prefix, version, listed: true };
}

const MASK_64 = (1n << 64n) - 1n;

/**
 * 64 bits of a hash of one entry's identity; summed, they hash a listing independently of order. One-shot
 * `crypto.hash` (the first 16 hex digits of the SHA-256) gives the same value as a `createHash` object per
 * entry at a third of the cost — it ran for every listed object, most of a 100k-object relisting's CPU time.
 */
function entryHash(e: StorageEntry): bigint {
  const digest = hash(
    'sha256',
    `${e.key}\u0000${e.size}\u0000${e.etag ?? ''}\u0000${e.version ?? ''}\u0000${e.lastModified?.getTime() ?? ''}`,
  );
  return BigInt(`0x${digest.slice(0, 16)}`);
}
