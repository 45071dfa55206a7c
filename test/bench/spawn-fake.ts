/** Starts test/fakes/gcs-fake-process.ts as a child process and returns its endpoints. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function spawnGcsFake(
  keys: number,
  dirs: number,
  delayMs: number,
  size: number,
): Promise<{ endpoint: string; direct: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(here, '../fakes/gcs-fake-process.ts'),
      String(keys),
      String(dirs),
      String(delayMs),
      String(size),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const rl = createInterface({ input: child.stdout });
  const line = await new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake exited with ${code}`)));
  });
  const info = JSON.parse(line) as { endpoint: string; direct: string };
  return { ...info, stop: () => child.kill('SIGTERM') };
}
