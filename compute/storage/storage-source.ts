import { hasGlob, planGlob } from '../../clients/storage/glob.ts';
import { StorageContext, type StorageContextOptions } from '../../clients/storage/storage-context.ts';
import type { StorageDriver } from '../../clients/storage/storage-driver.ts';
import { StorageNotFoundError } from '../../clients/storage/storage-errors.ts';
import { getCompiler } from '../../schema/dialect/get-compiler.ts';
import { columnNode } from '../../schema/expr/index.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import type { FileKind, FileRecord } from '../../schema/record/file-schema.ts';
import { createRowDecoder, flattenSchema } from '../../schema/record/index.ts';
import { stableJson } from '../../schema/stable-json.ts';
import type { Relation } from '../chain/relation.ts';
import type { ChainSaver, ChainSource } from '../chain/sources/chain-source.ts';
import { scanTable } from '../chain/sources/scan.ts';
import { temporaryTableName, writeRows } from '../chain/table-writer.ts';
import { DeltaError } from '../delta/delta-errors.ts';
import type { DeltaOptions, DeltaSource } from '../delta/delta-options.ts';
import { deltaSaver } from '../delta/delta-save.ts';
import type { Session } from '../session.ts';
import { ensureListing, type Listing, STORAGE_ROW_SCHEMA, storageRowSchema } from './storage-listing.ts';

/** Options of `readStorage` (besides the session). */
export interface StorageReadOptions extends DeltaOptions {
  /**
   * Glob over keys, relative to the URI's directory (`**\/*.jpg`, `{a,b}/*.png`, `img[0-9].*`).
   * Globs may also be written in the URI itself (`s3://b/images/*.jpg`). Default: everything.
   */
  readonly glob?: string;
  /** Include objects in sub-"directories" (default true); false keeps one level. */
  readonly recursive?: boolean;
  /** Unsigned requests (public buckets). Default false. */
  readonly anon?: boolean;
  /**
   * Relist storage even when a fresh cached listing exists. Default false — but true with `delta: true`
   * (an incremental run must see today's files); pass `update: false` to let a delta run reuse a fresh listing.
   */
  readonly update?: boolean;
  /** Seconds a cached listing is reused. Default 4 hours (0 for local files: always relisted). */
  readonly ttl?: number;
  /** Storage facade (credentials, endpoints). Default: the session's (`session.storage`). */
  readonly storage?: StorageContext;
  /** Options of a storage context made for this source (ignored when `storage` is given). */
  readonly storageOptions?: StorageContextOptions;
  /** Prefix listings in flight while listing. Default 16. */
  readonly listConcurrency?: number;
  /**
   * File kind of the rows: `'file'` (default), `'text'` (TextFile) or `'image'` (ImageFile). Stored
   * as the field's tag (`file`, `text-file`, `image-file`), so saved datasets keep it.
   */
  readonly type?: FileKind;
}

/** One URI resolved to what to list and which keys to keep. */
interface Target {
  readonly uri: string;
  readonly match: (key: string) => boolean;
  /** Key prefix every match starts with (a listing covering it is enough). */
  readonly prefix: string;
  /** True when the URI named one key (no glob): an object, or a "directory" under `key/`. */
  readonly exact: boolean;
}

function target(uri: string, key: string, options: StorageReadOptions): Target {
  const recursive = options.recursive ?? true;
  let pattern: string | undefined;
  let dir: string;
  if (options.glob !== undefined) {
    dir = key === '' || key.endsWith('/') ? key : `${key}/`;
    pattern = dir + options.glob.replace(/^\/+/, '');
  } else if (hasGlob(key)) {
    pattern = key;
    dir = key.slice(0, key.lastIndexOf('/', key.search(/[*?[\]{}()!+@\\]/)) + 1);
  } else {
    dir = key === '' || key.endsWith('/') ? key : `${key}/`;
  }
  const oneLevel = (k: string): boolean => recursive || !k.slice(dir.length).includes('/');
  if (pattern !== undefined) {
    const plan = planGlob(pattern);
    const prefix = commonPrefix(plan.prefixes);
    return { uri, prefix, exact: false, match: (k) => k.startsWith(prefix) && plan.match(k) && oneLevel(k) };
  }
  // A key without a trailing slash names one object or a "directory": both match.
  return { uri, prefix: key, exact: true, match: (k) => (k === key || k.startsWith(dir)) && oneLevel(k) };
}

/**
 * The key prefix to list for a target: a key without a trailing slash that is not an object names a
 * "directory", so only `key/` is listed (not its parent: listing `/tmp` to read `/tmp/x` would walk
 * every sibling). An object under that exact key is listed with its directory, as before.
 */
async function listedPrefix(driver: StorageDriver, t: Target): Promise<string> {
  const key = t.prefix;
  if (!t.exact || key === '' || key.endsWith('/')) return key;
  try {
    await driver.stat(key);
    return key;
  } catch (err) {
    // Any other failure (no read permission on a list-only bucket, …) is left to the listing to report.
    return err instanceof StorageNotFoundError ? `${key}/` : key;
  }
}

function commonPrefix(xs: readonly string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0] as string;
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * Objects in storage as a chain source: rows `{ file: File }` for every object matching the URIs
 * (and glob), in URI order then key order. Listings come from the listing cache (see
 * storage-listing.ts); the matching rows are copied from the listing into a table owned by the run.
 * The identity names the listing versions used, so a relisting that changed yields new input.
 */
export class StorageSource implements ChainSource, DeltaSource {
  readonly label: string;
  readonly #uris: readonly string[];
  readonly #options: StorageReadOptions;
  readonly #storage: StorageContext | undefined;
  readonly #listings = new WeakMap<Session, Promise<Listing[]>>();

  constructor(uris: readonly string[], options: StorageReadOptions = {}) {
    this.#uris = uris;
    this.#options = options;
    this.#storage =
      options.storage ??
      (options.storageOptions !== undefined ? new StorageContext(options.storageOptions) : undefined);
    this.label = `storage ${uris.join(', ')}${options.glob ? ` (glob ${options.glob})` : ''}`;
  }

  /**
   * The storage context File rows of this source should be rehydrated with, when the source has its
   * own (`storage` / `storageOptions`); undefined means the session's.
   */
  get storage(): StorageContext | undefined {
    return this.#storage;
  }

  #storageOf(session: Session): StorageContext {
    return this.#storage ?? session.storage;
  }

  #ensure(session: Session): Promise<Listing[]> {
    let pending = this.#listings.get(session);
    if (pending === undefined) {
      pending = (async () => {
        const out: Listing[] = [];
        for (const uri of this.#uris) {
          const { driver, location } = await this.#storageOf(session).resolve(uri, this.#anon());
          const t = target(uri, location.key, this.#options);
          out.push(
            await ensureListing(
              session,
              driver,
              { source: location.source, key: await listedPrefix(driver, t) },
              {
                ...(this.#update() !== undefined ? { update: this.#update() } : {}),
                ...(this.#options.ttl !== undefined ? { ttl: this.#options.ttl } : {}),
                ...(this.#options.listConcurrency !== undefined
                  ? { concurrency: this.#options.listConcurrency }
                  : {}),
              },
            ),
          );
        }
        return out;
      })();
      this.#listings.set(session, pending);
      pending.catch(() => this.#listings.delete(session));
    }
    return pending;
  }

  #update(): boolean | undefined {
    return this.#options.update ?? (this.#options.delta === true ? true : undefined);
  }

  /** The delta options (`readStorage(uri, { delta: true, deltaOn, deltaCompare, deltaRetry })`). */
  get deltaOptions(): DeltaOptions | undefined {
    return this.#options;
  }

  /** With `delta: true`: the incremental save of compute/delta. */
  get saver(): ChainSaver | undefined {
    return deltaSaver(this.#options);
  }

  /** The same source with other delta options (pipelines declared `delta`). */
  withDeltaOptions(delta: DeltaOptions): StorageSource {
    return new StorageSource(this.#uris, { ...this.#options, ...delta });
  }

  /** URIs, glob, recursion and file kind: the source without the listing versions it resolves to. */
  deltaIdentity(): string {
    const o = this.#options;
    return `storage:${stableJson({ uris: this.#uris, glob: o.glob ?? null, recursive: o.recursive ?? true, type: o.type ?? 'file' })}`;
  }

  /** Defaults: a file is keyed by `file.source` + `file.path` and changed when `file.etag` or `file.version` differ. */
  async deltaDefaults(
    _session: Session,
    on: readonly string[] | undefined,
  ): Promise<{ on: readonly string[]; compare: readonly string[] }> {
    if (on !== undefined && on.length === 0) throw new DeltaError('deltaOn must name at least one field.');
    return { on: on ?? ['file.source', 'file.path'], compare: ['file.etag', 'file.version'] };
  }

  /**
   * The listing table itself, read in place, when every row of it is a row of this source: one URI naming a
   * directory (`…/docs/`) whose own listing was used, no glob, recursive. Saves copying (decoding and
   * re-encoding) every listed object — most of a delta run's fixed cost. Rows keep the listing's ids; the
   * chain order is `file.path`, as for the copied rows.
   */
  async #wholeListing(session: Session, listings: readonly Listing[]): Promise<Relation | undefined> {
    const options = this.#options;
    const [uri] = this.#uris;
    const [listing] = listings;
    if (this.#uris.length !== 1 || uri === undefined || listing === undefined) return undefined;
    if (options.glob !== undefined || options.recursive === false || (options.type ?? 'file') !== 'file')
      return undefined;
    const { location } = await this.#storageOf(session).resolve(uri, this.#anon());
    const key = location.key;
    if (hasGlob(key) || !(key === '' || key.endsWith('/')) || listing.prefix !== key) return undefined;
    const schema = storageRowSchema(options.type);
    return {
      query: scanTable(listing.version.table, schema),
      schema,
      order: [{ expr: columnNode('file.path'), direction: 'asc' }],
      lineage: [{ dataset: listing.version.name, version: listing.version.version }],
    };
  }

  #anon(): { anon?: boolean } {
    return this.#options.anon !== undefined ? { anon: this.#options.anon } : {};
  }

  async identity(session: Session): Promise<string> {
    const listings = await this.#ensure(session);
    const used = listings.map((l) => `${l.version.name}@${l.version.version}`);
    const o = this.#options;
    return `storage:${stableJson({ uris: this.#uris, glob: o.glob ?? null, recursive: o.recursive ?? true, type: o.type ?? 'file', used })}`;
  }

  async describe(): Promise<DatasetSchema> {
    return storageRowSchema(this.#options.type);
  }

  async open(session: Session, track: (table: string) => void): Promise<Relation> {
    const listings = await this.#ensure(session);
    const whole = await this.#wholeListing(session, listings);
    if (whole) return whole;
    const table = temporaryTableName();
    track(table);
    const warehouse = session.warehouse;
    const decode = createRowDecoder(flattenSchema(STORAGE_ROW_SCHEMA), warehouse.dialect);
    const uris = this.#uris;
    const options = this.#options;
    const storage = this.#storageOf(session);
    const anon = this.#anon();
    async function* rows(): AsyncIterable<{ file: FileRecord }> {
      for (let i = 0; i < uris.length; i++) {
        const listing = listings[i] as Listing;
        const { location } = await storage.resolve(uris[i] as string, anon);
        const t = target(uris[i] as string, location.key, options);
        const query = getCompiler(warehouse.dialect).compileQuery({
          kind: 'select',
          from: { kind: 'table', name: listing.version.table },
          selections: 'all',
          orderBy: [{ expr: columnNode('file.path'), direction: 'asc' }],
        });
        for await (const chunk of warehouse.stream(query)) {
          for (const raw of chunk) {
            const row = decode(raw) as { file: FileRecord };
            if (t.match(row.file.path)) yield { file: row.file };
          }
        }
      }
    }
    const schema = storageRowSchema(options.type);
    await writeRows(warehouse, table, schema, rows());
    return {
      query: scanTable(table, schema),
      schema,
      order: undefined,
      lineage: listings.map((l) => ({ dataset: l.version.name, version: l.version.version })),
      ownedTable: table,
    };
  }
}
