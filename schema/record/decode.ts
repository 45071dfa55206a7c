import type { DialectName } from '../dialect/compiled-query.ts';
import type { Column, SegmentNullability } from './column.ts';
import type { LeafType } from './field-type.ts';
import { jsonReader, readBoolean, readDate, type ValueConverter } from './value-codec.ts';

/** Rebuilds one nested row object from a raw result row keyed by column name. */
export type RowDecoder = (raw: Readonly<Record<string, unknown>>) => Record<string, unknown>;

interface LeafNode {
  readonly leaf: true;
  readonly key: string;
  readonly name: string;
  readonly read: ValueConverter;
  /** NULL means "absent" (optional but not nullable): leave the key out. */
  readonly absentOnNull: boolean;
}

interface ObjectNode {
  readonly leaf: false;
  readonly key: string;
  readonly children: (LeafNode | ObjectNode)[];
  /** Column names of every leaf under this object (checked when the object may be null/absent). */
  readonly leafNames: string[];
  readonly nullable: boolean;
  readonly optional: boolean;
}

const REQUIRED: SegmentNullability = { nullable: false, optional: false };

/**
 * Compiles a decoder for a column list (once; each call allocates only the output objects).
 * Values are read from `raw[column.name]` and turned back into JS values: epoch ms or ClickHouse
 * datetime text → Date, 0/1 → boolean, JSON text → arrays/records/vectors (Dates and bigints inside
 * restored), int columns → number even when the driver returns bigint, bigint columns → bigint.
 * NULL handling follows `column.segments`: a NULL leaf that is optional but not nullable is left
 * out; otherwise it reads as `null`. An enclosing object that is nullable (or optional) and whose
 * leaves are all NULL reads as `null` (or is left out) — so `{ a: null }` in a nullable object with
 * only nullable leaves comes back as `null`. On ClickHouse a NULL array/map was stored empty and
 * reads back empty. Both dialects currently share the same lenient readers.
 */
export function createRowDecoder(columns: readonly Column[], dialect: DialectName): RowDecoder {
  void dialect;
  const root = buildTree(columns);
  return (raw) => {
    const out: Record<string, unknown> = {};
    fill(root.children, raw, out);
    return out;
  };
}

function fill(
  children: readonly (LeafNode | ObjectNode)[],
  raw: Readonly<Record<string, unknown>>,
  out: Record<string, unknown>,
): void {
  for (let i = 0; i < children.length; i++) {
    const node = children[i]!;
    if (node.leaf) {
      const value = raw[node.name];
      if (value === null || value === undefined) {
        if (!node.absentOnNull) out[node.key] = null;
      } else {
        out[node.key] = node.read(value);
      }
      continue;
    }
    if ((node.nullable || node.optional) && allNull(node.leafNames, raw)) {
      if (node.nullable) out[node.key] = null;
      continue;
    }
    const child: Record<string, unknown> = {};
    fill(node.children, raw, child);
    out[node.key] = child;
  }
}

function allNull(names: readonly string[], raw: Readonly<Record<string, unknown>>): boolean {
  for (let i = 0; i < names.length; i++) {
    const value = raw[names[i]!];
    if (value !== null && value !== undefined) return false;
  }
  return true;
}

function buildTree(columns: readonly Column[]): ObjectNode {
  const root: ObjectNode = {
    leaf: false,
    key: '',
    children: [],
    leafNames: [],
    nullable: false,
    optional: false,
  };
  for (const column of columns) {
    const keys = column.path.split('.');
    const segments = column.segments;
    let parent = root;
    for (let depth = 0; depth < keys.length - 1; depth++) {
      const key = keys[depth]!;
      parent.leafNames.push(column.name);
      let next = parent.children.find((c): c is ObjectNode => !c.leaf && c.key === key);
      if (next === undefined) {
        const flags = segments?.[depth] ?? REQUIRED;
        next = {
          leaf: false,
          key,
          children: [],
          leafNames: [],
          nullable: flags.nullable,
          optional: flags.optional,
        };
        parent.children.push(next);
      }
      parent = next;
    }
    parent.leafNames.push(column.name);
    const own = segments?.[keys.length - 1] ?? { nullable: column.nullable, optional: false };
    parent.children.push({
      leaf: true,
      key: keys[keys.length - 1]!,
      name: column.name,
      read: leafReader(column.type),
      absentOnNull: own.optional && !own.nullable,
    });
  }
  return root;
}

const asNumber: ValueConverter = (v) => (typeof v === 'number' ? v : Number(v));

function leafReader(type: LeafType): ValueConverter {
  switch (type.kind) {
    case 'int':
    case 'float':
      return asNumber;
    case 'bigint':
      return (v) => (typeof v === 'bigint' ? v : BigInt(v as string));
    case 'boolean':
      return readBoolean;
    case 'datetime':
      return readDate;
    case 'literal':
      if (typeof type.value === 'boolean') return readBoolean;
      return typeof type.value === 'number' ? asNumber : (v) => v;
    case 'vector':
    case 'array':
    case 'record': {
      const revive = type.kind === 'vector' ? (v: unknown) => v : jsonReader(type);
      return (v) => revive(typeof v === 'string' ? JSON.parse(v) : v);
    }
    default:
      return (v) => v;
  }
}
