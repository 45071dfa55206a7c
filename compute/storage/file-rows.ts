import { File, type FileClass, type FileContext } from '../../clients/storage/file.ts';
import { prefetch } from '../../clients/storage/prefetch.ts';
import type { DatasetSchema, FieldSpec } from '../../schema/record/field-type.ts';
import { FILE_TAG, type FileRecord } from '../../schema/record/file-schema.ts';

/** Paths (lists of keys) of every object field tagged `'file'` in a schema, at any depth. */
export function fileFieldPaths(schema: Pick<DatasetSchema, 'fields'>): string[][] {
  const out: string[][] = [];
  const walk = (fields: Readonly<Record<string, FieldSpec>>, at: string[]): void => {
    for (const [name, spec] of Object.entries(fields)) {
      if (spec.type.kind !== 'object') continue;
      if (spec.type.tag === FILE_TAG) out.push([...at, name]);
      else walk(spec.type.fields, [...at, name]);
    }
  };
  walk(schema.fields, []);
  return out;
}

/** Turns decoded rows' File records into File instances (in place) and lists a row's Files. */
export interface FileRehydrator {
  /** Replaces each tagged record of `row` by a File bound to the context; returns `row`. */
  rehydrate<R extends Record<string, unknown>>(row: R): R;
  /** The File instances of an already rehydrated row (for `prefetch`'s `select`). */
  files(row: Record<string, unknown>): File[];
}

/**
 * Builds a rehydrator for rows of `schema`: the chain calls it on decoded rows before handing them to
 * UDFs (and to `collect()`), so `row.file.read()` works. `Kind` picks the class (File, TextFile,
 * ImageFile — `readStorage(..., { type })`). Null/absent file fields stay as they are.
 */
export function createFileRehydrator(schema: Pick<DatasetSchema, 'fields'>, context: FileContext, Kind?: FileClass): FileRehydrator {
  const paths = fileFieldPaths(schema);
  const Ctor = Kind ?? File;
  const parentOf = (row: Record<string, unknown>, path: string[]): Record<string, unknown> | undefined => {
    let node: unknown = row;
    for (const key of path.slice(0, -1)) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
  };
  return {
    rehydrate(row) {
      for (const path of paths) {
        const parent = parentOf(row, path);
        const key = path[path.length - 1] as string;
        const value = parent?.[key];
        if (parent !== undefined && value !== null && typeof value === 'object' && !(value instanceof File)) {
          parent[key] = new Ctor(value as FileRecord, context);
        }
      }
      return row;
    },
    files(row) {
      const out: File[] = [];
      for (const path of paths) {
        const value = parentOf(row, path)?.[path[path.length - 1] as string];
        if (value instanceof File) out.push(value);
      }
      return out;
    },
  };
}

/**
 * The UDF-input wrapper: rehydrates File fields of each `{ row }` and keeps `count` files
 * downloading ahead of the executor (the chain's `prefetch` setting). With `count` 0 it only rehydrates.
 */
export function prefetchRows<T extends { row: Record<string, unknown> }>(
  rows: AsyncIterable<T>,
  schema: Pick<DatasetSchema, 'fields'>,
  options: { count: number; context: FileContext; signal?: AbortSignal },
): AsyncIterable<T> {
  const r = createFileRehydrator(schema, options.context);
  async function* rehydrated(): AsyncIterable<T> {
    for await (const item of rows) {
      r.rehydrate(item.row);
      yield item;
    }
  }
  return prefetch(rehydrated(), {
    count: options.count,
    select: (item) => r.files(item.row),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
}
