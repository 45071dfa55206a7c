/**
 * `chainql serve --config`: pipelines from a user's config module become mutations; a launched job is
 * followed over SSE (`job_updates`) until it ends, and its output dataset is queryable without a restart.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readRecords } from '../../compute/index.ts';
import { openSession } from '../../compute/session.ts';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
} from '../compute/runners/redis-test-helpers.ts';
import { makeScriptProject, REPO_ROOT, startCliServer } from './run-cli.ts';

const hasRedis = await redisAvailable();

const CONFIG = `import { z } from 'zod';
import { definePipeline, readRecords } from 'chainql';

export const enrich = definePipeline({
  name: 'enrich',
  description: 'Adds the length of every word',
  input: z.object({ words: z.array(z.string()).min(1) }),
  output: 'word_lengths',
  run: (input, ctx) =>
    readRecords(input.words.map((word) => ({ word })), z.object({ word: z.string() }), { session: ctx.session })
      .map({ length: z.int() }, (row) => ({ length: row.word.length })),
});

export default { pipelines: [enrich] };
`;

/** The config block of the README's "Pipelines" section (```ts starting with `// chainql.config.ts`), as written. */
function readmePipelineConfig(): string {
  const whole = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const readme = whole.slice(whole.indexOf('\n## Pipelines'));
  const block = /```ts\n(\/\/ chainql\.config\.ts\n[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```ts block starting with "// chainql.config.ts"');
  return block;
}

/** Every SSE `data:` payload of a finished `job_updates` stream. */
async function jobUpdates(response: Response): Promise<Record<string, unknown>[]> {
  return (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.length > 6)
    .map((line) => JSON.parse(line.slice(6)) as { data?: { job_updates: Record<string, unknown> } })
    .flatMap((event) => (event.data ? [event.data.job_updates] : []));
}

async function post(url: string, query: string, accept = 'application/json'): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ query }),
  });
}

describe('chainql serve with pipelines', () => {
  it('a mutation launches the pipeline; job_updates streams it to the end; the dataset appears', async () => {
    const project = makeScriptProject('chainql-pipelines-');
    const config = join(project.dir, 'chainql.config.ts');
    writeFileSync(config, CONFIG);
    const server = await startCliServer(
      ['serve', '--port', '0', '--data', join(project.dir, 'data'), '--create', '--config', config],
      { cwd: project.dir },
    );
    try {
      const launched = (await (
        await post(server.url, 'mutation { enrich(input: { words: ["a", "bb", "ccc"] }) { id status } }')
      ).json()) as { data: { enrich: { id: string; status: string } } };
      const id = launched.data.enrich.id;
      expect(id).toBeTruthy();

      const stream = await post(
        server.url,
        `subscription { job_updates(id: "${id}") { status progress { done total } output { dataset version } } }`,
        'text/event-stream',
      );
      const events = (await stream.text())
        .split('\n')
        .filter((line) => line.startsWith('data: ') && line.length > 6)
        .map(
          (line) =>
            JSON.parse(line.slice(6)) as { data?: { job_updates: { status: string; output: unknown } } },
        )
        .flatMap((event) => (event.data ? [event.data.job_updates] : []));
      expect(events.at(-1)).toMatchObject({ status: 'succeeded', output: { dataset: 'word_lengths' } });

      const rows = (await (
        await post(server.url, '{ word_lengths(order_by: [{ word: asc }]) { word length } }')
      ).json()) as { data: { word_lengths: unknown[] } };
      expect(rows.data.word_lengths).toEqual([
        { word: 'a', length: 1 },
        { word: 'bb', length: 2 },
        { word: 'ccc', length: 3 },
      ]);

      const bad = (await (
        await post(server.url, 'mutation { enrich(input: { words: [] }) { id } }')
      ).json()) as {
        errors: { message: string; extensions: { code: string } }[];
      };
      expect(bad.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
      expect(bad.errors[0]!.message).toMatch(/words/);
    } finally {
      await server.stop();
      project.remove();
    }
  }, 120_000);
});

describe.skipIf(!hasRedis)("the README's pipeline example with Redis and two workers", () => {
  it('runs unchanged: the input-capturing UDF runs on both `chainql worker` processes', async () => {
    const project = makeScriptProject('chainql-readme-pipeline-');
    const config = join(project.dir, 'chainql.config.ts');
    writeFileSync(config, readmePipelineConfig());
    const dataDir = join(project.dir, 'data');
    const detections = Array.from({ length: 3000 }, (_, i) => ({
      det: { confidence: (i % 10) / 10, box: { w: (i % 13) + 1, h: (i % 17) + 1 } },
    }));
    const session = await openSession({ dataDir });
    await readRecords(
      detections,
      z.object({ det: z.object({ confidence: z.number(), box: z.object({ w: z.int(), h: z.int() }) }) }),
      { session },
    ).save('detections');
    await session.close();
    const partitions = uniqueQueue('chainql-test-part');
    const pipelines = uniqueQueue('chainql-test-pipe');
    const env = {
      CHAINQL_REDIS_URL: REDIS_URL,
      CHAINQL_QUEUE: partitions,
      CHAINQL_PIPELINE_QUEUE: pipelines,
    };
    const workers = await Promise.all(
      [0, 1].map(() => spawnWorker(['--config', config, '--partition-size', '300', '--verbose'], env)),
    );
    const server = await startCliServer(['serve', '--port', '0', '--data', dataDir, '--config', config], {
      cwd: project.dir,
      env,
    });
    try {
      const launched = (await (
        await post(server.url, 'mutation { enrich(input: { minConfidence: 0.5, minArea: 60 }) { id } }')
      ).json()) as { data: { enrich: { id: string } } };
      const updates = await jobUpdates(
        await post(
          server.url,
          `subscription { job_updates(id: "${launched.data.enrich.id}") { status attempts error { code message } output { dataset } } }`,
          'text/event-stream',
        ),
      );
      expect(updates.at(-1)).toMatchObject({
        status: 'succeeded',
        output: { dataset: 'enriched_detections' },
      });

      const rows = (await (
        await post(
          server.url,
          '{ enriched_detections(limit: 10000) { det { confidence box { w h } } area large } }',
        )
      ).json()) as {
        data: {
          enriched_detections: { det: { box: { w: number; h: number } }; area: number; large: boolean }[];
        };
      };
      const expected = detections.filter((d) => d.det.confidence >= 0.5);
      const got = rows.data.enriched_detections;
      expect(got).toHaveLength(expected.length);
      for (const row of got) {
        expect(row.area).toBe(row.det.box.w * row.det.box.h);
        expect(row.large).toBe(row.area >= 60);
      }
      expect(got.some((r) => r.large) && got.some((r) => !r.large)).toBe(true);
      // The partitions ran on both worker processes.
      for (const worker of workers) expect(worker.output()).toMatch(/partition \d+\.\.\d+ completed/);
    } finally {
      await server.stop();
      await Promise.all(workers.map((w) => w.stop()));
      await removeQueue(partitions);
      await removeQueue(pipelines);
      project.remove();
    }
  }, 180_000);
});
