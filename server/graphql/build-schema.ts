import type { GraphQLSchema } from 'graphql';
import type { ServedModel } from '../model/dataset-model.ts';
import type { ServedVersion } from '../registry-view.ts';
import { versionKeyFields } from './by-pk-field.ts';
import { createBuilder, declareFields, type FieldSpec, outList, outType } from './pothos-builder.ts';
import type { QueryEnv } from './query-env.ts';
import { datasetRootFields } from './root-fields.ts';
import { TypeFactory } from './type-factory.ts';

type ServedDataset = ServedModel['datasets'][number];

/**
 * Builds the GraphQL schema for one registry revision: a pure function of the served model (plus the
 * environment the resolvers run SQL in). A fresh Pothos `SchemaBuilder` per call declares the types in
 * loops over the model (they exist only at run time, from each version's stored schema JSON); names
 * follow Hasura's conventions, see `root-fields.ts`, `dataset-types.ts`, `aggregate-types.ts`.
 * Fields, arguments and enum values keep their declaration order (`sortSchema: false`): `<ds>_by_pk`
 * takes its key arguments in key order.
 */
export function buildSchema(model: ServedModel, env: QueryEnv): GraphQLSchema {
  const builder = createBuilder();
  const factory = new TypeFactory(builder);
  const version = factory.object<ServedVersion>(
    'dataset_version',
    () => {
      const fields: Record<string, FieldSpec<ServedVersion>> = {
        version: { type: outType('String', false) },
        rows: { type: outType('Int', false), description: 'Row count at save time.' },
        createdAt: {
          type: outType(factory.scalar('datetime'), false),
          resolve: (v) =>
            v.createdAt instanceof Date ? v.createdAt.toISOString() : new Date(v.createdAt).toISOString(),
        },
        schema: {
          type: outType(factory.scalar('json'), false),
          description: 'The stored row type (schema JSON).',
        },
        ...versionKeyFields(),
      };
      return fields;
    },
    'One saved version of a dataset.',
  );
  const dataset = factory.object<ServedDataset>(
    'dataset',
    () => {
      const fields: Record<string, FieldSpec<ServedDataset>> = {
        name: { type: outType('String', false), description: 'Name in the registry.' },
        graphql_name: {
          type: outType('String', false),
          description: 'Name of its root field in this API (sanitised; see the naming rules).',
          resolve: (d) => d.gqlName,
        },
        description: { type: outType('String') },
        versions: {
          type: outList(outType(version, false), false),
          description: 'Versions, oldest first.',
        },
        latest: {
          type: outType(version, false),
          description: 'The newest version (defines the types).',
        },
      };
      return fields;
    },
    'A saved dataset.',
  );
  const fields: Record<string, FieldSpec> = {
    datasets: {
      type: outList(outType(dataset, false), false),
      description: 'Every saved dataset with its versions.',
      resolve: () => model.datasets,
    },
  };
  for (const ds of model.datasets) Object.assign(fields, datasetRootFields(ds, factory, env));
  builder.queryType({ fields: (t) => declareFields(t, fields) });
  return builder.toSchema({ sortSchema: false });
}
