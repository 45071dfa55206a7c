// The README's promises to a newcomer, checked as they are written: the chain example (the ```ts block
// starting with `// example.ts`) runs through `chainql run` and prints exactly the ```text block shown
// after it, and the demo/datasets commands of "Two commands" work. If this fails, fix the README or the
// code, never this test's expectations.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScriptProject, makeTempDir, REPO_ROOT, runCli } from '../cli/run-cli.ts';

const TIMEOUT = 180_000;
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The runnable example, the command its first line tells the reader to use, and the output shown after it. */
function readmeExample(): { code: string; file: string; args: string[]; expectedOutput: string } {
  const match = /```ts\n(\/\/ example\.ts[^\n]*\n[\s\S]*?)```\n([\s\S]*?)```text\n([\s\S]*?)```/.exec(README);
  if (!match?.[1] || match[3] === undefined) {
    throw new Error(
      'README.md has no ```ts block starting with "// example.ts" followed by a ```text output block',
    );
  }
  const code = match[1];
  const command = /run with: npx chainql (run (\S+))/.exec(code.split('\n')[0] ?? '');
  if (!command?.[1] || !command[2])
    throw new Error('the example\'s first line does not say "run with: npx chainql run <file>"');
  expect(match[2], 'the prose between the example and its output names the command').toContain(
    `npx chainql ${command[1]}`,
  );
  return { code, file: command[2], args: command[1].split(' '), expectedOutput: match[3] };
}

/** Runs a shell-free command (`npm …`, `npx …`) in the repository and returns its exit code and output. */
function runTool(
  tool: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(tool, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('README.md: the chain example', () => {
  let project: ReturnType<typeof makeScriptProject>;
  beforeAll(() => {
    project = makeScriptProject('chainql-readme-');
  });
  afterAll(() => project?.remove());

  it(
    'runs with the command on its first line and prints exactly the output shown after it',
    async () => {
      const example = readmeExample();
      // Imported as a user would: 'chainql' resolves through node_modules/chainql and the package's `exports`.
      expect(example.code).toContain("from 'chainql'");
      writeFileSync(join(project.dir, example.file), example.code);
      const data = join(project.dir, 'data');
      // The example needs no demo data (the demo is checked below and in test/cli/demo.test.ts).
      const first = await runCli([...example.args, '--data', data], { cwd: project.dir });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toBe(example.expectedOutput);
      // The values the prose relies on, in case someone edits both blocks the same wrong way.
      expect(first.stdout).toMatch(/^2 confident detections$/m);
      expect(first.stdout).toMatch(/^cat +2 +0\.94$/m);
      expect(first.stdout).toMatch(/^dog +1 +0\.42$/m);

      // A reader runs it again: the save is recognised (same chain hash) and the output does not change.
      const again = await runCli([...example.args, '--data', data], { cwd: project.dir });
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(example.expectedOutput);
      const listing = await runCli(['datasets', '--data', data, '--json']);
      const datasets = JSON.parse(listing.stdout) as { name: string; versions: { rows: number }[] }[];
      // The second run saved no new version.
      expect(Object.fromEntries(datasets.map((d) => [d.name, d.versions.map((v) => v.rows)]))).toEqual({
        pet_detections: [3],
      });
    },
    TIMEOUT,
  );
});

describe('README.md: two commands', () => {
  it('names the install/demo command and the test command, and package.json backs them', () => {
    const block = /## Two commands\n+```bash\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
    expect(block).toMatch(/^npm install && npm run demo\b/m);
    expect(block).toMatch(/^npm test\b/m);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.demo).toBe('node cli/bin.js demo');
    expect(pkg.scripts.test).toContain('vitest run');
    expect(pkg.bin.chainql).toBe('./cli/bin.js');
  });

  it(
    '`npm run demo -- --no-serve` builds the datasets and `npx chainql datasets` lists them',
    async () => {
      expect(README).toContain(
        '`npm run demo -- --no-serve` only builds the datasets; `npx chainql datasets` lists them.',
      );
      const temp = makeTempDir('chainql-readme-demo-');
      try {
        const env = { CHAINQL_DATA_DIR: temp.dir };
        const demo = await runTool('npm', ['run', '--silent', 'demo', '--', '--no-serve'], env);
        expect(demo.code).toBe(0);
        expect(demo.stdout).toMatch(/saved images@\S+ \(6 rows\)/);
        expect(demo.stdout).toMatch(/saved pages@\S+ \(6 rows\)/);
        const list = await runTool('npx', ['--no-install', 'chainql', 'datasets'], env);
        expect(list.code).toBe(0);
        expect(list.stdout).toMatch(/^images\n +\S+ +6 rows/m);
        expect(list.stdout).toMatch(/^pages\n +\S+ +6 rows/m);
      } finally {
        temp.remove();
      }
    },
    TIMEOUT,
  );
});
