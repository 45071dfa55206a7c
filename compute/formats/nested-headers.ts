import type { DatasetSchema, FieldSpec } from '../../schema/record/field-type.ts';
import { InvalidFileError } from './format-errors.ts';

/**
 * Splits a flat column header into a field path: `det.confidence` and `det__confidence` both give
 * `['det', 'confidence']`. With `nested: false` the header is one field name as written. With
 * `sanitize`, each segment goes through {@link sanitizeName}.
 */
export function headerToPath(header: string, nested: boolean, sanitize = false): readonly string[] {
  const segments = nested ? header.split(/\.|__/) : [header];
  return sanitize ? segments.map(sanitizeName) : segments;
}

/**
 * Turns a free-form header segment into a field name chainql can store (`[A-Za-z_][A-Za-z0-9_]*`,
 * no `__`): runs of other characters become `_`, a leading digit gets a `_` prefix
 * (`First Name` → `First_Name`, `price-usd ($)` → `price_usd_`, `2nd` → `_2nd`).
 */
export function sanitizeName(segment: string): string {
  const cleaned = segment
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_{2,}/g, '_');
  if (cleaned === '' || cleaned === '_') return cleaned;
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/**
 * Checks that headers form a valid tree: no duplicate, no empty segment, and no column that is both
 * a leaf and a parent (`det` next to `det.confidence`).
 * @throws InvalidFileError naming the offending header.
 */
export function checkHeaderPaths(
  file: string,
  headers: readonly string[],
  paths: readonly (readonly string[])[],
): void {
  const leaves = new Set<string>();
  const parents = new Set<string>();
  paths.forEach((path, i) => {
    const header = headers[i] ?? '';
    if (path.some((segment) => segment === '')) {
      throw new InvalidFileError(
        file,
        `header '${header}' (column ${i + 1}) has an empty name or path segment`,
        { line: 1 },
      );
    }
    const key = path.join('.');
    if (leaves.has(key) || parents.has(key)) {
      throw new InvalidFileError(
        file,
        `header '${header}' (column ${i + 1}) repeats or clashes with another column`,
        { line: 1 },
      );
    }
    leaves.add(key);
    for (let d = 1; d < path.length; d++) parents.add(path.slice(0, d).join('.'));
  });
  for (const key of leaves) {
    if (parents.has(key)) {
      throw new InvalidFileError(file, `column '${key}' is both a value and the parent of nested columns`, {
        line: 1,
      });
    }
  }
}

/** Builds a nested object from cells and their field paths (`['det','confidence']` → `{det:{confidence}}`). */
export function nestCells(
  paths: readonly (readonly string[])[],
  cells: readonly unknown[],
): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  paths.forEach((path, i) => {
    let node = root;
    for (let d = 0; d < path.length - 1; d++) {
      const key = path[d] as string;
      let child = node[key] as Record<string, unknown> | undefined;
      if (child === undefined) {
        child = {};
        node[key] = child;
      }
      node = child;
    }
    node[path[path.length - 1] as string] = cells[i] ?? null;
  });
  return root;
}

/** One flattened leaf of a schema: its dot path and segments. Arrays, records and vectors are leaves. */
export interface LeafPath {
  readonly path: string;
  readonly segments: readonly string[];
  readonly spec: FieldSpec;
}

/** The leaves of a schema in field order, nested objects expanded (`det.confidence`). */
export function schemaLeaves(schema: DatasetSchema): LeafPath[] {
  const out: LeafPath[] = [];
  const walk = (fields: Readonly<Record<string, FieldSpec>>, prefix: readonly string[]): void => {
    for (const [key, spec] of Object.entries(fields)) {
      const segments = [...prefix, key];
      if (spec.type.kind === 'object') walk(spec.type.fields, segments);
      else out.push({ path: segments.join('.'), segments, spec });
    }
  };
  walk(schema.fields, []);
  return out;
}

/** Reads the value at `segments` in a nested row; `undefined` when any level is missing or null. */
export function valueAt(row: Readonly<Record<string, unknown>>, segments: readonly string[]): unknown {
  let node: unknown = row;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
