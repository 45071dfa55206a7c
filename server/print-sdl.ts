import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { getCompiler } from '../schema/dialect/get-compiler.ts';
import { DEFAULT_LIMITS } from './app.ts';
import { buildSchema } from './graphql/build-schema.ts';
import type { QueryEnv } from './graphql/query-env.ts';
import type { ServedModel } from './model/dataset-model.ts';
import { buildServedModel, loadServedModel } from './model/model-builder.ts';
import type { ServedVersion } from './registry-view.ts';

/**
 * Prints the generated SDL (types sorted by name) so schema changes show up in review.
 *
 *   npx tsx server/print-sdl.ts                      # the fixture registry (test/fixtures/server/sdl-registry.json)
 *   npx tsx server/print-sdl.ts --fixture FILE.json  # another fixture: { revision, datasets: [{ name, versions }] }
 *   npx tsx server/print-sdl.ts --data ./.chainql    # a real data directory
 */

/** The SDL of a served model. Resolvers are not run, so no warehouse is needed. */
export function printServedSdl(model: ServedModel): string {
  const env: QueryEnv = {
    warehouse: { read: () => Promise.reject(new Error('print-sdl does not execute queries')) },
    compiler: getCompiler('sqlite'),
    limits: DEFAULT_LIMITS,
  };
  return printSchema(lexicographicSortSchema(buildSchema(model, env)));
}

/** Reads a fixture registry file: `{ revision, datasets: [{ name, versions: ServedVersion[] }] }`. */
export function fixtureModel(file: string): ServedModel {
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    revision: string;
    datasets: { name: string; versions: ServedVersion[] }[];
  };
  return buildServedModel(json.revision, json.datasets);
}

/** Default fixture: `test/fixtures/server/sdl-registry.json`. */
export const DEFAULT_SDL_FIXTURE = fileURLToPath(
  new URL('../test/fixtures/server/sdl-registry.json', import.meta.url),
);

async function main(argv: readonly string[]): Promise<void> {
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const data = at('--data');
  if (data !== undefined) {
    const { openSession } = await import('../compute/session.ts');
    const session = await openSession({ dataDir: resolve(data) });
    try {
      process.stdout.write(printServedSdl(await loadServedModel(session.registry)));
    } finally {
      await session.close();
    }
    return;
  }
  process.stdout.write(printServedSdl(fixtureModel(resolve(at('--fixture') ?? DEFAULT_SDL_FIXTURE))));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
