/**
 * Launchers for the object-storage emulators used by the storage tests: s3rver (S3) and
 * azurite-blob (Azure), each a child process on a free loopback port, started and stopped by the
 * test that needs it. With `CI=true` a service that cannot start fails the test instead of skipping.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A running emulator. */
export interface Emulator {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A free loopback TCP port (best effort: another process may take it before use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(
  port: number,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`emulator exited with ${child.exitCode}: ${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`emulator did not open port ${port} in ${timeoutMs} ms: ${output()}`);
}

function launch(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [command, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (b: Buffer): void => {
    text = (text + b.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => text };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
    }, 3000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** s3rver credentials (its defaults). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Starts s3rver with the given buckets. Runs with `--openssl-legacy-provider` (its continuation
 * tokens use DES). Data lives in a temporary directory removed on stop.
 */
export async function startS3rver(buckets: readonly string[]): Promise<Emulator> {
  const dir = await mkdtemp(path.join(tmpdir(), 's3rver-'));
  const port = await freePort();
  const args = ['-d', dir, '-a', '127.0.0.1', '-p', String(port), '--silent'];
  for (const b of buckets) args.push('--configure-bucket', b);
  const { child, output } = launch(path.join(ROOT, 'node_modules/s3rver/bin/s3rver.js'), args, {
    ...process.env,
    NODE_OPTIONS: '--openssl-legacy-provider',
  });
  try {
    await waitForPort(port, child, output);
  } catch (err) {
    await kill(child);
    throw err;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await kill(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Azurite's well-known development account. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The azurite connection string for a blob endpoint (`http://127.0.0.1:port`). */
export function azuriteConnectionString(endpoint: string, key: string = AZURITE_KEY): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${key};BlobEndpoint=${endpoint}/${AZURITE_ACCOUNT};`;
}

/** Starts azurite-blob in memory, skipping its API-version check (the SDK is newer than it). */
export async function startAzurite(): Promise<Emulator> {
  // azurite writes its debug/extent files into the cwd unless told otherwise: give it a temp cwd.
  const dir = await mkdtemp(path.join(tmpdir(), 'azurite-'));
  const port = await freePort();
  const { child, output } = launch(
    path.join(ROOT, 'node_modules/azurite/dist/src/blob/main.js'),
    [
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--silent',
    ],
    process.env,
    dir,
  );
  try {
    await waitForPort(port, child, output);
  } catch (err) {
    await kill(child);
    throw err;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await kill(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a service for a test file. Returns undefined (tests then skip) when it cannot start,
 * except with `CI=true`, where the failure is rethrown so the run fails.
 */
export async function startOrSkip<T>(name: string, start: () => Promise<T>): Promise<T | undefined> {
  try {
    return await start();
  } catch (err) {
    if (process.env.CI === 'true')
      throw new Error(`${name} could not start (CI=true: failing, not skipping)`, { cause: err });
    console.warn(`${name} unavailable, skipping: ${(err as Error).message}`);
    return undefined;
  }
}
