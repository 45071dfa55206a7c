import {
  GraphQLEnumType,
  GraphQLError,
  type GraphQLFieldConfigMap,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import type {
  Job,
  JobManager,
  JobQueueState,
  JobStatus,
  PipelineRegistry,
} from '../../compute/pipelines/index.ts';
import { DateTimeScalar, JsonScalar, schemaScalar } from '../graphql/scalars.ts';
import { isExposedError } from '../plugins/use-error-codes.ts';
import { pipelineInputType } from './pipeline-input-types.ts';

/** A job manager that also says which pipelines it launches (LocalJobManager, BullmqJobManager). */
export type ServedJobManager = JobManager & { readonly pipelines: PipelineRegistry };

const STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** Rethrows exposed job/pipeline errors as GraphQL errors with `extensions.code` (and `field` for bad input). */
function coded(error: unknown): never {
  if (isExposedError(error)) {
    const field = (error as { field?: unknown }).field;
    throw new GraphQLError(error.message, {
      extensions: { code: error.code, ...(typeof field === 'string' ? { field } : {}) },
    });
  }
  throw error;
}

function jobTypes(dateTime: GraphQLScalarType, json: GraphQLScalarType) {
  const status = new GraphQLEnumType({
    name: 'job_status',
    values: Object.fromEntries(STATUSES.map((s) => [s, { value: s }])),
  });
  const progress = new GraphQLObjectType({
    name: 'job_progress',
    description: 'Input rows of the running UDF step: committed, total, committed per second.',
    fields: {
      done: { type: new GraphQLNonNull(GraphQLInt) },
      total: { type: new GraphQLNonNull(GraphQLInt) },
      rate: { type: new GraphQLNonNull(GraphQLFloat) },
    },
  });
  const error = new GraphQLObjectType({
    name: 'job_error',
    fields: {
      code: { type: new GraphQLNonNull(GraphQLString) },
      message: { type: new GraphQLNonNull(GraphQLString) },
    },
  });
  const output = new GraphQLObjectType({
    name: 'job_output',
    description: 'The dataset version the job saved (queryable as soon as the job succeeded).',
    fields: {
      dataset: { type: new GraphQLNonNull(GraphQLString) },
      version: { type: new GraphQLNonNull(GraphQLString) },
    },
  });
  const queue = new GraphQLObjectType({
    name: 'job_queue',
    description:
      'Who can run a job waiting or running on BullMQ workers. live_workers 0 means no `chainql worker` is ' +
      'connected: start one with the same config module and Redis URL.',
    fields: {
      live_workers: { type: new GraphQLNonNull(GraphQLInt), resolve: (q: JobQueueState) => q.liveWorkers },
      waiting_jobs: { type: new GraphQLNonNull(GraphQLInt), resolve: (q: JobQueueState) => q.waitingJobs },
      waiting_partitions: {
        type: new GraphQLNonNull(GraphQLInt),
        resolve: (q: JobQueueState) => q.waitingPartitions,
      },
    },
  });
  const date = (pick: (job: Job) => Date | undefined) => ({
    type: dateTime,
    resolve: (job: Job) => pick(job)?.toISOString() ?? null,
  });
  const job = new GraphQLObjectType<Job>({
    name: 'Job',
    description: 'A pipeline run launched by a mutation.',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      pipeline: { type: new GraphQLNonNull(GraphQLString) },
      status: { type: new GraphQLNonNull(status) },
      input: { type: json },
      idempotency_key: { type: GraphQLString, resolve: (j) => j.idempotencyKey ?? null },
      progress: { type: new GraphQLNonNull(progress) },
      error: { type: error },
      output: { type: output },
      createdAt: { ...date((j) => j.createdAt), type: new GraphQLNonNull(dateTime) },
      startedAt: date((j) => j.startedAt),
      finishedAt: date((j) => j.finishedAt),
      attempts: {
        type: new GraphQLNonNull(GraphQLInt),
        description: 'Times the job was started (more than 1 after a restart of its worker or a resume).',
      },
      queue: {
        type: queue,
        description: 'For a queued or running job on BullMQ workers: live workers and waiting work.',
      },
    },
  });
  return { job, status };
}

const cache = new WeakMap<GraphQLSchema, WeakMap<ServedJobManager, GraphQLSchema>>();

/**
 * Adds the job API to a generated schema: `job(id)`, `jobs(status, pipeline, limit)` on Query; one
 * mutation per pipeline (`<name>(input, idempotency_key): Job!`, returning at once) plus `cancel_job(id)`
 * and `resume_job(id)`; and the `job_updates(id)` subscription (SSE) streaming the job until it ends.
 * Role checks (writer+ for mutations and subscriptions) are the auth plugin's. Cached per schema.
 */
export function withPipelineFields(schema: GraphQLSchema, jobs: ServedJobManager): GraphQLSchema {
  const hit = cache.get(schema)?.get(jobs);
  if (hit) return hit;
  // The generated schema (Pothos) has its own DateTime/JSON instances; one type per name is allowed.
  const dateTime = schemaScalar(schema, DateTimeScalar);
  const json = schemaScalar(schema, JsonScalar);
  const { job, status } = jobTypes(dateTime, json);
  const nonNullJob = new GraphQLNonNull(job);
  const config = schema.toConfig();
  const query = config.query?.toConfig();
  const queryFields: GraphQLFieldConfigMap<unknown, unknown> = {
    ...(query?.fields ?? {}),
    job: {
      type: job,
      description: 'A job by id (null when unknown).',
      args: { id: { type: new GraphQLNonNull(GraphQLID) } },
      resolve: async (_root, args: { id: string }) => jobs.get(args.id).catch(() => null),
    },
    jobs: {
      type: new GraphQLNonNull(new GraphQLList(nonNullJob)),
      description: 'Jobs, newest first.',
      args: { status: { type: status }, pipeline: { type: GraphQLString }, limit: { type: GraphQLInt } },
      resolve: (
        _root,
        args: { status?: JobStatus | null; pipeline?: string | null; limit?: number | null },
      ) =>
        jobs.list({
          ...(args.status ? { status: args.status } : {}),
          ...(args.pipeline ? { pipeline: args.pipeline } : {}),
          ...(args.limit ? { limit: args.limit } : {}),
        }),
    },
  };
  const mutationFields: GraphQLFieldConfigMap<unknown, unknown> = {};
  for (const pipeline of jobs.pipelines.list()) {
    mutationFields[pipeline.name] = {
      type: nonNullJob,
      description: pipeline.description ?? `Launches the '${pipeline.name}' pipeline.`,
      args: {
        input: { type: new GraphQLNonNull(pipelineInputType(pipeline, json)) },
        idempotency_key: { type: GraphQLString },
      },
      resolve: (_root, args: { input: unknown; idempotency_key?: string | null }) =>
        jobs
          .launch(
            pipeline.name,
            stripNulls(args.input),
            args.idempotency_key ? { idempotencyKey: args.idempotency_key } : {},
          )
          .catch(coded),
    };
  }
  const byId = { id: { type: new GraphQLNonNull(GraphQLID) } };
  mutationFields.cancel_job = {
    type: nonNullJob,
    args: byId,
    resolve: (_root, args: { id: string }) => jobs.cancel(args.id).catch(coded),
  };
  mutationFields.resume_job = {
    type: nonNullJob,
    args: byId,
    resolve: (_root, args: { id: string }) => jobs.resume(args.id).catch(coded),
  };
  const subscription = new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      job_updates: {
        type: nonNullJob,
        description: 'The job whenever it changes, until it succeeds, fails or is cancelled.',
        args: byId,
        subscribe: async (_root, args: { id: string }) => {
          await jobs.get(args.id).catch(coded);
          return jobs.subscribe(args.id)[Symbol.asyncIterator]();
        },
        resolve: (value: Job) => value,
      },
    },
  });
  const replaced = new Set(['Query', 'Mutation', 'Subscription']);
  const extended = new GraphQLSchema({
    ...config,
    query: new GraphQLObjectType({ ...(query ?? { name: 'Query' }), fields: queryFields }),
    mutation: new GraphQLObjectType({ name: 'Mutation', fields: mutationFields }),
    subscription,
    types: config.types.filter((type) => !replaced.has(type.name)),
  });
  const perSchema = cache.get(schema) ?? new WeakMap<ServedJobManager, GraphQLSchema>();
  cache.set(schema, perSchema);
  perSchema.set(jobs, extended);
  return extended;
}

/** GraphQL gives explicit nulls for omitted optional input fields; zod treats `undefined` as "not given". */
function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, stripNulls(v)]),
    );
  }
  return value;
}
