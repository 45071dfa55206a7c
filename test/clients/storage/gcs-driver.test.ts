import { describe, expect, it } from 'vitest';
import { GcsDriver } from '../../../clients/storage/gcs-driver.ts';
import { StorageError } from '../../../clients/storage/storage-errors.ts';
import { startGcsFake } from '../../fakes/gcs-fake.ts';
import { conformanceSuite } from './conformance.ts';

conformanceSuite('gcs (JSON API fake)', async () => {
  const fake = await startGcsFake({ buckets: ['conformance'] });
  // A second fake that insists on credentials: the SDK sends none to a custom endpoint.
  const locked = await startGcsFake({ buckets: ['conformance'], requireAuth: true });
  return {
    driver: new GcsDriver({ bucket: 'conformance', apiEndpoint: fake.endpoint, projectId: 'test' }),
    missingBucket: new GcsDriver({ bucket: 'no-such-bucket', apiEndpoint: fake.endpoint, projectId: 'test' }),
    badCredentials: new GcsDriver({ bucket: 'conformance', apiEndpoint: locked.endpoint, projectId: 'test' }),
    close: async () => {
      await fake.close();
      await locked.close();
    },
  };
});

describe('gcs download integrity', () => {
  it('verifies MD5 by default, falls back to CRC32C for objects without MD5, and rejects corrupted bodies', async () => {
    const fake = await startGcsFake({ buckets: ['v'] });
    try {
      fake.seed('v', 'composite', Buffer.from('no md5 here'), 'text/plain', { noMd5: true });
      fake.seed('v', 'corrupt', Buffer.from('flipped bits'), 'text/plain', { corrupt: true });
      const retry = { retries: 1, baseDelayMs: 1 };
      const driver = new GcsDriver({ bucket: 'v', apiEndpoint: fake.endpoint, projectId: 'test', retry });
      expect((await driver.read('composite')).toString()).toBe('no md5 here');
      const err = await driver.read('corrupt').then(
        () => undefined,
        (e: unknown) => e as StorageError,
      );
      expect(err).toBeInstanceOf(StorageError);
      expect(err?.key).toBe('corrupt');
      expect(err?.code).toBe('STORAGE_UNAVAILABLE'); // retried, then reported
      const unchecked = new GcsDriver({
        bucket: 'v',
        apiEndpoint: fake.endpoint,
        projectId: 'test',
        validation: false,
      });
      expect((await unchecked.read('corrupt')).toString()).not.toBe('flipped bits');
    } finally {
      await fake.close();
    }
  });
});
