import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UdfLoadError } from './udf-errors.ts';
import { udfSourceText } from './udf-source.ts';
import type { UdfOrigin, UdfStep } from './udf-step.ts';
import { isUdfStep } from './udf-step.ts';

/** Folders whose frames are chainql's own (step constructors, the chain API) and never a UDF's home. */
const computeDir = dirname(dirname(fileURLToPath(import.meta.url)));
const internalDirs = [`${computeDir}/udf/`, `${computeDir}/chain/`];

const framePattern = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?$/;

/**
 * Finds the module that called a step constructor, from the call stack: the first frame outside
 * chainql's compute/udf and compute/chain folders and outside node_modules. Returns undefined when
 * the stack has no file frame (REPL, eval).
 */
export function captureCallerModule(): UdfOrigin | undefined {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = saved;
  for (const line of stack.split('\n').slice(1)) {
    const match = framePattern.exec(line.trim());
    if (!match) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (internalDirs.some((dir) => file.startsWith(dir)) || file.includes('/node_modules/')) continue;
    return { moduleUrl: pathToFileURL(file).href, location: `${file}:${match[2]}:${match[3]}` };
  }
  return undefined;
}

/** Turns a module path or URL (`import.meta.url`, `./udfs.ts`, `/abs/udfs.ts`) into a `file:` URL. */
export function toModuleUrl(moduleUrlOrPath: string): string {
  if (/^[a-z]+:\/\//i.test(moduleUrlOrPath)) return moduleUrlOrPath;
  return pathToFileURL(moduleUrlOrPath).href;
}

/**
 * Imports `moduleUrlOrPath` and returns its export `exportName`, which must be a UDF step, with its
 * origin pinned to that module and export (so worker threads load exactly it).
 * @throws UdfLoadError when the module cannot be imported or the export is missing or not a step.
 */
export async function udfFromModule(moduleUrlOrPath: string, exportName: string): Promise<UdfStep> {
  const moduleUrl = toModuleUrl(moduleUrlOrPath);
  const loaded = await importModule(moduleUrl);
  const value = loaded[exportName];
  if (!isUdfStep(value)) {
    throw new UdfLoadError(
      `Module ${moduleUrl} has no UDF step exported as '${exportName}' ` +
        `(exports: ${Object.keys(loaded).join(', ') || 'none'}). Export it: \`export const ${exportName} = map(...)\`.`,
    );
  }
  return withOrigin(value, { moduleUrl, exportName });
}

/** Returns a copy of `step` whose origin is `origin`. */
export function withOrigin<S extends UdfStep>(step: S, origin: UdfOrigin): S {
  return { ...step, origin };
}

/**
 * Loads the step described by `origin` in the current thread: by export name when known, else the
 * export defined at the same source location, else the export whose `udfSourceText` equals `sourceText`.
 * @throws UdfLoadError explaining how to make the step importable.
 */
export async function loadStepFromOrigin(
  origin: UdfOrigin | undefined,
  sourceText: string,
): Promise<UdfStep> {
  if (!origin) {
    throw new UdfLoadError(
      'This UDF has no defining module (was it created in a REPL or eval?). To run it in worker threads ' +
        '(parallel > 1), define it at the top level of a module file and export it, or use udfFromModule().',
    );
  }
  const loaded = await importModule(origin.moduleUrl);
  if (origin.exportName !== undefined) {
    const value = loaded[origin.exportName];
    if (isUdfStep(value)) return withOrigin(value, origin);
    throw new UdfLoadError(`Module ${origin.moduleUrl} has no UDF step exported as '${origin.exportName}'.`);
  }
  // Match by definition site first: both this thread's loader and the parent's report source-mapped
  // positions, whereas fn.toString() may differ between TypeScript transforms (vitest vs tsx).
  const exported = Object.entries(loaded).filter((entry): entry is [string, UdfStep] => isUdfStep(entry[1]));
  const match =
    (origin.location !== undefined &&
      exported.find(([, step]) => step.origin?.location === origin.location)) ||
    exported.find(([, step]) => udfSourceText(step) === sourceText);
  if (match) return withOrigin(match[1], { ...origin, exportName: match[0] });
  throw new UdfLoadError(
    `The UDF defined at ${origin.location ?? origin.moduleUrl} is not exported from its module, so worker ` +
      'threads (parallel > 1) cannot load it. Define it at the top level of a module file and export it ' +
      "(`export const myUdf = map({...}, fn)`), or load it with udfFromModule(import.meta.url, 'myUdf'). " +
      'Closures created inside functions cannot run in threads; use parallel: 1 for them.',
  );
}

async function importModule(moduleUrl: string): Promise<Record<string, unknown>> {
  try {
    return (await import(moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    throw new UdfLoadError(
      `Cannot import UDF module ${moduleUrl}: ${(error as Error)?.message ?? String(error)}. UDFs that run in ` +
        'worker threads must live in a module that can be imported on its own (no test-runner globals, no ' +
        'side effects that need the main thread); export the step from such a module file.',
      { cause: error },
    );
  }
}
