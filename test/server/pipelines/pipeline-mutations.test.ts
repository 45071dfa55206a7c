import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BullmqJobManager,
  type JobManager,
  LocalJobManager,
  loadPipelineConfig,
  type PipelineRegistry,
} from '../../../compute/pipelines/index.ts';
import { type ChainqlApp, createApp } from '../../../server/app.ts';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
  type WorkerProcess,
} from '../../compute/runners/redis-test-helpers.ts';
import { tempSession, WAREHOUSES, type WarehouseKind } from '../../helpers/temp-session.ts';

const configFile = fileURLToPath(
  new URL('../../compute/pipelines/fixtures/chainql.config.ts', import.meta.url),
);
const hasRedis = await redisAvailable();
const WRITER = { 'x-api-key': 'w-key' };
const READER = { 'x-api-key': 'r-key' };

type Session = Awaited<ReturnType<typeof tempSession>>;
// biome-ignore lint/suspicious/noExplicitAny: tests walk untyped response JSON.
type Json = any;

async function gql(
  app: ChainqlApp,
  query: string,
  variables: Record<string, unknown> = {},
  headers = WRITER,
): Promise<Json> {
  const response = await app.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

const LAUNCH = `mutation($input: squares_input!, $key: String) {
  squares(input: $input, idempotency_key: $key) { id pipeline status progress { done total rate } createdAt }
}`;
const JOB = `query($id: ID!) { job(id: $id) { id status progress { done total } error { code message } output { dataset version } startedAt finishedAt } }`;

async function waitForJob(app: ChainqlApp, id: string): Promise<Json> {
  for (let i = 0; i < 600; i++) {
    const { data } = await gql(app, JOB, { id });
    if (['succeeded', 'failed', 'cancelled'].includes(data.job.status)) return data.job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Reads a `job_updates` subscription over SSE until the server closes it. */
async function subscribeSse(app: ChainqlApp, id: string): Promise<Json[]> {
  const response = await app.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...WRITER },
    body: JSON.stringify({
      query: `subscription($id: ID!) { job_updates(id: $id) { status progress { done total } output { dataset version } } }`,
      variables: { id },
    }),
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.length > 6)
    .map((line) => JSON.parse(line.slice(6)))
    .filter((event) => event.data)
    .map((event) => event.data.job_updates);
}

function mutationSuite(
  name: string,
  open: (
    session: Session,
    pipelines: PipelineRegistry,
  ) => Promise<{ jobs: JobManager & { pipelines: PipelineRegistry }; close(): Promise<void> }>,
  warehouse: WarehouseKind = 'sqlite',
) {
  describe(name, () => {
    let session: Session;
    let app: ChainqlApp;
    let closeJobs: () => Promise<void>;
    beforeAll(async () => {
      session = await tempSession(warehouse);
      const { jobs, close } = await open(session, await loadPipelineConfig(configFile, { required: true }));
      closeJobs = close;
      app = await createApp({ session, jobs, apiKeys: 'w-key:writer,r-key:reader', graphiql: false });
    });
    afterAll(async () => {
      await app?.close();
      await closeJobs?.();
      await session?.cleanup();
    });

    it('a mutation returns a job at once; job_updates streams it to success; the dataset is then queryable', async () => {
      const launched = await gql(app, LAUNCH, { input: { count: 2500, output: 'gql_squares', tag: 't' } });
      expect(launched.errors).toBeUndefined();
      const job = launched.data.squares;
      expect(job.pipeline).toBe('squares');
      expect(['queued', 'running']).toContain(job.status);
      const updates = await subscribeSse(app, job.id);
      expect(updates.at(-1)).toMatchObject({
        status: 'succeeded',
        output: { dataset: 'gql_squares', version: '1.0.0' },
      });
      expect(updates.length).toBeGreaterThanOrEqual(2);
      const finished = await waitForJob(app, job.id);
      expect(finished.progress).toMatchObject({ done: 2500, total: 2500 });
      const rows = await gql(app, '{ gql_squares(where: { n: { _eq: 12 } }) { n sq label } }', {}, READER);
      expect(rows.data.gql_squares).toEqual([{ n: 12, sq: 144, label: 't' }]);
    });

    it('the same idempotency key returns the same job; readers may not launch; bad input names the field', async () => {
      const a = await gql(app, LAUNCH, { input: { count: 5, output: 'gql_idem' }, key: 'same' });
      const b = await gql(app, LAUNCH, { input: { count: 5, output: 'gql_idem' }, key: 'same' });
      expect(b.data.squares.id).toBe(a.data.squares.id);
      await waitForJob(app, a.data.squares.id);

      const forbidden = await gql(app, LAUNCH, { input: { count: 5 } }, READER);
      expect(forbidden.errors[0].extensions.code).toBe('FORBIDDEN');

      const bad = await gql(app, LAUNCH, { input: { count: 0 } });
      expect(bad.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'count' });
      expect(bad.errors[0].message).toContain("field 'count'");
    });

    it('jobs lists them; cancel_job and resume_job act on a running job', async () => {
      const launched = await gql(app, LAUNCH, { input: { count: 20_000, output: 'gql_cancel' } });
      const id = launched.data.squares.id;
      for (;;) {
        const { data } = await gql(app, JOB, { id });
        if (data.job.progress.done > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const cancelled = await gql(app, 'mutation($id: ID!) { cancel_job(id: $id) { id status } }', { id });
      expect(cancelled.errors).toBeUndefined();
      expect((await waitForJob(app, id)).status).toBe('cancelled');
      const resumed = await gql(app, 'mutation($id: ID!) { resume_job(id: $id) { id status } }', { id });
      expect(resumed.data.resume_job.id).toBe(id);
      expect(await waitForJob(app, id)).toMatchObject({
        status: 'succeeded',
        output: { dataset: 'gql_cancel' },
      });
      const again = await gql(app, 'mutation($id: ID!) { resume_job(id: $id) { id } }', { id });
      expect(again.errors[0].extensions.code).toBe('JOB_STATE');
      const listed = await gql(
        app,
        '{ jobs(pipeline: "squares", status: succeeded, limit: 50) { id } }',
        {},
        READER,
      );
      expect(listed.data.jobs.map((j: Json) => j.id)).toContain(id);
      expect((await gql(app, '{ job(id: "nope") { id } }', {}, READER)).data.job).toBeNull();
    });
  });
}

for (const warehouse of WAREHOUSES) {
  mutationSuite(
    `pipeline mutations, in-process jobs on ${warehouse} (no Redis)`,
    async (session, pipelines) => {
      const jobs = await LocalJobManager.open({ session, pipelines });
      return { jobs, close: () => jobs.close() };
    },
    warehouse,
  );
}

describe.skipIf(!hasRedis)('with Redis', () => {
  const partitions = uniqueQueue('chainql-test-part');
  const pipelineQueue = uniqueQueue('chainql-test-pipe');
  let workers: WorkerProcess[] = [];
  mutationSuite('pipeline mutations run by two `chainql worker` processes', async (session, pipelines) => {
    const args = [
      '--queue',
      partitions,
      '--pipeline-queue',
      pipelineQueue,
      '--config',
      configFile,
      '--partition-size',
      '1000',
    ];
    workers = await Promise.all([0, 1].map(() => spawnWorker(args)));
    const jobs = await BullmqJobManager.open({
      pipelines,
      dataDir: session.dataDir,
      redisUrl: REDIS_URL,
      queueName: pipelineQueue,
    });
    return {
      jobs,
      async close() {
        await jobs.close();
        await Promise.all(workers.map((w) => w.stop()));
        await removeQueue(partitions);
        await removeQueue(pipelineQueue);
      },
    };
  });
});
