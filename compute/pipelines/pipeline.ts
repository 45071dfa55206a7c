import type { z } from 'zod';
import type { Chain } from '../chain/chain.ts';
import type { SaveOptions } from '../chain/terminals.ts';
import type { DeltaOptions } from '../delta/delta-options.ts';
import type { Session } from '../session.ts';
import { PipelineConfigError, PipelineInputError } from './pipeline-errors.ts';

/** What a pipeline's `run` receives besides its input. */
export interface PipelineContext {
  /** The session the chain must run in (the job manager binds the returned chain to it anyway). */
  readonly session: Session;
  /** Id of the job running the pipeline. */
  readonly jobId: string;
  /** Aborted when the job is cancelled (the chain's UDF steps get it too). */
  readonly signal: AbortSignal;
}

/**
 * A pipeline: a named, typed entry point that builds a chain from validated input. The job manager
 * runs it and saves the chain's rows as a new version of the `output` dataset — `run` returns the
 * chain *without* calling `save`, so cancellation, progress and the runner are the manager's.
 */
export interface Pipeline<S extends z.ZodType = z.ZodType> {
  /** Brand checked by `isPipeline`. */
  readonly pipeline: true;
  /** Unique name, a GraphQL-safe identifier (`[A-Za-z_][A-Za-z0-9_]*`); becomes the mutation name. */
  readonly name: string;
  readonly description?: string;
  /** zod schema of the input (an object schema for GraphQL mutations). */
  readonly input: S;
  /** Dataset the chain's rows are saved to: a name, or a function of the input. */
  readonly output: string | ((input: z.output<S>) => string);
  /** An example input, shown in the playground's example mutation. */
  readonly example?: z.input<S>;
  /** Save options (version, description, keys) — `force` is not allowed: resume relies on checkpoints. */
  readonly save?: Omit<SaveOptions, 'force'>;
  /**
   * Incremental runs: `true` (or delta options such as `{ deltaRetry: 'udf_error' }`) reads the chain's
   * source with `delta: true`, so each run processes only the source rows that are new or changed since
   * the output's previous version (see `DeltaOptions`). Default: as the chain's source says.
   */
  readonly delta?: boolean | DeltaOptions;
  /** Builds the chain (lazy; nothing runs until the manager saves it). */
  run(input: z.output<S>, context: PipelineContext): Chain | Promise<Chain>;
}

/** The argument of {@link definePipeline}. */
export type PipelineDefinition<S extends z.ZodType> = Omit<Pipeline<S>, 'pipeline'>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Mutations the server defines itself (job control, registry admin); a pipeline cannot take their names. */
const RESERVED_MUTATIONS: readonly string[] = ['cancel_job', 'resume_job', 'delete_dataset'];

/**
 * Defines a pipeline (see {@link Pipeline}). Export it from `chainql.config.ts`:
 * `export default { pipelines: [definePipeline({...})] }`.
 * @throws PipelineConfigError for a name that is not a GraphQL-safe identifier or is one of the server's own
 *   mutations (`cancel_job`, `resume_job`, `delete_dataset`), or a missing run/input/output.
 */
export function definePipeline<S extends z.ZodType>(definition: PipelineDefinition<S>): Pipeline<S> {
  if (!NAME.test(definition.name)) {
    throw new PipelineConfigError(
      `Pipeline name '${definition.name}' must match [A-Za-z_][A-Za-z0-9_]* (it becomes a GraphQL mutation).`,
    );
  }
  if (RESERVED_MUTATIONS.includes(definition.name)) {
    throw new PipelineConfigError(
      `Pipeline name '${definition.name}' is taken by the API's own mutation of that name; pick another.`,
    );
  }
  if (typeof definition.run !== 'function')
    throw new PipelineConfigError(`Pipeline '${definition.name}' needs run(input, ctx).`);
  if (!definition.input || typeof (definition.input as { safeParse?: unknown }).safeParse !== 'function') {
    throw new PipelineConfigError(`Pipeline '${definition.name}' needs a zod schema as input.`);
  }
  if (!definition.output)
    throw new PipelineConfigError(`Pipeline '${definition.name}' needs an output dataset name.`);
  return { ...definition, pipeline: true };
}

/** True when `value` was made by {@link definePipeline}. */
export function isPipeline(value: unknown): value is Pipeline {
  return typeof value === 'object' && value !== null && (value as { pipeline?: unknown }).pipeline === true;
}

/**
 * Validates input against a pipeline's schema and returns the parsed value.
 * @throws PipelineInputError (code BAD_USER_INPUT) naming the first invalid field by dot path.
 */
export function parsePipelineInput<S extends z.ZodType>(pipeline: Pipeline<S>, input: unknown): z.output<S> {
  const result = pipeline.input.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new PipelineInputError(pipeline.name, issues[0]?.path ?? '', issues);
}

/** The output dataset name of a pipeline for a (parsed) input. */
export function outputName<S extends z.ZodType>(pipeline: Pipeline<S>, input: z.output<S>): string {
  return typeof pipeline.output === 'function' ? pipeline.output(input) : pipeline.output;
}
