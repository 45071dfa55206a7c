import {
  type GraphQLFieldConfigMap,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import type { ServedModel } from '../model/dataset-model.ts';
import type { ServedVersion } from '../registry-view.ts';
import { versionKeyFields } from './by-pk-field.ts';
import type { QueryEnv, RequestContext } from './query-env.ts';
import { datasetRootFields } from './root-fields.ts';
import { DateTimeScalar, JsonScalar } from './scalars.ts';
import { TypeFactory } from './type-factory.ts';

/**
 * Builds the GraphQL schema for one registry revision: a pure function of the served model (plus the
 * environment the resolvers run SQL in). Types and root fields per dataset follow Hasura's naming; see
 * `root-fields.ts`, `dataset-types.ts`, `aggregate-types.ts`.
 */
export function buildSchema(model: ServedModel, env: QueryEnv): GraphQLSchema {
  const factory = new TypeFactory();
  const version = new GraphQLObjectType<ServedVersion>({
    name: 'dataset_version',
    description: 'One saved version of a dataset.',
    fields: {
      version: { type: new GraphQLNonNull(GraphQLString) },
      rows: { type: new GraphQLNonNull(GraphQLInt), description: 'Row count at save time.' },
      createdAt: {
        type: new GraphQLNonNull(DateTimeScalar),
        resolve: (v) =>
          v.createdAt instanceof Date ? v.createdAt.toISOString() : new Date(v.createdAt).toISOString(),
      },
      schema: { type: new GraphQLNonNull(JsonScalar), description: 'The stored row type (schema JSON).' },
      ...versionKeyFields(),
    },
  });
  const dataset = new GraphQLObjectType<ServedModel['datasets'][number]>({
    name: 'dataset',
    description: 'A saved dataset.',
    fields: {
      name: { type: new GraphQLNonNull(GraphQLString), description: 'Name in the registry.' },
      graphql_name: {
        type: new GraphQLNonNull(GraphQLString),
        description: 'Name of its root field in this API (sanitised; see the naming rules).',
        resolve: (d) => d.gqlName,
      },
      description: { type: GraphQLString },
      versions: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(version))),
        description: 'Versions, oldest first.',
      },
      latest: { type: new GraphQLNonNull(version), description: 'The newest version (defines the types).' },
    },
  });
  const fields: GraphQLFieldConfigMap<unknown, RequestContext> = {
    datasets: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(dataset))),
      description: 'Every saved dataset with its versions.',
      resolve: () => model.datasets,
    },
  };
  for (const ds of model.datasets) Object.assign(fields, datasetRootFields(ds, factory, env));
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields }),
  });
}
