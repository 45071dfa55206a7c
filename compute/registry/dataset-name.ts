import { InvalidDatasetNameError } from './registry-errors.ts';

/**
 * Dataset names: a letter or `_`, then letters, digits, `_`, `.` or `-`; at most 128 characters.
 * Names are case-sensitive (`Photos` and `photos` are two datasets). `.` and `-` are allowed for
 * names like `llm.responses` or `image-embeddings`; the GraphQL layer maps them to identifiers.
 */
export const DATASET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/** @throws InvalidDatasetNameError unless `name` matches `DATASET_NAME_PATTERN`. */
export function assertDatasetName(name: string): void {
  if (typeof name !== 'string' || !DATASET_NAME_PATTERN.test(name))
    throw new InvalidDatasetNameError(String(name));
}

/**
 * The part of a physical table name derived from a dataset name: lower-case, `.`/`-` → `_`, at most
 * 40 characters. Not unique by itself (`a.b` and `a_b` collide); `reserveTableName` adds a unique id.
 */
export function tableNameFragment(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40);
}
