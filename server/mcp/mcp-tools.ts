import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Role } from '../plugins/use-auth.ts';
import { exampleQuery } from './example-query.ts';
import { formatGraphqlErrors, type GraphqlCaller } from './graphql-caller.ts';
import { pipelines, rowFields } from './introspection.ts';
import { cutResult } from './result-cut.ts';

/** Options of {@link createMcpServer}. */
export interface McpServerOptions {
  /** Runs GraphQL as the caller (see `appCaller`): auth, limits, timeouts and row caps are the app's. */
  readonly call: GraphqlCaller;
  /** The caller's role; the job tools need `writer` or `admin`. */
  readonly role: Role;
  /** Longest tool answer in characters before root lists are cut (with a note on paging). Default 40000. */
  readonly maxResultChars?: number;
  /** Server version reported to clients. */
  readonly version?: string;
}

interface DatasetEntry {
  name: string;
  graphql_name: string;
  description: string | null;
  versions: {
    version: string;
    rows: number;
    createdAt: string;
    primaryKey: string[] | null;
    indexes: string[][];
  }[];
}

const DATASETS =
  '{ datasets { name graphql_name description versions { version rows createdAt primaryKey indexes } } }';
const JOB_FIELDS =
  'id pipeline status progress { done total rate } error { code message } output { dataset version } createdAt startedAt finishedAt';
const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

function text(value: unknown): CallToolResult {
  return {
    content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }],
  };
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

async function datasets(call: GraphqlCaller): Promise<DatasetEntry[]> {
  const result = await call(DATASETS);
  if (result.errors?.length) throw new Error(formatGraphqlErrors(result.errors));
  return (result.data?.datasets as DatasetEntry[] | undefined) ?? [];
}

/**
 * Builds the chainql MCP server for one caller: tools `list_datasets`, `describe_dataset`, `query`,
 * `start_pipeline`, `get_job`, `cancel_job`. Every tool runs GraphQL through `options.call`, so a
 * reader key cannot launch anything here either. Tool descriptions list the datasets (with their
 * descriptions) and pipelines present when the server is built. GraphQL errors come back as tool
 * errors (`isError`) with positions and codes, so an agent can fix its query and retry.
 */
export async function createMcpServer(options: McpServerOptions): Promise<McpServer> {
  const { call, role } = options;
  const maxChars = options.maxResultChars ?? 40_000;
  const canWrite = role === 'writer' || role === 'admin';
  const present = await datasets(call).catch(() => [] as DatasetEntry[]);
  const launchable = await pipelines(call).catch(() => []);
  const catalogue = present.length
    ? present.map((d) => `- ${d.graphql_name}${d.description ? `: ${d.description}` : ''}`).join('\n')
    : '(no datasets saved yet)';
  const server = new McpServer(
    { name: 'chainql', version: options.version ?? '0.1.0' },
    {
      instructions:
        'chainql serves typed datasets through a Hasura-style GraphQL API. Call list_datasets, then ' +
        'describe_dataset for field names and an example query, then query. Filters nest like the data: ' +
        'where: { det: { confidence: { _gt: 0.9 } } }.',
    },
  );

  server.registerTool(
    'list_datasets',
    {
      description: `Lists the saved datasets (name, GraphQL root field, description, versions with row counts) and the pipelines that can be launched.\nDatasets now:\n${catalogue}`,
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    async () => {
      const list = await datasets(call);
      return text({
        datasets: list.map((d) => ({
          name: d.name,
          graphql_name: d.graphql_name,
          description: d.description,
          latest: d.versions.at(-1),
          versions: d.versions.map((v) => v.version),
        })),
        pipelines: (await pipelines(call)).map((p) => ({ name: p.name, description: p.description })),
      });
    },
  );

  server.registerTool(
    'describe_dataset',
    {
      description:
        'Describes one dataset: every field (dot path as used in where/order_by, GraphQL type, description), ' +
        'its versions, primary key and indexes, and a runnable example query.',
      inputSchema: { name: z.string().describe('Dataset name or its GraphQL root field name') },
      annotations: { readOnlyHint: true },
    },
    async ({ name }) => {
      const list = await datasets(call);
      const found = list.find((d) => d.name === name || d.graphql_name === name);
      if (!found)
        return toolError(
          `No dataset '${name}'. Existing datasets: ${list.map((d) => d.name).join(', ') || '(none)'}.`,
        );
      const fields = await rowFields(call, found.graphql_name);
      const latest = found.versions.at(-1);
      return text({
        name: found.name,
        graphql_name: found.graphql_name,
        description: found.description,
        fields,
        versions: found.versions.map((v) => ({ version: v.version, rows: v.rows, createdAt: v.createdAt })),
        primary_key: latest?.primaryKey ?? null,
        indexes: latest?.indexes ?? [],
        root_fields: [
          `${found.graphql_name}(where, order_by, limit, offset, version)`,
          `${found.graphql_name}_aggregate(where) { aggregate { count sum avg min max } }`,
          `${found.graphql_name}_groups(by: ["path"], where, having, order_by, limit)`,
          ...(latest?.primaryKey?.length ? [`${found.graphql_name}_by_pk(...key fields)`] : []),
        ],
        example_query: exampleQuery(found.graphql_name, fields),
      });
    },
  );

  server.registerTool(
    'query',
    {
      description:
        'Runs a GraphQL operation (Hasura vocabulary: where with _eq _gt _in _like _and _or _not on nested ' +
        'fields, order_by, limit/offset, <ds>_aggregate, <ds>_groups, <ds>_nearest). Returns the data as ' +
        `JSON; errors come back with positions and codes. Large answers are cut with a note on paging.\nDatasets now:\n${catalogue}`,
      inputSchema: {
        query: z.string().describe('The GraphQL operation'),
        variables: z.record(z.string(), z.unknown()).optional().describe('Variables of the operation'),
      },
    },
    async ({ query, variables }) => {
      const result = await call(query, variables ?? {});
      if (result.errors?.length) {
        return toolError(
          `The GraphQL operation failed:\n${formatGraphqlErrors(result.errors)}\n` +
            'Use describe_dataset for the field names and types, then fix the query and retry.',
        );
      }
      const { data, notes } = cutResult(result.data ?? {}, maxChars);
      const warnings = (result.extensions?.warnings as { message?: string }[] | undefined) ?? [];
      const lines = [
        JSON.stringify(data, null, 2),
        ...notes,
        ...warnings.map((w) => String(w.message ?? '')),
      ];
      return text(lines.filter(Boolean).join('\n\n'));
    },
  );

  const needsWriter = (): CallToolResult =>
    toolError(
      `Forbidden: role '${role}' may not launch, follow or cancel jobs; an API key with the writer (or admin) role is needed.`,
    );

  const pipelineList = launchable.length
    ? launchable
        .map(
          (p) =>
            `- ${p.name}${p.description ? `: ${p.description}` : ''} (input: { ${p.inputFields.map((f) => `${f.path}: ${f.type}`).join(', ')} })`,
        )
        .join('\n')
    : '(no pipelines configured)';
  server.registerTool(
    'start_pipeline',
    {
      description: `Launches a pipeline (a chain that saves a dataset) as a job and returns the job at once; follow it with get_job. Needs the writer role.\nPipelines:\n${pipelineList}`,
      inputSchema: {
        pipeline: z.string().describe('Pipeline name'),
        input: z.record(z.string(), z.unknown()).describe("The pipeline's input object"),
        idempotency_key: z
          .string()
          .optional()
          .describe('Launching again with the same key returns the same job'),
      },
    },
    async ({ pipeline, input, idempotency_key }) => {
      if (!canWrite) return needsWriter();
      const found = (await pipelines(call)).find((p) => p.name === pipeline);
      if (!found)
        return toolError(
          `No pipeline '${pipeline}'. Pipelines: ${launchable.map((p) => p.name).join(', ') || '(none configured)'}.`,
        );
      const result = await call(
        `mutation($input: ${found.inputType}, $key: String) { ${found.name}(input: $input, idempotency_key: $key) { ${JOB_FIELDS} } }`,
        { input, key: idempotency_key ?? null },
      );
      if (result.errors?.length)
        return toolError(`The pipeline was not started:\n${formatGraphqlErrors(result.errors)}`);
      return text(result.data?.[found.name]);
    },
  );

  server.registerTool(
    'get_job',
    {
      description:
        'Reads a job: status (queued, running, succeeded, failed, cancelled), progress, error, and the ' +
        'dataset version it saved. With wait_seconds, waits up to that long for the job to end. Needs the writer role.',
      inputSchema: {
        id: z.string().describe('Job id from start_pipeline'),
        wait_seconds: z
          .number()
          .min(0)
          .max(60)
          .optional()
          .describe('Wait up to this long for the job to end'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ id, wait_seconds }) => {
      if (!canWrite) return needsWriter();
      const deadline = Date.now() + (wait_seconds ?? 0) * 1000;
      while (true) {
        const result = await call(`query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id });
        if (result.errors?.length) return toolError(formatGraphqlErrors(result.errors));
        const job = result.data?.job as { status?: string } | null | undefined;
        if (!job) return toolError(`No job with id '${id}'.`);
        if (FINAL.has(job.status ?? '') || Date.now() >= deadline) return text(job);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  );

  server.registerTool(
    'cancel_job',
    {
      description:
        'Cancels a queued or running job (committed rows stay for a resume). Needs the writer role.',
      inputSchema: { id: z.string().describe('Job id') },
      annotations: { destructiveHint: true },
    },
    async ({ id }) => {
      if (!canWrite) return needsWriter();
      const result = await call(`mutation($id: ID!) { cancel_job(id: $id) { ${JOB_FIELDS} } }`, { id });
      if (result.errors?.length) return toolError(formatGraphqlErrors(result.errors));
      return text(result.data?.cancel_job);
    },
  );
  return server;
}
