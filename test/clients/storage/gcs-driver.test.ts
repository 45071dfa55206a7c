import { GcsDriver } from '../../../clients/storage/gcs-driver.ts';
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
