import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temp directory per test, removed after it; `write` creates a file in it and returns its path. */
export function useTempDir(): {
  path: (name: string) => string;
  write: (name: string, content: string | Uint8Array) => string;
} {
  let dir: string | undefined;
  const ensure = (): string => {
    dir ??= mkdtempSync(join(tmpdir(), 'chainql-formats-'));
    return dir;
  };
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    path: (name) => join(ensure(), name),
    write: (name, content) => {
      const file = join(ensure(), name);
      writeFileSync(file, content);
      return file;
    },
  };
}

/** Collects every row of an async iterable. */
export async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** Runs `fn` and returns what it threw (fails the test when it did not throw). */
export async function caught(fn: () => unknown): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected an error, none was thrown');
}
