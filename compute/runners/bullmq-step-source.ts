import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Session } from '../session.ts';
import { isUdfStep, stepName, UdfLoadError, type UdfStep, udfCodeHash } from '../udf/index.ts';
import { loadStepFromOrigin } from '../udf/udf-origin.ts';
import type { StepPlacement } from './step-runner.ts';

/** A step workers import from its module by export name (ad hoc scripts), checked by the module's hash. */
export interface ModuleStepSource {
  readonly kind?: 'module';
  /** `file:` URL of the module defining the step. */
  readonly moduleUrl: string;
  /** Export name of the step in that module. */
  readonly exportName: string;
  /** sha256 of the module file on the coordinator; a worker that loaded other content refuses the job. */
  readonly moduleHash: string;
}

/**
 * A step of a pipeline's chain: workers load the same config module, call the pipeline's
 * `run(input, ctx)` with the job's input and take the UDF step at `position`, whose code hash must equal
 * the coordinator's. Inline closures (also over `input`) run this way as written.
 */
export interface PipelineStepSource {
  readonly kind: 'pipeline';
  readonly pipeline: string;
  /** The job's validated input (JSON). */
  readonly input: unknown;
  /** The job's id (`ctx.jobId` of `run`). */
  readonly jobId?: string;
  /** Index among the chain's UDF steps in run order. */
  readonly position: number;
  /** `udfCodeHash` of the step on the coordinator. */
  readonly codeHash: string;
  /** Display name of the step (for errors). */
  readonly stepName: string;
}

/** How a worker finds the step of a partition job. */
export type StepSource = ModuleStepSource | PipelineStepSource;

/** Rebuilds a pipeline step on a worker (provided by compute/pipelines, which knows how to run pipelines). */
export type PipelineStepResolver = (source: PipelineStepSource, session: Session) => Promise<UdfStep>;

/** sha256 of a module file's content ('' for non-file URLs): the code identity workers check. */
export async function moduleHash(moduleUrl: string): Promise<string> {
  if (!moduleUrl.startsWith('file:')) return '';
  return createHash('sha256')
    .update(await readFile(fileURLToPath(moduleUrl)))
    .digest('hex');
}

/**
 * How workers find `step` in this chain run: by pipeline and position when the chain runs as a
 * pipeline job, else by its module and export name.
 * @throws UdfLoadError when the step is neither part of a pipeline nor exported from a module.
 */
export async function stepSource(step: UdfStep, placement: StepPlacement): Promise<StepSource> {
  if (placement.pipeline) {
    return {
      kind: 'pipeline',
      pipeline: placement.pipeline.name,
      input: placement.pipeline.input,
      ...(placement.pipeline.jobId === undefined ? {} : { jobId: placement.pipeline.jobId }),
      position: placement.position,
      codeHash: udfCodeHash(step),
      stepName: stepName(step),
    };
  }
  return moduleReference(step);
}

const HOW_TO_FIX =
  'Either define the chain as a pipeline in the config module every worker loads ' +
  '(`definePipeline` in chainql.config.ts; workers rebuild its chain, so inline UDFs work there), or ' +
  'export the UDF from a module file (`export const myUdf = map({...}, fn)`, then `.map(myUdf)`), or run ' +
  'this chain in-process with `.settings({ workers: 0 })`.';

/**
 * The module reference of a step defined in a module file and exported from it.
 * @throws UdfLoadError (saying how to fix it) when the step has no module or is not exported from it.
 */
export async function moduleReference(step: UdfStep): Promise<ModuleStepSource> {
  const origin = step.origin;
  const name = stepName(step);
  if (!origin) {
    throw new UdfLoadError(
      `UDF step '${name}' has no module file (REPL or eval), so BullMQ workers cannot load it. ${HOW_TO_FIX}`,
    );
  }
  let exportName = origin.exportName;
  if (exportName === undefined) {
    const loaded = await evaluatedModule(origin.moduleUrl);
    if (!loaded) {
      throw new UdfLoadError(
        `UDF step '${name}' is defined in ${origin.location ?? origin.moduleUrl}, a module that is still running ` +
          '(the script itself, e.g. `chainql run script.ts`): BullMQ workers (CHAINQL_REDIS_URL is set) cannot ' +
          `import a script without running it again. Nothing was enqueued. ${HOW_TO_FIX}`,
      );
    }
    exportName = Object.entries(loaded).find(([, value]) => isUdfStep(value) && value.fn === step.fn)?.[0];
  }
  if (exportName === undefined) {
    throw new UdfLoadError(
      `UDF step '${name}' (defined at ${origin.location ?? origin.moduleUrl}) is not exported from its module, ` +
        `so BullMQ workers (CHAINQL_REDIS_URL is set) cannot load it. Nothing was enqueued. ${HOW_TO_FIX}`,
    );
  }
  return {
    kind: 'module',
    moduleUrl: origin.moduleUrl,
    exportName,
    moduleHash: await moduleHash(origin.moduleUrl),
  };
}

/** How long an import of an already-loaded module may take before it counts as still evaluating. */
const EVALUATED_WITHIN_MS = 500;

/**
 * The module's exports when it has finished evaluating, else undefined. The module that defined a step is
 * already in Node's module map, so its import settles at once — unless it is still evaluating (a script
 * awaiting this very chain at top level), where awaiting the import would never end.
 */
async function evaluatedModule(moduleUrl: string): Promise<Record<string, unknown> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), EVALUATED_WITHIN_MS);
  });
  try {
    return await Promise.race([import(moduleUrl) as Promise<Record<string, unknown>>, pending]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Loads a module-referenced step in a worker and checks that the module file it was imported from had
 * the coordinator's content.
 * @throws UdfLoadError when the module cannot be loaded or the worker runs other code than the coordinator.
 */
export async function loadModuleStep(
  reference: ModuleStepSource,
  loadedHashes: Map<string, string>,
): Promise<UdfStep> {
  // Node caches modules: the hash that matters is the file's content when this process first imported it.
  let hash = loadedHashes.get(reference.moduleUrl);
  if (hash === undefined) {
    hash = await moduleHash(reference.moduleUrl);
    loadedHashes.set(reference.moduleUrl, hash);
  }
  if (hash !== reference.moduleHash) {
    throw new UdfLoadError(
      `The module ${reference.moduleUrl} differs from the coordinator's (this worker loaded other code). ` +
        'Deploy the same code to coordinator and workers, and restart workers after changing UDF modules.',
    );
  }
  return loadStepFromOrigin({ moduleUrl: reference.moduleUrl, exportName: reference.exportName }, '');
}
