import {
  type GraphQLFieldConfigMap,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import semver from 'semver';
import { DatasetNotFoundError, VersionNotFoundError } from '../../compute/registry/registry-errors.ts';
import type { RequestContext } from '../graphql/query-env.ts';
import { requireRole } from '../plugins/use-auth.ts';
import type { RegistryView } from '../registry-view.ts';
import { ForbiddenError } from '../server-errors.ts';

/** Name of the mutation's result type; datasets cannot claim it (see model/type-names.ts). */
export const DELETE_DATASET_RESPONSE = 'delete_dataset_response';

/** A registry the API may delete from (the `DatasetRegistry` is one). */
export type DeletingRegistry = RegistryView & Required<Pick<RegistryView, 'deleteVersion'>>;

/** Whether the served registry can delete versions (then the API has `delete_dataset`). */
export function canDelete(registry: RegistryView): registry is DeletingRegistry {
  return typeof registry.deleteVersion === 'function';
}

/** What `delete_dataset` answers. */
interface DeleteDatasetResult {
  readonly name: string;
  readonly deleted_versions: readonly string[];
  readonly affected_rows: number;
  readonly remaining_versions: readonly string[];
}

/** Options of {@link withDeleteDataset}. */
export interface DeleteDatasetOptions {
  /** The registry the schema serves; `deleteVersion` removes a version and its table. */
  readonly registry: DeletingRegistry;
  /**
   * Called after a delete, before the mutation answers: rebuilds the schema for the new registry revision,
   * so the caller's next request (and everyone's) sees the dataset gone. Default: nothing.
   */
  readonly refresh?: () => Promise<unknown>;
}

const response = new GraphQLObjectType<DeleteDatasetResult>({
  name: DELETE_DATASET_RESPONSE,
  description: 'What delete_dataset removed.',
  fields: {
    name: { type: new GraphQLNonNull(GraphQLString), description: 'Dataset name in the registry.' },
    deleted_versions: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))),
      description: 'Versions deleted, oldest first.',
    },
    affected_rows: {
      type: new GraphQLNonNull(GraphQLInt),
      description: 'Rows the deleted versions held (their row counts at save time).',
    },
    remaining_versions: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))),
      description: 'Versions left, oldest first; empty when the dataset is gone.',
    },
  },
});

const cache = new WeakMap<GraphQLSchema, WeakMap<DeletingRegistry, GraphQLSchema>>();

/**
 * Adds the admin-only mutation `delete_dataset(name: String!, version: String): delete_dataset_response!`
 * to a served schema (next to any pipeline mutations): without `version` it deletes every version (the
 * dataset disappears from the API), with one only that version. The auth plugin refuses it to reader and
 * writer keys (FORBIDDEN, HTTP 403) before anything runs; the resolver checks the role again. An unknown
 * name or version is DATASET_NOT_FOUND / VERSION_NOT_FOUND listing what exists. Cached per schema.
 */
export function withDeleteDataset(schema: GraphQLSchema, options: DeleteDatasetOptions): GraphQLSchema {
  const { registry } = options;
  const hit = cache.get(schema)?.get(registry);
  if (hit) return hit;
  const config = schema.toConfig();
  const mutation = config.mutation?.toConfig();
  const fields: GraphQLFieldConfigMap<unknown, RequestContext> = {
    ...(mutation?.fields as GraphQLFieldConfigMap<unknown, RequestContext> | undefined),
    delete_dataset: {
      type: new GraphQLNonNull(response),
      description:
        'Deletes a dataset (every version) or one version of it, with its rows. Needs the admin role. ' +
        'The API drops the dataset (or serves its remaining versions) from the next request on.',
      args: {
        name: { type: new GraphQLNonNull(GraphQLString), description: 'Dataset name in the registry.' },
        version: { type: GraphQLString, description: 'Only this version (default: every version).' },
      },
      extensions: requireRole('admin'),
      resolve: async (_root, args: { name: string; version?: string | null }, context) => {
        const role = context.role ?? 'admin';
        if (role !== 'admin')
          throw new ForbiddenError(`Role '${role}' may not run delete_dataset: it needs the admin role.`);
        const result = await deleteDataset(registry, args.name, args.version ?? undefined);
        await options.refresh?.();
        return result;
      },
    },
  };
  const extended = new GraphQLSchema({
    ...config,
    mutation: new GraphQLObjectType({ ...(mutation ?? { name: 'Mutation' }), fields }),
    types: config.types.filter((type) => type.name !== 'Mutation'),
  });
  const perSchema = cache.get(schema) ?? new WeakMap<DeletingRegistry, GraphQLSchema>();
  cache.set(schema, perSchema);
  perSchema.set(registry, extended);
  return extended;
}

/** Resolves what to delete first (so an unknown version deletes nothing), then deletes oldest first. */
async function deleteDataset(
  registry: DeletingRegistry,
  name: string,
  version: string | undefined,
): Promise<DeleteDatasetResult> {
  const versions = [...(await registry.listVersions(name))].sort((a, b) =>
    semver.compare(a.version, b.version),
  );
  if (versions.length === 0) {
    const names = (await registry.listDatasets()).map((d) => (typeof d === 'string' ? d : d.name));
    throw new DatasetNotFoundError(name, [...names].sort());
  }
  const doomed = version === undefined ? versions : versions.filter((v) => v.version === version);
  if (doomed.length === 0)
    throw new VersionNotFoundError(
      name,
      version as string,
      versions.map((v) => v.version),
    );
  for (const v of doomed) await registry.deleteVersion(name, v.version);
  return {
    name,
    deleted_versions: doomed.map((v) => v.version),
    affected_rows: doomed.reduce((sum, v) => sum + v.rows, 0),
    remaining_versions: versions.filter((v) => !doomed.includes(v)).map((v) => v.version),
  };
}
