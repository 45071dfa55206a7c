import { AzureDriver } from '../../../clients/storage/azure-driver.ts';
import { azuriteConnectionString, startAzurite, startOrSkip } from '../../fakes/emulators.ts';
import { conformanceSuite } from './conformance.ts';

conformanceSuite('azure (azurite)', async () => {
  const server = await startOrSkip('azurite', () => startAzurite());
  if (server === undefined) return undefined;
  const connectionString = azuriteConnectionString(server.endpoint);
  const driver = new AzureDriver({ container: 'conformance', connectionString });
  const { BlobServiceClient } = await import('@azure/storage-blob');
  await BlobServiceClient.fromConnectionString(connectionString).getContainerClient('conformance').create();
  return {
    driver,
    missingBucket: new AzureDriver({ container: 'no-such-container', connectionString }),
    badCredentials: new AzureDriver({
      container: 'conformance',
      connectionString: azuriteConnectionString(server.endpoint, Buffer.from('wrong key').toString('base64')),
    }),
    close: () => server.stop(),
  };
});
