// The MCP server as agents use it: the SDK's own client over stdio (`chainql mcp`) and over streamable HTTP
// (`chainql serve` at /mcp), both as child processes on a real data directory with a real pipeline.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readRecords } from '../../../compute/chain/read.ts';
import { openSession } from '../../../compute/session.ts';
import { saveCliFixture } from '../../cli/cli-fixture.ts';
import { CLI_BIN, makeScriptProject, startCliServer } from '../../cli/run-cli.ts';

const TIMEOUT = 120_000;
const KEYS = 'reader-key:reader,writer-key:writer';

const CONFIG = `import { z } from 'zod';
import { definePipeline, readRecords } from 'chainql';

export const word_lengths = definePipeline({
  name: 'word_lengths',
  description: 'Saves the length of every word given',
  input: z.object({ words: z.array(z.string()).min(1).describe('Words to measure') }),
  output: 'word_lengths',
  run: (input, ctx) =>
    readRecords(input.words.map((word) => ({ word })), z.object({ word: z.string() }), { session: ctx.session })
      .map({ length: z.int() }, (row) => ({ length: row.word.length })),
});
export default { pipelines: [word_lengths] };
`;

const NOTES = Array.from({ length: 150 }, (_, n) => ({ n, text: `note ${n} `.padEnd(600, '.') }));

let project: ReturnType<typeof makeScriptProject>;
let config: string;
/** One data directory per transport: each suite's pipeline run saves its own `word_lengths`. */
const data = { stdio: '', http: '' };

beforeAll(async () => {
  project = makeScriptProject('chainql-mcp-');
  config = join(project.dir, 'chainql.config.ts');
  writeFileSync(config, CONFIG);
  data.stdio = join(project.dir, 'data-stdio');
  data.http = join(project.dir, 'data-http');
  await Promise.all([saveCliFixture(data.stdio), saveCliFixture(data.http)]);
  // 150 long notes: more rows than the default row cap (100), and more text than one tool answer holds.
  for (const dir of [data.stdio, data.http]) {
    const session = await openSession({ dataDir: dir });
    try {
      await readRecords(NOTES, z.object({ n: z.int(), text: z.string() }), { session }).save('notes');
    } finally {
      await session.close();
    }
  }
}, TIMEOUT);
afterAll(() => project?.remove());

function textOf(result: unknown): string {
  return ((result as CallToolResult).content[0] as { text: string }).text;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { isError: result.isError === true, text: textOf(result) };
}

/** The checks both transports must pass; `writer` may launch, `reader` may not. */
function exploreQueryAndLaunch(clients: () => { writer: Client; reader: Client }, pipelineRuns: string) {
  it(
    'lists the six tools, the datasets with descriptions and the pipelines',
    async () => {
      const { writer } = clients();
      const tools = (await writer.listTools()).tools;
      expect(tools.map((t) => t.name).sort()).toEqual(
        ['cancel_job', 'describe_dataset', 'get_job', 'list_datasets', 'query', 'start_pipeline'].sort(),
      );
      // Descriptions come from the datasets' and pipelines' own descriptions.
      expect(tools.find((t) => t.name === 'query')?.description).toContain(
        'photos: Photos with one detection each (CLI fixture).',
      );
      expect(tools.find((t) => t.name === 'start_pipeline')?.description).toContain(
        'word_lengths: Saves the length of every word given (input: { words: [String]! })',
      );
      const listed = JSON.parse((await call(writer, 'list_datasets')).text);
      expect(listed.datasets.map((d: { name: string }) => d.name)).toEqual(['confident', 'notes', 'photos']);
      const photos = listed.datasets.find((d: { name: string }) => d.name === 'photos');
      expect(photos).toMatchObject({
        graphql_name: 'photos',
        versions: ['1.0.0', '1.0.1'],
        latest: { rows: 10 },
      });
      expect(listed.pipelines).toEqual([
        { name: 'word_lengths', description: 'Saves the length of every word given' },
      ]);
    },
    TIMEOUT,
  );

  it(
    'describes a dataset: typed fields with descriptions, versions, keys and a runnable example',
    async () => {
      const { reader } = clients();
      const described = JSON.parse((await call(reader, 'describe_dataset', { name: 'photos' })).text);
      expect(described.fields).toContainEqual({
        path: 'name',
        type: 'String!',
        description: 'File name of the photo',
      });
      expect(described.fields).toContainEqual({
        path: 'det.confidence',
        type: 'Float!',
        description: 'Detector confidence in [0, 1]',
      });
      expect(described.fields.find((f: { path: string }) => f.path === 'camera').values).toEqual([
        'north',
        'south',
      ]);
      expect(described.versions.map((v: { rows: number }) => v.rows)).toEqual([30, 10]);
      expect(described.primary_key).toEqual(['name']);
      const example = await call(reader, 'query', { query: described.example_query });
      expect(example.isError).toBe(false);
      expect(JSON.parse(example.text).photos_aggregate.aggregate.count).toBe(10);
      const unknown = await call(reader, 'describe_dataset', { name: 'phtos' });
      expect(unknown).toEqual({
        isError: true,
        text: "No dataset 'phtos'. Existing datasets: confident, notes, photos.",
      });
    },
    TIMEOUT,
  );

  it(
    'runs a nested-filter query; a malformed one is a tool error the agent can act on',
    async () => {
      const { reader } = clients();
      const result = await call(reader, 'query', {
        query:
          'query($min: Float) { photos(version: "1.0.0", where: { det: { confidence: { _gt: $min }, label: { _eq: "dog" } } }, order_by: [{ name: asc }]) { name det { confidence } } }',
        variables: { min: 0.85 },
      });
      expect(result.isError).toBe(false);
      expect(JSON.parse(result.text)).toEqual({
        photos: [
          { name: 'p27', det: { confidence: 0.9 } },
          { name: 'p29', det: { confidence: 29 / 30 } },
        ],
      });
      const bad = await call(reader, 'query', { query: '{ photos(limit: 2) { nme } }' });
      expect(bad.isError).toBe(true);
      expect(bad.text).toContain(
        'Cannot query field "nme" on type "photos". Did you mean "name"? (line 1, column 22)',
      );
      expect(bad.text).toContain('[GRAPHQL_VALIDATION_FAILED]');
    },
    TIMEOUT,
  );

  it(
    "cuts a large answer with a note on paging, and passes on the server's row-cap warning",
    async () => {
      const { reader } = clients();
      const result = await call(reader, 'query', { query: '{ notes(order_by: [{ n: asc }]) { n text } }' });
      expect(result.isError).toBe(false);
      const [json, ...notes] = result.text.split('\n\n');
      const shown = JSON.parse(json as string).notes as { n: number; text: string }[];
      // The server answered 100 rows (its default cap); the tool kept what fits in 40,000 characters.
      expect(shown.length).toBeGreaterThan(10);
      expect(shown.length).toBeLessThan(100);
      expect(shown).toEqual(NOTES.slice(0, shown.length));
      expect(result.text.length).toBeLessThan(42_000);
      expect(notes).toEqual([
        `\`notes\` returned 100 rows; only the first ${shown.length} are shown to keep this answer under 40000 ` +
          `characters. Get the next page with \`notes(limit: ${shown.length}, offset: ${shown.length}, …)\` ` +
          '(keep the same `order_by` so pages do not overlap), or select fewer fields.',
        'notes: returned the first 100 rows, the default cap for a query without `limit`; more rows may match. ' +
          'Pass `limit` (at most 10000) and `offset` to page.',
      ]);
      const next = await call(reader, 'query', {
        query: `{ notes(order_by: [{ n: asc }], limit: ${shown.length}, offset: ${shown.length}) { n } }`,
      });
      expect(JSON.parse(next.text).notes[0]).toEqual({ n: shown.length });
    },
    TIMEOUT,
  );

  it(
    'refuses launching, following and cancelling jobs to a reader key',
    async () => {
      const { reader } = clients();
      const start = await call(reader, 'start_pipeline', {
        pipeline: 'word_lengths',
        input: { words: ['a'] },
      });
      expect(start.isError).toBe(true);
      expect(start.text).toContain("Forbidden: role 'reader'");
      for (const tool of ['get_job', 'cancel_job'])
        expect((await call(reader, tool, { id: 'x' })).isError).toBe(true);
      // The GraphQL mutation itself is refused by the API's own role check too.
      const mutation = await call(reader, 'query', {
        query: 'mutation { word_lengths(input: { words: ["a"] }) { id } }',
      });
      expect(mutation.isError).toBe(true);
      expect(mutation.text).toContain('[FORBIDDEN]');
    },
    TIMEOUT,
  );

  it(
    `starts a pipeline and follows it to its end (${pipelineRuns}); its dataset is then queryable`,
    async () => {
      const { writer } = clients();
      const badInput = await call(writer, 'start_pipeline', {
        pipeline: 'word_lengths',
        input: { words: [] },
      });
      expect(badInput.isError, badInput.text).toBe(true);
      expect(badInput.text).toContain(
        "The pipeline was not started:\n- Invalid input for pipeline 'word_lengths': field 'words'",
      );
      expect(badInput.text).toContain('[BAD_USER_INPUT]');
      const started = await call(writer, 'start_pipeline', {
        pipeline: 'word_lengths',
        input: { words: ['mcp', 'agents', 'query'] },
      });
      expect(started.isError).toBe(false);
      const job = JSON.parse(started.text) as { id: string; status: string };
      expect(['queued', 'running', 'succeeded']).toContain(job.status);
      let status = job.status;
      let final: { status: string; output?: { dataset: string; version: string } } = job;
      for (let i = 0; i < 10 && !['succeeded', 'failed', 'cancelled'].includes(status); i++) {
        final = JSON.parse((await call(writer, 'get_job', { id: job.id, wait_seconds: 10 })).text);
        status = final.status;
      }
      expect(final).toMatchObject({ status: 'succeeded', output: { dataset: 'word_lengths' } });
      const rows = await call(writer, 'query', {
        query: '{ word_lengths(order_by: [{ word: asc }]) { word length } }',
      });
      expect(JSON.parse(rows.text).word_lengths).toEqual([
        { word: 'agents', length: 6 },
        { word: 'mcp', length: 3 },
        { word: 'query', length: 5 },
      ]);
      const cancelled = await call(writer, 'cancel_job', { id: job.id });
      expect(JSON.parse(cancelled.text).status).toBe('succeeded'); // a finished job stays as it is
    },
    TIMEOUT,
  );
}

describe('MCP over stdio (chainql mcp)', () => {
  let writer: Client;
  let reader: Client;
  const connect = async (key: string): Promise<Client> => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI_BIN, 'mcp', '--data', data.stdio, '--config', config, '--api-key', key],
        cwd: project.dir,
        env: { ...(process.env as Record<string, string>), CHAINQL_API_KEYS: KEYS },
        stderr: 'pipe',
      }),
    );
    return client;
  };
  beforeAll(async () => {
    [writer, reader] = await Promise.all([connect('writer-key'), connect('reader-key')]);
  }, TIMEOUT);
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
  });
  exploreQueryAndLaunch(() => ({ writer, reader }), 'in the mcp process');
});

describe('MCP over streamable HTTP (chainql serve at /mcp)', () => {
  let server: Awaited<ReturnType<typeof startCliServer>>;
  let writer: Client;
  let reader: Client;
  let mcpUrl: URL;
  const connect = async (key: string): Promise<Client> => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(mcpUrl, {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    return client;
  };
  beforeAll(async () => {
    server = await startCliServer(['serve', '--port', '0', '--data', data.http, '--config', config], {
      cwd: project.dir,
      env: { CHAINQL_API_KEYS: KEYS },
    });
    mcpUrl = new URL('/mcp', server.url);
    [writer, reader] = await Promise.all([connect('writer-key'), connect('reader-key')]);
  }, TIMEOUT);
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    await server?.stop();
  });
  exploreQueryAndLaunch(() => ({ writer, reader }), 'in the server');

  it(
    'answers 401 to a request without a valid key',
    async () => {
      const response = await fetch(mcpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('API key');
    },
    TIMEOUT,
  );
});
