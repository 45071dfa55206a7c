import { join } from 'node:path';
import type { FileContext } from '../../clients/storage/file.ts';
import { FileCache } from '../../clients/storage/file-cache.ts';
import type { StorageContext } from '../../clients/storage/storage-context.ts';
import type { Session } from '../session.ts';
import type { ChainPlan } from './plan.ts';

// One cache instance per directory and process (the cache keeps an in-memory LRU index of its files).
const caches = new Map<string, FileCache>();

/**
 * How File fields of a chain's rows read their content: through the source's storage context when it has
 * one (a `readStorage` source with its own credentials/endpoints), else the session's; through the on-disk
 * content cache `<data dir>/file-cache` when the chain's `cache` setting is on.
 */
export function fileContextFor(plan: ChainPlan, session: Session): FileContext {
  const storage = (plan.source as { readonly storage?: StorageContext }).storage ?? session.storage;
  if (!plan.settings.cache) return { storage };
  const dir = join(session.dataDir, 'file-cache');
  let cache = caches.get(dir);
  if (!cache) {
    cache = new FileCache({ dir });
    caches.set(dir, cache);
  }
  return { storage, cache };
}
