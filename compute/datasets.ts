import type { DatasetSummary, DatasetVersion } from './registry/dataset-registry.ts';
import { getDefaultSession, type Session } from './session.ts';

/** Options of the registry helpers: the session (default: the process default session). */
export interface RegistryOptions {
  readonly session?: Session;
}

async function registryOf(options: RegistryOptions) {
  return (options.session ?? (await getDefaultSession())).registry;
}

/** Every saved dataset with its latest version and version count. */
export async function listDatasets(options: RegistryOptions = {}): Promise<DatasetSummary[]> {
  return (await registryOf(options)).listDatasets();
}

/**
 * The versions of a dataset, oldest first.
 * @throws DatasetNotFoundError (listing the datasets that exist).
 */
export async function listVersions(name: string, options: RegistryOptions = {}): Promise<DatasetVersion[]> {
  return (await registryOf(options)).listVersions(name);
}

/**
 * One version's record (latest unless `version`): schema, rows, creation time, chain hash, lineage.
 * @throws DatasetNotFoundError / VersionNotFoundError (listing what exists).
 */
export async function getDatasetVersion(
  name: string,
  options: RegistryOptions & { readonly version?: string } = {},
): Promise<DatasetVersion> {
  return (await registryOf(options)).getVersion(name, options.version);
}

/**
 * Deletes one version and its data; deleting the last version removes the dataset.
 * @throws DatasetNotFoundError / VersionNotFoundError (listing what exists).
 */
export async function deleteDatasetVersion(
  name: string,
  version: string,
  options: RegistryOptions = {},
): Promise<DatasetVersion> {
  return (await registryOf(options)).deleteVersion(name, version);
}
