import { pathToColumnName } from '../../schema/record/column.ts';
import type { FieldSpec, LeafType, ObjectType } from '../../schema/record/field-type.ts';
import { allocateNames } from '../naming.ts';
import type { ServedVersion } from '../registry-view.ts';

/**
 * The GraphQL-facing model of the registry: every dataset with its GraphQL names, its field tree and
 * the reverse mapping from GraphQL names to dataset paths and warehouse columns. Built once per registry
 * revision (see `model-builder.ts`); immutable afterwards.
 */

/** A leaf field: one warehouse column. */
export interface LeafModel {
  readonly kind: 'leaf';
  /** Original field name. */
  readonly name: string;
  /** GraphQL field name (sanitised, unique within its object). */
  readonly gqlName: string;
  /** Dot path of original names (`det.confidence`). */
  readonly path: string;
  /** Dot path of GraphQL names (`det.confidence`), as accepted in `by:`/`field:` arguments. */
  readonly gqlPath: string;
  /** Warehouse column (`det__confidence`). */
  readonly column: string;
  readonly type: LeafType;
  /** The GraphQL output field is nullable (`nullable` or `optional` in the spec). */
  readonly nullable: boolean;
  readonly description?: string;
  /** Suffix (after the dataset's GraphQL name) of types generated for this leaf (enums, array items): `_det_kind`. */
  readonly typeSuffix: string;
}

/** A nested object field, or the row itself (path `''`). */
export interface ObjectModel {
  readonly kind: 'object';
  readonly name: string;
  readonly gqlName: string;
  readonly path: string;
  readonly gqlPath: string;
  readonly nullable: boolean;
  readonly description?: string;
  /** Suffix (after the dataset's GraphQL name) of this object's types: `''` for the row, `_det_box` nested. */
  readonly typeSuffix: string;
  readonly fields: readonly FieldModel[];
  /** GraphQL field name → field. */
  readonly byGqlName: ReadonlyMap<string, FieldModel>;
}

export type FieldModel = LeafModel | ObjectModel;

/** One dataset as served. */
export interface DatasetModel {
  /** Name in the registry. */
  readonly name: string;
  /** GraphQL base name: root field `<gqlName>`, types `<gqlName>_bool_exp`, … */
  readonly gqlName: string;
  readonly description?: string;
  /** Versions, oldest first (semver order). The last one defines the GraphQL types. */
  readonly versions: readonly ServedVersion[];
  readonly latest: ServedVersion;
  readonly root: ObjectModel;
  /** Every leaf, depth first in schema order. */
  readonly leaves: readonly LeafModel[];
  /** Leaf lookup by original dot path and by GraphQL dot path. */
  readonly leafByPath: ReadonlyMap<string, LeafModel>;
}

/** The whole served registry at one revision. */
export interface ServedModel {
  readonly revision: string;
  readonly datasets: readonly DatasetModel[];
  readonly byGqlName: ReadonlyMap<string, DatasetModel>;
}

/** Field names reserved on row types: `_id` (the row id) and `_distance` (nearest-neighbour distance). */
export const RESERVED_ROW_FIELDS: readonly string[] = ['_id', '_distance'];

/** Builds the field tree of one object, allocating GraphQL names within it. */
export function buildObjectModel(
  spec: ObjectType,
  at: {
    name: string;
    gqlName: string;
    path: string;
    gqlPath: string;
    nullable: boolean;
    description?: string;
  },
  typeSuffix: string,
  isRoot: boolean,
): ObjectModel {
  const names = allocateNames(
    Object.keys(spec.fields),
    undefined,
    new Set(isRoot ? RESERVED_ROW_FIELDS : []),
  );
  const fields: FieldModel[] = [];
  for (const [name, field] of Object.entries(spec.fields)) {
    const gqlName = names.get(name) ?? name;
    const path = at.path === '' ? name : `${at.path}.${name}`;
    const gqlPath = at.gqlPath === '' ? gqlName : `${at.gqlPath}.${gqlName}`;
    fields.push(buildField(field, { name, gqlName, path, gqlPath }, `${typeSuffix}_${gqlName}`));
  }
  return {
    kind: 'object',
    ...at,
    typeSuffix,
    fields,
    byGqlName: new Map(fields.map((f) => [f.gqlName, f])),
  };
}

function buildField(
  field: FieldSpec,
  at: { name: string; gqlName: string; path: string; gqlPath: string },
  typeSuffix: string,
): FieldModel {
  const nullable = field.nullable || field.optional;
  const description = field.description;
  if (field.type.kind === 'object') {
    return buildObjectModel(
      field.type,
      { ...at, nullable, ...(description === undefined ? {} : { description }) },
      typeSuffix,
      false,
    );
  }
  return {
    kind: 'leaf',
    ...at,
    column: pathToColumnName(at.path),
    type: field.type,
    nullable,
    ...(description === undefined ? {} : { description }),
    typeSuffix,
  };
}

/** Every leaf of an object tree, depth first. */
export function collectLeaves(object: ObjectModel, out: LeafModel[] = []): LeafModel[] {
  for (const f of object.fields) {
    if (f.kind === 'leaf') out.push(f);
    else collectLeaves(f, out);
  }
  return out;
}

/** Every object of a tree (including `object` itself), depth first. */
export function collectObjects(object: ObjectModel, out: ObjectModel[] = []): ObjectModel[] {
  out.push(object);
  for (const f of object.fields) if (f.kind === 'object') collectObjects(f, out);
  return out;
}
