import type { AzureDriverOptions } from './azure-driver.ts';
import { FsDriver } from './fs-driver.ts';
import type { GcsDriverOptions } from './gcs-driver.ts';
import { MemoryDriver, MemoryStore } from './memory-driver.ts';
import type { RetryPolicy } from './retry.ts';
import type { S3DriverOptions } from './s3-driver.ts';
import type { StorageDriver } from './storage-driver.ts';
import { parseStorageUri, type StorageLocation, type StorageScheme } from './storage-uri.ts';

/**
 * Settings shared by every driver a {@link StorageContext} creates. Cloud credentials default to
 * each SDK's standard environment variables and config files.
 */
export interface StorageContextOptions {
  /** S3 settings (endpoint, region, credentials, …) applied to every `s3://` bucket. */
  readonly s3?: Omit<S3DriverOptions, 'bucket'>;
  /** GCS settings applied to every `gs://` bucket. */
  readonly gcs?: Omit<GcsDriverOptions, 'bucket'>;
  /** Azure settings (account, connection string, …) applied to every `az://` container. */
  readonly azure?: Omit<AzureDriverOptions, 'container'>;
  /** Unsigned/anonymous requests for every cloud driver unless overridden per call. Default false. */
  readonly anon?: boolean;
  /** Retry policy for transient failures. Default {@link DEFAULT_RETRY_POLICY}. */
  readonly retry?: RetryPolicy;
  /** Base directory for relative local paths. Default `process.cwd()`. */
  readonly cwd?: string;
  /** Backing store of `memory://` buckets. Default: a new store owned by this context. */
  readonly memory?: MemoryStore;
}

/** Per-call overrides accepted by {@link StorageContext.resolve}. */
export interface ResolveOptions {
  /** Unsigned requests for this URI (public buckets). Default: the context's `anon`. */
  readonly anon?: boolean;
}

/** A URI resolved to its driver. */
export interface ResolvedStorage {
  readonly driver: StorageDriver;
  readonly location: StorageLocation;
}

/** Builds a driver for a bucket; registered per scheme. */
export type DriverFactory = (
  bucket: string,
  context: StorageContext,
  options: ResolveOptions,
) => Promise<StorageDriver>;

/**
 * The storage facade: turns URIs into drivers and caches one driver per (scheme, bucket, anon).
 * Not a singleton — create one per application/test and pass it along (it is the "storage" part
 * of the compute context). Cloud driver modules are imported only when their scheme is first used.
 */
export class StorageContext {
  /** The options this context was created with. */
  readonly options: StorageContextOptions;
  /** Buckets of `memory://` URIs. Create buckets with `context.memory.createBucket(name)`. */
  readonly memory: MemoryStore;
  readonly #drivers = new Map<string, Promise<StorageDriver>>();
  readonly #factories = new Map<StorageScheme | string, DriverFactory>();

  constructor(options: StorageContextOptions = {}) {
    this.options = options;
    this.memory = options.memory ?? new MemoryStore();
    this.#factories.set('file', async (bucket) => new FsDriver({ root: bucket }));
    this.#factories.set('memory', async (bucket, ctx) => new MemoryDriver({ bucket, store: ctx.memory }));
    this.#factories.set('s3', async (bucket, ctx, o) => {
      const { S3Driver } = await import('./s3-driver.ts');
      return new S3Driver({
        retry: ctx.options.retry,
        ...ctx.options.s3,
        bucket,
        anon: o.anon ?? ctx.options.s3?.anon ?? ctx.options.anon,
      });
    });
    this.#factories.set('gs', async (bucket, ctx, o) => {
      const { GcsDriver } = await import('./gcs-driver.ts');
      return new GcsDriver({
        retry: ctx.options.retry,
        ...ctx.options.gcs,
        bucket,
        anon: o.anon ?? ctx.options.gcs?.anon ?? ctx.options.anon,
      });
    });
    this.#factories.set('az', async (bucket, ctx, o) => {
      const { AzureDriver } = await import('./azure-driver.ts');
      return new AzureDriver({
        retry: ctx.options.retry,
        ...ctx.options.azure,
        container: bucket,
        anon: o.anon ?? ctx.options.azure?.anon ?? ctx.options.anon,
      });
    });
  }

  /**
   * Replaces or adds the driver factory of a scheme (e.g. a custom backend or a test double).
   * Already-created drivers of that scheme are kept.
   */
  registerDriver(scheme: StorageScheme, factory: DriverFactory): void {
    this.#factories.set(scheme, factory);
  }

  /** Parses `uri` and returns its (cached) driver. Throws INVALID_URI for unparseable URIs. */
  async resolve(uri: string, options: ResolveOptions = {}): Promise<ResolvedStorage> {
    const location = parseStorageUri(uri, this.options.cwd);
    return { driver: await this.driverFor(location, options), location };
  }

  /** The cached driver of a parsed location's bucket. */
  driverFor(
    location: Pick<StorageLocation, 'scheme' | 'bucket'>,
    options: ResolveOptions = {},
  ): Promise<StorageDriver> {
    const anon = options.anon ?? this.options.anon ?? false;
    const cacheKey = `${location.scheme}\u0000${location.bucket}\u0000${anon}`;
    let driver = this.#drivers.get(cacheKey);
    if (driver === undefined) {
      const factory = this.#factories.get(location.scheme);
      if (factory === undefined) throw new Error(`no driver registered for scheme '${location.scheme}'`);
      driver = factory(location.bucket, this, { anon });
      this.#drivers.set(cacheKey, driver);
      driver.catch(() => this.#drivers.delete(cacheKey));
    }
    return driver;
  }

  /** The driver for a File record's `source` (`s3://bucket`, `file:///`, …). */
  driverForSource(source: string, options: ResolveOptions = {}): Promise<StorageDriver> {
    const location = parseStorageUri(source.endsWith('/') ? source : `${source}/`, this.options.cwd);
    return this.driverFor(location, options);
  }

  /** Closes every driver created by this context (sockets, SDK clients). */
  async close(): Promise<void> {
    const drivers = await Promise.allSettled(this.#drivers.values());
    this.#drivers.clear();
    for (const d of drivers) if (d.status === 'fulfilled') await d.value.close?.();
  }
}

/**
 * Convenience: resolve one URI in a context (a new context with `options` when none is given).
 * Returns the driver plus the key/prefix the URI names.
 */
export async function openStorage(
  uri: string,
  options: StorageContextOptions & ResolveOptions = {},
  context: StorageContext = new StorageContext(options),
): Promise<ResolvedStorage & { context: StorageContext }> {
  const resolved = await context.resolve(uri, options.anon !== undefined ? { anon: options.anon } : {});
  return { ...resolved, context };
}
