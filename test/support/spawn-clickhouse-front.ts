/** Starts test/support/clickhouse-front-process.ts as a child process (one ClickHouse shared over HTTP). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A ClickHouse HTTP front running in a child process. */
export interface SpawnedClickhouseFront {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The child's pid. */
  readonly pid: number;
  /** Stops the process (SIGTERM, then SIGKILL after 3 s) and waits for it. */
  stop(): Promise<void>;
}

/** Spawns the front; resolves once it listens. Credentials, when given, are required by the front. */
export async function spawnClickhouseFront(
  options: { user?: string; password?: string; dataDir?: string } = {},
): Promise<SpawnedClickhouseFront> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(here, 'clickhouse-front-process.ts'),
      ...(options.dataDir ? [options.dataDir] : []),
    ],
    {
      // stdin is a pipe the child watches: when this process dies, the pipe closes and the front exits.
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...(options.user ? { CHAINQL_FRONT_USER: options.user } : {}),
        ...(options.password ? { CHAINQL_FRONT_PASSWORD: options.password } : {}),
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const rl = createInterface({ input: child.stdout });
  const line = await new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`ClickHouse front exited with ${code}: ${stderr}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
