/**
 * `chainql serve --config`: pipelines from a user's config module become mutations; a launched job is
 * followed over SSE (`job_updates`) until it ends, and its output dataset is queryable without a restart.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeScriptProject, startCliServer } from './run-cli.ts';

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
