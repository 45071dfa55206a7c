import semver from 'semver';
import { DATABASE_READ_PREFIX } from '../../compute/database/database-source.ts';
import { LISTING_DATASET_PREFIX } from '../../compute/storage/storage-listing.ts';
import { allocateNames } from '../naming.ts';
import type { RegistryView, ServedVersion } from '../registry-view.ts';
import {
  buildObjectModel,
  collectLeaves,
  type DatasetModel,
  type LeafModel,
  type ObjectModel,
  type ServedModel,
} from './dataset-model.ts';
import { BUILTIN_NAMES, datasetTypeSuffixes, ROOT_FIELD_SUFFIXES } from './type-names.ts';

/** Reads the registry once and builds the served model (GraphQL names, field trees, versions). */
export async function loadServedModel(registry: RegistryView): Promise<ServedModel> {
  const revision = String(await registry.revision());
  const listed = await registry.listDatasets();
  const snapshots: { name: string; versions: ServedVersion[] }[] = [];
  for (const entry of listed) {
    const name = typeof entry === 'string' ? entry : entry.name;
    // Storage listings and query results are internal caches of readStorage/readDatabase, not datasets
    // anyone asked to serve.
    if (name.startsWith(LISTING_DATASET_PREFIX) || name.startsWith(DATABASE_READ_PREFIX)) continue;
    let versions: ServedVersion[];
    try {
      versions = [...(await registry.listVersions(name))].sort((a, b) =>
        semver.compare(a.version, b.version),
      );
    } catch (error) {
      // Deleted between listDatasets and listVersions: serve the registry without it.
      if ((error as { code?: unknown }).code === 'DATASET_NOT_FOUND') continue;
      throw error;
    }
    if (versions.length > 0) snapshots.push({ name, versions });
  }
  return buildServedModel(revision, snapshots);
}

/**
 * Builds the served model from registry data: a pure function (same input, same names).
 * Datasets without versions are skipped.
 */
export function buildServedModel(
  revision: string,
  snapshots: readonly { readonly name: string; readonly versions: readonly ServedVersion[] }[],
): ServedModel {
  const trees = new Map<string, ObjectModel>();
  for (const s of snapshots) {
    const latest = s.versions[s.versions.length - 1];
    if (latest === undefined) continue;
    const description = latest.description ?? latest.schema.description;
    trees.set(
      s.name,
      buildObjectModel(
        { kind: 'object', fields: latest.schema.fields },
        {
          name: '',
          gqlName: '',
          path: '',
          gqlPath: '',
          nullable: false,
          ...(description ? { description } : {}),
        },
        '',
        true,
      ),
    );
  }
  const names = allocateNames(
    trees.keys(),
    (base, original) => {
      const tree = trees.get(original);
      const types = tree === undefined ? [] : datasetTypeSuffixes(tree).map((s) => `${base}${s}`);
      return [...ROOT_FIELD_SUFFIXES.map((s) => `${base}${s}`), ...types];
    },
    new Set(BUILTIN_NAMES),
  );
  const datasets: DatasetModel[] = [];
  for (const s of snapshots) {
    const root = trees.get(s.name);
    const latest = s.versions[s.versions.length - 1];
    const gqlName = names.get(s.name);
    if (root === undefined || latest === undefined || gqlName === undefined) continue;
    const leaves = collectLeaves(root);
    const leafByPath = new Map<string, LeafModel>();
    for (const leaf of leaves) {
      leafByPath.set(leaf.gqlPath, leaf);
      if (!leafByPath.has(leaf.path)) leafByPath.set(leaf.path, leaf);
    }
    datasets.push({
      name: s.name,
      gqlName,
      ...((latest.description ?? latest.schema.description)
        ? { description: latest.description ?? latest.schema.description }
        : {}),
      versions: s.versions,
      latest,
      root,
      leaves,
      leafByPath,
    });
  }
  datasets.sort((a, b) => (a.gqlName < b.gqlName ? -1 : a.gqlName > b.gqlName ? 1 : 0));
  return { revision, datasets, byGqlName: new Map(datasets.map((d) => [d.gqlName, d])) };
}
