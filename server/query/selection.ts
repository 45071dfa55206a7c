import { type FieldNode, type FragmentDefinitionNode, Kind, type SelectionSetNode } from 'graphql';
import type { LeafModel, ObjectModel } from '../model/dataset-model.ts';

/**
 * Reads which fields a query selects, so the compiler reads only those columns. Fragments and inline
 * fragments are merged; aliases do not matter (row fields take no arguments). `@skip`/`@include` are
 * ignored here (a skipped field's column is read but not returned), which keeps this pure and cheap.
 */

/** Selected sub-fields of a selection set, by field name (all field nodes of that name merged). */
export function subFields(
  selectionSet: SelectionSetNode | undefined,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  out: Map<string, FieldNode[]> = new Map(),
): Map<string, FieldNode[]> {
  if (selectionSet === undefined) return out;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      const list = out.get(name);
      if (list === undefined) out.set(name, [selection]);
      else list.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      subFields(selection.selectionSet, fragments, out);
    } else {
      const fragment = fragments[selection.name.value];
      if (fragment !== undefined) subFields(fragment.selectionSet, fragments, out);
    }
  }
  return out;
}

/** Sub-fields of several field nodes (same field selected more than once). */
export function subFieldsOf(
  nodes: readonly FieldNode[],
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  for (const node of nodes) subFields(node.selectionSet, fragments, out);
  return out;
}

/** What a row selection needs from the table. */
export interface RowSelection {
  /** Leaves to read (in schema order). */
  readonly leaves: LeafModel[];
  /** `_id` is selected. */
  readonly id: boolean;
}

/**
 * The leaves selected under an object type. A nullable nested object selected only for `__typename`
 * still reads its first leaf, so the decoder can tell a null object from a present one.
 */
export function rowSelection(
  object: ObjectModel,
  fields: ReadonlyMap<string, readonly FieldNode[]>,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): RowSelection {
  const leaves = new Set<LeafModel>();
  collect(object, fields, fragments, leaves);
  const ordered: LeafModel[] = [];
  const visit = (o: ObjectModel): void => {
    for (const f of o.fields) {
      if (f.kind === 'leaf') {
        if (leaves.has(f)) ordered.push(f);
      } else visit(f);
    }
  };
  visit(object);
  return { leaves: ordered, id: fields.has('_id') };
}

function collect(
  object: ObjectModel,
  fields: ReadonlyMap<string, readonly FieldNode[]>,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  into: Set<LeafModel>,
): void {
  for (const [name, nodes] of fields) {
    const field = object.byGqlName.get(name);
    if (field === undefined) continue;
    if (field.kind === 'leaf') {
      into.add(field);
      continue;
    }
    const inner = subFieldsOf(nodes, fragments);
    const before = into.size;
    collect(field, inner, fragments, into);
    if (into.size === before) {
      const first = firstLeaf(field);
      if (first !== undefined) into.add(first);
    }
  }
}

function firstLeaf(object: ObjectModel): LeafModel | undefined {
  for (const f of object.fields) {
    const leaf = f.kind === 'leaf' ? f : firstLeaf(f);
    if (leaf !== undefined) return leaf;
  }
  return undefined;
}
