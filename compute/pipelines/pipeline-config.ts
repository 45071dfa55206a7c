import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPipeline, type Pipeline } from './pipeline.ts';
import { PipelineConfigError, PipelineNotFoundError } from './pipeline-errors.ts';

/** The config file path: the option, else `CHAINQL_CONFIG`, else `./chainql.config.ts`. */
export function configPath(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(option ?? env.CHAINQL_CONFIG ?? 'chainql.config.ts');
}

/** Pipelines by name. */
export class PipelineRegistry {
  private readonly byName = new Map<string, Pipeline>();

  /** @throws PipelineConfigError when two pipelines share a name. */
  constructor(pipelines: readonly Pipeline[]) {
    for (const pipeline of pipelines) {
      if (this.byName.has(pipeline.name))
        throw new PipelineConfigError(`Two pipelines are named '${pipeline.name}'.`);
      this.byName.set(pipeline.name, pipeline);
    }
  }

  /** Every pipeline, in definition order. */
  list(): Pipeline[] {
    return [...this.byName.values()];
  }

  /** @throws PipelineNotFoundError listing the registered names. */
  get(name: string): Pipeline {
    const pipeline = this.byName.get(name);
    if (!pipeline) throw new PipelineNotFoundError(name, [...this.byName.keys()]);
    return pipeline;
  }
}

/**
 * Loads the pipelines of a config module. Accepted shapes, in this order:
 * - `export default { pipelines: [...] }`;
 * - `export const pipelines = [...]`;
 * - otherwise every named export (and a default export) that is a pipeline.
 * A missing file gives an empty registry unless `required`.
 * @throws PipelineConfigError when the module cannot be imported, is required but missing, or holds duplicates.
 */
export async function loadPipelineConfig(
  path?: string,
  options: { readonly required?: boolean } = {},
): Promise<PipelineRegistry> {
  const file = configPath(path);
  if (!existsSync(file)) {
    if (options.required)
      throw new PipelineConfigError(`Config module not found: ${file} (set CHAINQL_CONFIG).`);
    return new PipelineRegistry([]);
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PipelineConfigError(
      `Cannot import config module ${file}: ${(error as Error)?.message ?? error}`,
      { cause: error },
    );
  }
  const fromDefault = (loaded.default as { pipelines?: unknown } | undefined)?.pipelines;
  const list = Array.isArray(fromDefault)
    ? fromDefault
    : Array.isArray(loaded.pipelines)
      ? loaded.pipelines
      : Object.values(loaded).filter(isPipeline);
  const bad = (list as unknown[]).findIndex((value) => !isPipeline(value));
  if (bad >= 0)
    throw new PipelineConfigError(
      `Entry ${bad} of the pipelines in ${file} was not made by definePipeline().`,
    );
  return new PipelineRegistry(list as Pipeline[]);
}
