import type { FieldType } from '../../schema/record/field-type.ts';
import { DELETE_DATASET_RESPONSE } from '../admin/delete-dataset-field.ts';
import type { ObjectModel } from './dataset-model.ts';

/**
 * The GraphQL names a dataset generates, as suffixes appended to its GraphQL name. Shared by the name
 * allocator (which must see every name a dataset will claim) and the schema builder (which creates them).
 */

/** Aggregate operations with per-field results. */
export const AGGREGATE_OPS = ['sum', 'avg', 'min', 'max', 'count_distinct'] as const;
export type AggregateOp = (typeof AGGREGATE_OPS)[number];

/** Type-name suffixes generated for every object (the row and each nested object). */
export const OBJECT_TYPE_SUFFIXES: readonly string[] = [
  '',
  '_bool_exp',
  '_order_by',
  '_group_key',
  ...AGGREGATE_OPS.flatMap((op) => [`_${op}_fields`, `_${op}_order_by`, `_${op}_bool_exp`]),
];

/** Type-name suffixes generated once per dataset (on top of the row object's). */
export const ROOT_TYPE_SUFFIXES: readonly string[] = [
  '_aggregate',
  '_aggregate_fields',
  '_aggregate_order_by',
  '_aggregate_bool_exp',
  '_group',
  '_group_order_by',
  '_nearest_row',
  '_select_column',
  '_diff_row',
];

/** Root query fields per dataset: `<ds>`, `<ds>_aggregate`, `<ds>_groups`, `<ds>_by_id`, `<ds>_diff`, `<ds>_nearest`. */
export const ROOT_FIELD_SUFFIXES: readonly string[] = [
  '',
  '_aggregate',
  '_groups',
  '_by_id',
  '_by_pk',
  '_diff',
  '_nearest',
];

/** Names every schema defines whatever the registry holds; datasets cannot claim them. */
export const BUILTIN_NAMES: readonly string[] = [
  'Query',
  'Mutation',
  'Subscription',
  'String',
  'Int',
  'Float',
  'Boolean',
  'ID',
  'DateTime',
  'BigInt',
  'bigint',
  'JSON',
  'FieldPath',
  'order_by',
  'distance_metric',
  'diff_status',
  'dataset',
  'dataset_version',
  DELETE_DATASET_RESPONSE,
  'datasets',
  ...['String', 'Int', 'Float', 'Boolean', 'DateTime', 'BigInt', 'bigint', 'JSON', 'ID', 'vector'].flatMap(
    (s) => [`${s}_comparison_exp`, `${s}_array_comparison_exp`],
  ),
];

/** Suffixes of types generated for a leaf of type `type` at `suffix` (enums, array item objects). */
export function leafTypeSuffixes(type: FieldType, suffix: string, out: string[] = []): string[] {
  switch (type.kind) {
    case 'enum':
      out.push(`${suffix}_enum`, `${suffix}_enum_comparison_exp`, `${suffix}_enum_array_comparison_exp`);
      break;
    case 'array':
      leafTypeSuffixes(type.items, `${suffix}_item`, out);
      break;
    case 'record':
      break;
    case 'object':
      out.push(suffix);
      for (const [name, f] of Object.entries(type.fields)) {
        leafTypeSuffixes(f.type, `${suffix}_${name.replace(/[^_0-9A-Za-z]/g, '_')}`, out);
      }
      break;
    default:
      break;
  }
  return out;
}

/** Every type-name suffix a dataset with this root object generates. */
export function datasetTypeSuffixes(root: ObjectModel): string[] {
  const out: string[] = [...ROOT_TYPE_SUFFIXES];
  const visit = (object: ObjectModel): void => {
    for (const s of OBJECT_TYPE_SUFFIXES) out.push(`${object.typeSuffix}${s}`);
    for (const f of object.fields) {
      if (f.kind === 'object') visit(f);
      else leafTypeSuffixes(f.type, f.typeSuffix, out);
    }
  };
  visit(root);
  return out;
}
