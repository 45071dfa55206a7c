import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isUdfStep, UdfLoadError, type UdfStep } from '../udf/index.ts';
import { loadStepFromOrigin } from '../udf/udf-origin.ts';
import type { StepReference } from './partition-job.ts';

/** sha256 of a module file's content ('' for non-file URLs): the code identity workers check. */
export async function moduleHash(moduleUrl: string): Promise<string> {
  if (!moduleUrl.startsWith('file:')) return '';
  return createHash('sha256')
    .update(await readFile(fileURLToPath(moduleUrl)))
    .digest('hex');
}

/**
 * How workers find `step`: its module URL, its export name (looked up among the module's exports by
 * function identity when the step was not loaded with `udfFromModule`) and the module file's hash.
 * @throws UdfLoadError when the step has no module or is not exported from it.
 */
export async function stepReference(step: UdfStep): Promise<StepReference> {
  const origin = step.origin;
  if (!origin) {
    throw new UdfLoadError(
      'A UDF that runs on BullMQ workers must be defined in a module file and exported, so workers can import it.',
    );
  }
  let exportName = origin.exportName;
  if (exportName === undefined) {
    const loaded = (await import(origin.moduleUrl)) as Record<string, unknown>;
    exportName = Object.entries(loaded).find(([, value]) => isUdfStep(value) && value.fn === step.fn)?.[0];
  }
  if (exportName === undefined) {
    throw new UdfLoadError(
      `The UDF defined at ${origin.location ?? origin.moduleUrl} is not exported from its module, so BullMQ ` +
        'workers cannot load it. Define it at the top level of a module and export it ' +
        '(`export const myUdf = map({...}, fn)`), then use `.map(myUdf)`.',
    );
  }
  return { moduleUrl: origin.moduleUrl, exportName, moduleHash: await moduleHash(origin.moduleUrl) };
}

/**
 * Loads a referenced step in a worker and checks that the module file it was imported from had the
 * coordinator's content.
 * @throws UdfLoadError when the module cannot be loaded or the worker runs other code than the coordinator.
 */
export async function loadReferencedStep(
  reference: StepReference,
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
