import { describe, expect, it } from 'vitest';
import { S3Driver } from '../../../clients/storage/s3-driver.ts';
import { S3RVER_CREDENTIALS, startOrSkip, startS3rver } from '../../fakes/emulators.ts';
import { startFaultProxy } from '../../fakes/fault-proxy.ts';
import { conformanceSuite } from './conformance.ts';

conformanceSuite('s3 (s3rver)', async () => {
  const server = await startOrSkip('s3rver', () => startS3rver(['conformance']));
  if (server === undefined) return undefined;
  const options = { endpoint: server.endpoint, region: 'us-east-1', credentials: { ...S3RVER_CREDENTIALS } };
  const driver = new S3Driver({ ...options, bucket: 'conformance' });
  const missingBucket = new S3Driver({ ...options, bucket: 'no-such-bucket' });
  // s3rver checks the access key id but does not verify SigV4 signatures (its own comment:
  // "Signature version 4 calculation is unimplemented"), so a wrong secret would pass: use an unknown key.
  const badCredentials = new S3Driver({
    ...options,
    bucket: 'conformance',
    credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: 'wrong-secret' },
  });
  return {
    driver,
    missingBucket,
    badCredentials,
    close: async () => {
      for (const d of [driver, missingBucket, badCredentials]) await d.close();
      await server.stop();
    },
  };
});

describe('s3 anon option', () => {
  it('sends unsigned requests (no Authorization header); signed drivers sign', async (ctx) => {
    const server = await startOrSkip('s3rver', () => startS3rver(['public']));
    if (server === undefined) return ctx.skip();
    const proxy = await startFaultProxy(server.endpoint);
    try {
      const signed = new S3Driver({
        bucket: 'public',
        endpoint: proxy.endpoint,
        credentials: { ...S3RVER_CREDENTIALS },
      });
      await signed.write('k', Buffer.from('v'));
      expect(proxy.stats.signed).toBe(proxy.stats.requests);
      const before = proxy.stats.requests;
      // s3rver has no ACLs, so it serves anonymous reads: what matters is that nothing was signed.
      const anon = new S3Driver({ bucket: 'public', endpoint: proxy.endpoint, anon: true });
      expect((await anon.read('k')).toString()).toBe('v');
      expect(proxy.stats.requests).toBeGreaterThan(before);
      expect(proxy.stats.signed).toBe(before);
      await Promise.all([signed.close(), anon.close()]);
    } finally {
      await proxy.close();
      await server.stop();
    }
  });
});
