import { join } from 'node:path';
import { FileCache } from '../../clients/storage/file-cache.ts';
import type { Session } from '../session.ts';

// One cache instance per directory and process (the cache keeps an in-memory LRU index of its files).
const caches = new Map<string, FileCache>();

/**
 * The on-disk content cache of File reads for a session: `<session data dir>/file-cache`, created on first write.
 * A worker on ClickHouse has a session on its own data directory (`chainql worker --data`), so it caches on its own
 * disk, not in the server's directory that jobs name.
 */
export function sessionFileCache(session: Session): FileCache {
  const dir = join(session.dataDir, 'file-cache');
  let cache = caches.get(dir);
  if (!cache) {
    cache = new FileCache({ dir });
    caches.set(dir, cache);
  }
  return cache;
}
