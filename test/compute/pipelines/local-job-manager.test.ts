import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalJobManager, loadPipelineConfig } from '../../../compute/pipelines/index.ts';
import { tempSession, WAREHOUSES } from '../../helpers/temp-session.ts';
import { jobManagerSuite } from './job-manager-suite.ts';

const configFile = fileURLToPath(new URL('./fixtures/chainql.config.ts', import.meta.url));

describe.each(WAREHOUSES)('LocalJobManager on %s (in-process, jobs in the warehouse)', (warehouse) => {
  let session: Awaited<ReturnType<typeof tempSession>>;
  let manager: LocalJobManager;
  beforeAll(async () => {
    session = await tempSession(warehouse);
    manager = await LocalJobManager.open({
      session,
      pipelines: await loadPipelineConfig(configFile, { required: true }),
    });
  });
  afterAll(async () => {
    await manager?.close();
    await session?.cleanup();
  });

  jobManagerSuite({ manager: () => manager, session: () => session });

  it('jobs outlive the manager: a new one reads them, and marks interrupted ones failed (resumable)', async () => {
    const done = await manager.launch('squares', { count: 5, output: 'sq_reopen' });
    for await (const _ of manager.subscribe(done.id));
    const other = await LocalJobManager.open({ session, pipelines: manager.pipelines });
    expect((await other.get(done.id)).status).toBe('succeeded');
    await other.close();
  });
});
