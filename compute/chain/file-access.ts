import type { FileContext } from '../../clients/storage/file.ts';
import type { StorageContext } from '../../clients/storage/storage-context.ts';
import { sessionFileCache } from '../files/session-file-cache.ts';
import type { Session } from '../session.ts';
import type { ChainPlan } from './plan.ts';

/**
 * How File fields of a chain's rows read their content: through the source's storage context when it has
 * one (a `readStorage` source with its own credentials/endpoints), else the session's; through the on-disk
 * content cache `<data dir>/file-cache` when the chain's `cache` setting is on.
 */
export function fileContextFor(plan: ChainPlan, session: Session): FileContext {
  const storage = (plan.source as { readonly storage?: StorageContext }).storage ?? session.storage;
  if (!plan.settings.cache) return { storage };
  return { storage, cache: sessionFileCache(session) };
}
