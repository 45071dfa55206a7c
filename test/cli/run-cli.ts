import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of the `chainql` executable (`cli/bin.js`). */
export const CLI_BIN = join(REPO_ROOT, 'cli', 'bin.js');

/** What a finished `chainql` child process left behind. */
export interface CliResult {
  /** Exit code (null when killed by a signal). */
  readonly code: number | null;
  /** Signal that ended the process, if any. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Working directory. Default: the repository root. */
  readonly cwd?: string;
  /** Extra environment variables (merged over the parent's, with `CHAINQL_*` removed). */
  readonly env?: Record<string, string>;
  /** Kill the process (SIGKILL) after this many ms. Default 120 000. */
  readonly timeoutMs?: number;
}

/** The parent environment without `CHAINQL_*` variables, so a developer's settings cannot leak in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('CHAINQL_')) env[key] = value;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Starts `node cli/bin.js ...args` as a child process (stdout/stderr piped). */
export function spawnCli(args: readonly string[], options: RunCliOptions = {}): ChildProcess {
  return spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `node cli/bin.js ...args` to completion and returns its exit code and output. */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Creates a fresh temporary directory; call the returned function to delete it. */
export function makeTempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Creates a temporary project directory where scripts can `import … from 'chainql'` and `'zod'` as a
 * user's project would: an ESM `package.json` and `node_modules/chainql` linking to this repository (so
 * the package's `exports` map is what resolves), `node_modules/zod` linking to the repository's zod.
 */
export function makeScriptProject(prefix: string): { dir: string; remove: () => void } {
  const temp = makeTempDir(prefix);
  writeFileSync(
    join(temp.dir, 'package.json'),
    `${JSON.stringify({ name: 'chainql-user', private: true, type: 'module' })}\n`,
  );
  mkdirSync(join(temp.dir, 'node_modules'));
  symlinkSync(REPO_ROOT, join(temp.dir, 'node_modules', 'chainql'), 'dir');
  symlinkSync(join(REPO_ROOT, 'node_modules', 'zod'), join(temp.dir, 'node_modules', 'zod'), 'dir');
  return temp;
}

/** A `chainql serve`/`chainql demo` child process that printed its URL. */
export interface CliServer {
  /** The `http://host:port/graphql` URL the process printed. */
  readonly url: string;
  /** Everything printed to stdout so far. */
  stdout(): string;
  /** Everything printed to stderr so far. */
  stderr(): string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after 30 s); resolves to how it ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node cli/bin.js ...args` and waits until it prints its GraphQL URL.
 * @throws Error (with stderr) when the process exits before listening.
 */
export async function startCliServer(
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<CliServer> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /(http:\/\/\S+\/graphql)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then(({ code }) =>
      reject(new Error(`${args[0]} exited (${code}) before listening: ${stderr}`)),
    );
  });
  return {
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const end = await exited;
      clearTimeout(timer);
      return end;
    },
  };
}
