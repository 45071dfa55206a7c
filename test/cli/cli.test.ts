// The `chainql` command as a user runs it: every case starts `node cli/bin.js …` in a child process and
// checks exit codes, stdout and stderr. The demo is built once into a temporary data directory and
// reused by the `datasets` and `serve` cases.
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScriptProject, makeTempDir, runCli, startCliServer } from './run-cli.ts';

const TIMEOUT = 180_000;

interface DatasetListing {
  name: string;
  versions: { version: string; rows: number; createdAt: string }[];
}

/** POSTs a GraphQL query and returns the parsed JSON body (expects HTTP 200). */
async function postGraphql(url: string, query: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

describe('chainql --help', () => {
  it(
    'lists every command with a one-line explanation',
    async () => {
      const result = await runCli(['--help']);
      expect(result.code).toBe(0);
      for (const command of ['demo', 'serve', 'datasets', 'run']) {
        expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b.*\\S{3,}.*$`, 'm'));
      }
      expect(result.stdout).toContain('--data');
    },
    TIMEOUT,
  );

  it(
    'every command help explains each of its options',
    async () => {
      for (const command of ['demo', 'serve', 'datasets', 'run']) {
        const result = await runCli([command, '--help']);
        expect(result.code).toBe(0);
        const options = [...result.stdout.matchAll(/^ {2}(-[-\w, <>]+?) {2,}(\S.*)$/gm)];
        expect(options.length, `${command} lists options`).toBeGreaterThan(1);
        for (const [, flag, text] of options) expect(text?.length, `${command} ${flag}`).toBeGreaterThan(8);
      }
    },
    TIMEOUT,
  );

  it(
    'rejects an unknown command with a non-zero exit and the usage',
    async () => {
      const result = await runCli(['frobnicate']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("unknown command 'frobnicate'");
    },
    TIMEOUT,
  );
});

describe('chainql demo, datasets and serve', () => {
  // Created in beforeAll (not at collection) so a run filtered to other tests leaves nothing behind.
  let temp: ReturnType<typeof makeTempDir>;
  let data: string;
  let demo: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    temp = makeTempDir('chainql-cli-demo-');
    data = join(temp.dir, 'data');
    demo = await runCli(['demo', '--no-serve', '--no-progress', '--data', data]);
  }, TIMEOUT);
  afterAll(() => temp?.remove());

  it('demo --no-serve builds the demo datasets and exits', () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/saved images@\d+\.\d+\.\d+ \(6 rows\)/);
    expect(demo.stdout).toMatch(/saved pages@\d+\.\d+\.\d+ \(6 rows\)/);
  });

  it(
    'datasets --json lists images (6 rows) and pages (6 rows)',
    async () => {
      const result = await runCli(['datasets', '--data', data, '--json']);
      expect(result.code).toBe(0);
      const listing = JSON.parse(result.stdout) as DatasetListing[];
      expect(listing.map((d) => d.name).sort()).toEqual(['images', 'pages']);
      const rows = Object.fromEntries(listing.map((d) => [d.name, d.versions.map((v) => v.rows)]));
      expect(rows).toEqual({ images: [6], pages: [6] });
      for (const d of listing) expect(Number.isNaN(Date.parse(d.versions[0]?.createdAt ?? ''))).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'datasets on a data directory that does not exist says so and does not create it',
    async () => {
      const missing = join(temp.dir, 'typo');
      const table = await runCli(['datasets', '--data', missing]);
      expect(table.code).toBe(0);
      expect(table.stdout).toContain('does not exist');
      const json = await runCli(['datasets', '--data', missing, '--json']);
      expect(JSON.parse(json.stdout)).toEqual([]);
      expect(existsSync(missing)).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'serve prints its URL, answers GraphQL queries and exits on SIGTERM',
    async () => {
      const server = await startCliServer(['serve', '--port', '0', '--data', data]);
      try {
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
        const registry = (await postGraphql(server.url, '{ datasets { name } }')) as {
          data: { datasets: { name: string }[] };
        };
        expect(registry.data.datasets.map((d) => d.name).sort()).toEqual(['images', 'pages']);
        const rows = (await postGraphql(
          server.url,
          '{ images(limit: 2, order_by: [{ file: { path: asc } }]) { image { format } } }',
        )) as { data: { images: { image: { format: string } }[] } };
        // desert.jpg and forest.webp, the first two bundled images by path.
        expect(rows.data.images).toEqual([{ image: { format: 'jpeg' } }, { image: { format: 'webp' } }]);
      } finally {
        expect(await server.stop()).toEqual({ code: 0, signal: null });
      }
    },
    TIMEOUT,
  );

  it(
    'demo (serving, as `npm run demo` does) reuses the saved versions and serves the GraphiQL page',
    async () => {
      const server = await startCliServer(['demo', '--port', '0', '--data', data]);
      try {
        expect(server.stdout()).toContain('saved pages@1.0.0 (6 rows)');
        expect(server.stdout()).toContain('Nothing to compute: both datasets were already built');
        const page = await fetch(server.url, { headers: { accept: 'text/html' } });
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toContain('text/html');
        expect(await page.text()).toContain('GraphiQL');
        const count = (await postGraphql(server.url, '{ pages_aggregate { aggregate { count } } }')) as {
          data: { pages_aggregate: { aggregate: { count: number } } };
        };
        expect(count.data.pages_aggregate.aggregate.count).toBe(6);
      } finally {
        expect(await server.stop()).toEqual({ code: 0, signal: null });
      }
      const listing = await runCli(['datasets', '--data', data, '--json']);
      expect((JSON.parse(listing.stdout) as DatasetListing[]).map((d) => d.versions.length)).toEqual([1, 1]);
    },
    TIMEOUT,
  );
});

describe('chainql serve refuses an unsafe bind', () => {
  it(
    'a non-loopback host without API keys exits non-zero with a clear message',
    async () => {
      const temp = makeTempDir('chainql-cli-serve-');
      try {
        const result = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--data', temp.dir]);
        expect(result.code).toBe(1);
        expect(result.stdout).not.toContain('http://');
        expect(result.stderr).toContain('[SERVER_CONFIG]');
        expect(result.stderr).toContain('CHAINQL_API_KEYS');
        expect(result.stderr).toContain('--allow-unauthenticated');
      } finally {
        temp.remove();
      }
    },
    TIMEOUT,
  );
});

describe('chainql serve on a port that is taken', () => {
  it(
    'exits 1 with PORT_IN_USE and tells how to pick another port',
    async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const { port } = blocker.address() as { port: number };
      const temp = makeTempDir('chainql-cli-port-');
      try {
        const result = await runCli(['serve', '--port', String(port), '--data', temp.dir]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`[PORT_IN_USE] Port ${port} on 127.0.0.1 is already in use`);
        expect(result.stderr).toContain('--port');
      } finally {
        temp.remove();
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
    TIMEOUT,
  );
});

describe('chainql run', () => {
  let project: ReturnType<typeof makeScriptProject>;
  let data: string;
  beforeAll(() => {
    project = makeScriptProject('chainql-cli-run-');
    data = join(project.dir, 'data');
  });
  afterAll(() => project?.remove());

  it(
    'runs a script that saves a dataset into --data',
    async () => {
      writeFileSync(
        join(project.dir, 'save.ts'),
        [
          "import { C, readValues } from 'chainql';",
          "const v = await readValues({ n: [1, 2, 3, 4] }).filter(C('n').gt(1)).save('numbers');",
          "console.log('saved', v.name, v.rows);",
          '',
        ].join('\n'),
      );
      const result = await runCli(['run', 'save.ts', '--data', data], { cwd: project.dir });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('saved numbers 3\n');
      const listing = await runCli(['datasets', '--data', data, '--json']);
      const datasets = JSON.parse(listing.stdout) as DatasetListing[];
      expect(datasets.map((d) => [d.name, d.versions.map((v) => v.rows)])).toEqual([['numbers', [3]]]);
    },
    TIMEOUT,
  );

  it(
    'a missing script fails with a clear error and a non-zero exit',
    async () => {
      const result = await runCli(['run', 'no-such-script.ts', '--data', data], { cwd: project.dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('no-such-script.ts');
      expect(result.stderr).toMatch(/not found/i);
    },
    TIMEOUT,
  );

  it(
    'a chain naming an unknown column fails with its error code, the closest path and exit code 1',
    async () => {
      writeFileSync(
        join(project.dir, 'bad.ts'),
        [
          "import { C, readValues } from 'chainql';",
          "await readValues({ amount: [1, 2] }).filter(C('amout').gt(1)).save('bad');",
          '',
        ].join('\n'),
      );
      const result = await runCli(['run', 'bad.ts', '--data', data], { cwd: project.dir });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('[UNKNOWN_COLUMN]');
      expect(result.stderr).toContain("'amout'");
      expect(result.stderr).toContain("'amount'");
    },
    TIMEOUT,
  );

  it(
    'a script that throws a plain error prints its stack with the script line and exits 1',
    async () => {
      writeFileSync(
        join(project.dir, 'throws.ts'),
        ['const answer: number = 42;', "if (answer > 0) throw new TypeError('script bug here');", ''].join(
          '\n',
        ),
      );
      const result = await runCli(['run', 'throws.ts', '--data', data], { cwd: project.dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('TypeError: script bug here');
      expect(result.stderr).toMatch(/throws\.ts:2:\d+/);
    },
    TIMEOUT,
  );

  it(
    'a script with top-level await outside an ES module scope gets a hint to make it one',
    async () => {
      const cjs = makeTempDir('chainql-cli-cjs-');
      try {
        writeFileSync(join(cjs.dir, 'tla.ts'), "await Promise.resolve(1);\nconsole.log('ran');\n");
        const result = await runCli(['run', 'tla.ts', '--data', join(cjs.dir, 'data')], { cwd: cjs.dir });
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain('[SCRIPT_LOAD]');
        expect(result.stderr).toContain('"type": "module"');
      } finally {
        cjs.remove();
      }
    },
    TIMEOUT,
  );
});
