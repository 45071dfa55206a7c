import { File, type FileClass, type FileContext } from '../../clients/storage/file.ts';
import { ImageFile } from '../../clients/storage/image-file.ts';
import { prefetch } from '../../clients/storage/prefetch.ts';
import { TextFile } from '../../clients/storage/text-file.ts';
import type { DatasetSchema, FieldSpec } from '../../schema/record/field-type.ts';
import { type FileKind, type FileRecord, fileKindOfTag } from '../../schema/record/file-schema.ts';

const CLASSES: Record<FileKind, FileClass> = { file: File, text: TextFile, image: ImageFile };

/** Paths (lists of keys) of every object field tagged as a File (`file`, `text-file`, `image-file`). */
export function fileFieldPaths(schema: Pick<DatasetSchema, 'fields'>): string[][] {
  return fileFields(schema).map((f) => f.path);
}

function fileFields(schema: Pick<DatasetSchema, 'fields'>): { path: string[]; kind: FileKind }[] {
  const out: { path: string[]; kind: FileKind }[] = [];
  const walk = (fields: Readonly<Record<string, FieldSpec>>, at: string[]): void => {
    for (const [name, spec] of Object.entries(fields)) {
      if (spec.type.kind !== 'object') continue;
      const kind = fileKindOfTag(spec.type.tag);
      if (kind !== undefined) out.push({ path: [...at, name], kind });
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
 * UDFs (and to `collect()`), so `row.file.read()` works. The class follows each field's tag
 * (`file` → File, `text-file` → TextFile, `image-file` → ImageFile); `Kind` overrides it for all.
 * Null/absent file fields stay as they are.
 */
export function createFileRehydrator(
  schema: Pick<DatasetSchema, 'fields'>,
  context: FileContext,
  Kind?: FileClass,
): FileRehydrator {
  const fields = fileFields(schema);
  const paths = fields.map((f) => f.path);
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
      for (const { path, kind } of fields) {
        const parent = parentOf(row, path);
        const key = path[path.length - 1] as string;
        const value = parent?.[key];
        if (parent !== undefined && value !== null && typeof value === 'object' && !(value instanceof File)) {
          const Ctor = Kind ?? CLASSES[kind];
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
