import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidStorageUriError } from './storage-errors.ts';

/** URI schemes chainql understands. */
export type StorageScheme = 'file' | 'memory' | 's3' | 'gs' | 'az';

/**
 * A parsed storage URI. `source` names the bucket (`s3://bucket`, `file:///`), `key` is the rest.
 * `source + '/' + key` (or `source + key` for `file:///`) is the canonical URI.
 */
export interface StorageLocation {
  readonly scheme: StorageScheme;
  /** Bucket / container / memory namespace; `/` for the local filesystem. */
  readonly bucket: string;
  /** Key or key prefix inside the bucket (no leading `/`; may contain glob characters). */
  readonly key: string;
  /** Canonical source identity: `s3://bucket`, `gs://bucket`, `az://container`, `memory://ns`, `file:///`. */
  readonly source: string;
}

const SCHEME_ALIASES: Readonly<Record<string, StorageScheme>> = {
  file: 'file',
  memory: 'memory',
  mem: 'memory',
  s3: 's3',
  s3a: 's3',
  gs: 'gs',
  gcs: 'gs',
  az: 'az',
  azure: 'az',
};

/**
 * Parses a storage URI:
 * - `file:///abs/path`, `/abs/path`, `./rel/path`, `rel/path` → local files. The bucket is the
 *   filesystem root `/`; the key is the absolute path without its leading `/`. Relative paths
 *   resolve against `cwd` (default `process.cwd()`); `file://` URLs are percent-decoded.
 * - `s3://bucket/prefix`, `gs://bucket/prefix` (alias `gcs://`), `memory://namespace/prefix`.
 * - `az://container/prefix` (alias `azure://`): the **storage account is not part of the URI**; it
 *   comes from the connection string (`AZURE_STORAGE_CONNECTION_STRING`), `AZURE_STORAGE_ACCOUNT`
 *   or the `azure.account` option, so the same URI works against azurite and Azure.
 * Cloud keys are taken verbatim (no percent-decoding: `%` and spaces are legal in keys).
 * A trailing `/` is kept (it marks a prefix). Throws INVALID_URI for unknown schemes or a missing bucket.
 */
export function parseStorageUri(uri: string, cwd: string = process.cwd()): StorageLocation {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s.exec(uri);
  if (match === null) {
    if (uri === '') throw new InvalidStorageUriError(uri, 'empty URI');
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri) && !/^[a-zA-Z]:[\\/]/.test(uri)) {
      throw new InvalidStorageUriError(uri, 'expected <scheme>://<bucket>/<key> or a local path');
    }
    return fileLocation(path.resolve(cwd, uri), uri.endsWith('/'));
  }
  const schemeText = (match[1] as string).toLowerCase();
  const rest = match[2] as string;
  const scheme = SCHEME_ALIASES[schemeText];
  if (scheme === undefined) {
    throw new InvalidStorageUriError(uri, `unknown scheme '${schemeText}' (use file, s3, gs, az or memory)`);
  }
  if (scheme === 'file') {
    let abs: string;
    try {
      abs = fileURLToPath(uri.replace(/^[a-zA-Z]+:/, 'file:'));
    } catch (err) {
      throw new InvalidStorageUriError(uri, (err as Error).message);
    }
    return fileLocation(abs, uri.endsWith('/'));
  }
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (bucket === '') throw new InvalidStorageUriError(uri, 'missing bucket name');
  if (scheme !== 'memory' && !/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/.test(bucket)) {
    throw new InvalidStorageUriError(uri, `'${bucket}' is not a valid bucket/container name`);
  }
  return { scheme, bucket, key, source: `${scheme}://${bucket}` };
}

function fileLocation(abs: string, isDir: boolean): StorageLocation {
  const posix = abs.split(path.sep).join('/');
  let key = posix.replace(/^\/+/, '');
  if (isDir && key !== '' && !key.endsWith('/')) key += '/';
  return { scheme: 'file', bucket: '/', key, source: 'file:///' };
}

/** The canonical URI of a key in a source: `s3://b` + `a/x.jpg` → `s3://b/a/x.jpg`. */
export function joinStorageUri(source: string, key: string): string {
  if (source === 'file:///') return pathToFileURL(`/${key}`).href;
  return `${source}/${key}`;
}
