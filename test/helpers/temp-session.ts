import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, type Session } from '../../compute/session.ts';

/** A session on a fresh data directory; `cleanup()` closes it and deletes the directory. */
export async function tempSession(): Promise<Session & { cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chainql-test-'));
  const session = await openSession({ dataDir });
  return Object.assign(session, {
    async cleanup() {
      await session.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** A fresh temporary directory (deleted by the returned function). */
export function tempDir(prefix = 'chainql-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
