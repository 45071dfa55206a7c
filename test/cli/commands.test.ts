// `chainql query`, `export`, `datasets show|delete`, `--version` and the flag checks of `serve`/`run`, as a
// user runs them (child processes): happy paths, and bad input with its exit code (see README "CLI").
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readParquet, readRecords } from '../../compute/chain/read.ts';
import { openSession } from '../../compute/session.ts';
import { PHOTOS, saveCliFixture } from './cli-fixture.ts';
import {
  CLI_BIN,
  makeScriptProject,
  makeTempDir,
  REPO_ROOT,
  runCli,
  spawnCli,
  startCliServer,
} from './run-cli.ts';

const TIMEOUT = 120_000;
let temp: ReturnType<typeof makeTempDir>;
let data: string;

beforeAll(async () => {
  temp = makeTempDir('chainql-cli-commands-');
  data = join(temp.dir, 'data');
  await saveCliFixture(data);
}, TIMEOUT);
afterAll(() => temp?.remove());

describe('chainql --version', () => {
  it(
    'prints the package version and exits 0',
    async () => {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
      const result = await runCli(['--version']);
      expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    },
    TIMEOUT,
  );
});

describe('chainql query', () => {
  it(
    'runs a nested filter and prints the data as JSON',
    async () => {
      const result = await runCli([
        'query',
        '{ photos(where: { det: { confidence: { _gt: 0.9 } } }, order_by: [{ name: asc }]) { name det { label } } }',
        '--data',
        data,
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      // Version 1.0.1 (the latest, rows p00..p09) is served: none is above 0.9; ask the 1.0.0 version.
      expect(JSON.parse(result.stdout)).toEqual({ photos: [] });
      const old = await runCli([
        'query',
        '{ photos(version: "1.0.0", where: { det: { confidence: { _gt: 0.9 } } }, order_by: [{ name: asc }]) { name det { label } } }',
        '--data',
        data,
      ]);
      expect(JSON.parse(old.stdout)).toEqual({
        photos: [
          { name: 'p28', det: { label: 'cat' } },
          { name: 'p29', det: { label: 'dog' } },
        ],
      });
    },
    TIMEOUT,
  );

  it(
    'takes --var values (JSON when they parse) and prints tables with dot-path columns',
    async () => {
      const result = await runCli([
        'query',
        'query($n: Int, $label: String) { photos(limit: $n, where: { det: { label: { _eq: $label } } }, order_by: [{ name: asc }]) { name det { label box { w } } } photos_aggregate { aggregate { count } } }',
        '--var',
        'n=2',
        '--var',
        'label=dog',
        '--format',
        'table',
        '--data',
        data,
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('photos (2 rows)');
      expect(result.stdout).toMatch(/name\s+det\.label\s+det\.box\.w/);
      expect(result.stdout).toMatch(/^p01\s+dog\s+2$/m);
      expect(result.stdout).toMatch(/^p03\s+dog\s+4$/m);
      expect(result.stdout).toMatch(/aggregate\.count\n-+\n10\n/);
    },
    TIMEOUT,
  );

  it(
    'a malformed query exits 1 with the GraphQL error, its code and position',
    async () => {
      const result = await runCli(['query', '{ photos(limit: 1) { nme } }', '--data', data]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('[GRAPHQL_VALIDATION_FAILED]');
      expect(result.stderr).toContain('Cannot query field "nme"');
      expect(result.stderr).toContain('Did you mean "name"');
      expect(result.stderr).toContain('line 1, column 22');
    },
    TIMEOUT,
  );

  it(
    'an unknown dataset is a GraphQL error naming the field; bad flags exit 2',
    async () => {
      const unknown = await runCli(['query', '{ nosuch { x } }', '--data', data]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('Cannot query field "nosuch" on type "Query"');
      const badVar = await runCli(['query', '{ photos { name } }', '--var', 'novalue', '--data', data]);
      expect(badVar.code).toBe(2);
      expect(badVar.stderr).toContain("[BAD_FLAG] --var: expected name=value, got 'novalue'");
      const badFormat = await runCli(['query', '{ photos { name } }', '--format', 'xml', '--data', data]);
      expect(badFormat.code).toBe(2);
      expect(badFormat.stderr).toContain("argument 'xml' is invalid");
      const missing = await runCli(['query', '{ photos { name } }', '--data', join(temp.dir, 'typo')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('[DATA_DIR_NOT_FOUND]');
      expect(existsSync(join(temp.dir, 'typo'))).toBe(false);
    },
    TIMEOUT,
  );
});

describe('chainql export', () => {
  it(
    'writes csv, jsonl and parquet files with every row of the chosen version',
    async () => {
      const csv = join(temp.dir, 'photos.csv');
      const result = await runCli([
        'export',
        'photos',
        '--version',
        '1.0.0',
        '--format',
        'csv',
        '--out',
        csv,
        '--data',
        data,
      ]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('wrote 30 rows of photos@1.0.0');
      // Not a terminal: progress comes as plain lines, ending with a summary.
      expect(result.stderr).toMatch(/export photos@1\.0\.0: succeeded, 30 rows/);
      const lines = readFileSync(csv, 'utf8').trim().split('\n');
      expect(lines[0]).toBe('name,det.label,det.confidence,det.box.w,det.box.h,camera,tags');
      expect(lines).toHaveLength(31);
      expect(lines[1]).toBe('p00,cat,0,1,2,north,"[""night""]"');

      const jsonl = join(temp.dir, 'photos.jsonl');
      expect(
        (await runCli(['export', 'photos', '--format', 'jsonl', '--out', jsonl, '--data', data])).code,
      ).toBe(0);
      const rows = readFileSync(jsonl, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows).toEqual(PHOTOS.slice(0, 10));

      const parquet = join(temp.dir, 'photos.parquet');
      expect(
        (
          await runCli([
            'export',
            'photos',
            '--version',
            '1.0.0',
            '--format',
            'parquet',
            '--out',
            parquet,
            '--data',
            data,
          ])
        ).code,
      ).toBe(0);
      const session = await openSession({ dataDir: join(temp.dir, 'readback') });
      try {
        expect(await readParquet(parquet, { session }).collect()).toEqual(PHOTOS);
      } finally {
        await session.close();
      }
    },
    TIMEOUT,
  );

  it(
    'without a terminal, progress comes as plain lines while the rows stream (every $CHAINQL_PROGRESS_MS)',
    async () => {
      const dir = join(temp.dir, 'export-progress');
      const session = await openSession({ dataDir: dir });
      try {
        const rows = Array.from({ length: 12_000 }, (_, n) => ({ n }));
        await readRecords(rows, z.object({ n: z.int() }), { session }).save('counts');
      } finally {
        await session.close();
      }
      const out = join(temp.dir, 'counts.jsonl');
      const result = await runCli(['export', 'counts', '--format', 'jsonl', '--out', out, '--data', dir], {
        env: { CHAINQL_PROGRESS_MS: '0' },
      });
      expect(result.code).toBe(0);
      const lines = result.stderr.trim().split('\n');
      // No control characters (not a terminal); a line at the start, after every 5,000 rows, and a summary.
      expect(result.stderr.includes('\r') || result.stderr.includes('\u001b')).toBe(false);
      expect(lines.map((l) => /(\d+(?:,\d+)*)\/12,000/.exec(l)?.[1] ?? l)).toEqual([
        '0',
        '5,000',
        '10,000',
        '12,000',
        expect.stringMatching(/^export counts@1\.0\.0: succeeded, 12,000 rows in /),
        `wrote 12000 rows of counts@1.0.0 to ${out}`,
      ]);
      expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(12_000);
      const bad = await runCli(['export', 'counts', '--format', 'jsonl', '--out', out, '--data', dir], {
        env: { CHAINQL_PROGRESS_MS: 'often' },
      });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(
        "[BAD_FLAG] CHAINQL_PROGRESS_MS: expected a whole number of milliseconds, got 'often'.",
      );
    },
    TIMEOUT,
  );

  it(
    'csv and jsonl go to stdout without --out',
    async () => {
      const result = await runCli([
        'export',
        'confident',
        '--format',
        'jsonl',
        '--no-progress',
        '--data',
        data,
      ]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(
        result.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).name),
      ).toEqual(PHOTOS.filter((p) => p.det.confidence > 0.5).map((p) => p.name));
    },
    TIMEOUT,
  );

  it(
    'bad input: unknown dataset or version exits 1; missing --format, parquet to stdout exit 2',
    async () => {
      const unknown = await runCli(['export', 'nosuch', '--format', 'csv', '--data', data]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('[DATASET_NOT_FOUND]');
      expect(unknown.stderr).toContain('confident, photos');
      const version = await runCli([
        'export',
        'photos',
        '--version',
        '9.9.9',
        '--format',
        'csv',
        '--data',
        data,
      ]);
      expect(version.code).toBe(1);
      expect(version.stderr).toContain('[VERSION_NOT_FOUND]');
      const noFormat = await runCli(['export', 'photos', '--data', data]);
      expect(noFormat.code).toBe(2);
      expect(noFormat.stderr).toContain("required option '--format <format>' not specified");
      const parquet = await runCli(['export', 'photos', '--format', 'parquet', '--data', data]);
      expect(parquet.code).toBe(2);
      expect(parquet.stderr).toContain('--out');
    },
    TIMEOUT,
  );
});

describe('chainql datasets show', () => {
  it(
    'prints the schema as a tree with descriptions, the versions, keys and lineage',
    async () => {
      const result = await runCli(['datasets', 'show', 'photos', '--version', '1.0.0', '--data', data]);
      expect(result.code).toBe(0);
      const out = result.stdout;
      expect(out).toContain('photos@1.0.0 — Photos with one detection each (CLI fixture).');
      expect(out).toMatch(/^ {2}1\.0\.0 +30 rows .*\(shown\)$/m);
      expect(out).toMatch(/^ {2}1\.0\.1 +10 rows /m);
      expect(out).toContain('  name: string  # File name of the photo\n  det: object\n    label: string\n');
      expect(out).toContain(
        '    confidence: float  # Detector confidence in [0, 1]\n    box: object\n      w: int\n',
      );
      expect(out).toContain('  camera: enum(north|south)\n  tags: array<string>\n');
      expect(out).toContain('primary key: name\nindexes: (det.label)\n');
      const lineage = await runCli(['datasets', 'show', 'confident', '--data', data]);
      expect(lineage.stdout).toContain('lineage: photos@1.0.0');
    },
    TIMEOUT,
  );

  it(
    'an unknown dataset exits 1 and lists the existing ones',
    async () => {
      const result = await runCli(['datasets', 'show', 'phtos', '--data', data]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("[DATASET_NOT_FOUND] Dataset 'phtos' does not exist");
      expect(result.stderr).toContain('photos');
    },
    TIMEOUT,
  );
});

describe('chainql datasets delete', () => {
  it(
    'refuses without --yes when it cannot ask; deletes one version, then the dataset',
    async () => {
      const dir = join(temp.dir, 'delete');
      await saveCliFixture(dir);
      const refused = await runCli(['datasets', 'delete', 'photos', '--data', dir]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('[CONFIRMATION_REQUIRED]');
      const listed = async () =>
        JSON.parse((await runCli(['datasets', '--json', '--data', dir])).stdout) as {
          name: string;
          versions: { version: string }[];
        }[];
      expect((await listed()).find((d) => d.name === 'photos')?.versions).toHaveLength(2);

      const unknown = await runCli([
        'datasets',
        'delete',
        'photos',
        '--version',
        '3.0.0',
        '--yes',
        '--data',
        dir,
      ]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('[VERSION_NOT_FOUND]');

      const one = await runCli([
        'datasets',
        'delete',
        'photos',
        '--version',
        '1.0.0',
        '--yes',
        '--data',
        dir,
      ]);
      expect(one).toMatchObject({ code: 0, stdout: 'deleted photos@1.0.0\n' });
      expect((await listed()).find((d) => d.name === 'photos')?.versions.map((v) => v.version)).toEqual([
        '1.0.1',
      ]);

      const all = await runCli(['datasets', 'delete', 'photos', '--yes', '--data', dir]);
      expect(all.code).toBe(0);
      expect((await listed()).map((d) => d.name)).toEqual(['confident']);
    },
    TIMEOUT,
  );
});

/**
 * Runs `chainql …args` on a pseudo-terminal (util-linux `script`), answering `answer` to its `[y/N]`
 * question if it asks one; `out` is everything the terminal showed (stdout and stderr).
 */
async function answerOnTerminal(
  args: readonly string[],
  answer: string,
): Promise<{ code: number | null; out: string }> {
  const quoted = [process.execPath, CLI_BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let answered = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (!answered && out.includes('[y/N]')) {
      answered = true;
      child.stdin?.write(`${answer}\n`);
    }
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

/** util-linux `script` gives the CLI a terminal; without it these tests skip, except on CI, where they must run. */
const noTerminal = !existsSync('/usr/bin/script') && process.env.CI !== 'true';

describe.skipIf(noTerminal)('chainql datasets delete on a terminal', () => {
  it(
    'asks first: anything but yes deletes nothing, yes deletes',
    async () => {
      const dir = join(temp.dir, 'delete-tty');
      await saveCliFixture(dir);
      const no = await answerOnTerminal(
        ['datasets', 'delete', 'photos', '--version', '1.0.0', '--data', dir],
        'n',
      );
      expect(no.code).toBe(0);
      expect(no.out).toContain('Deleting photos@1.0.0 (30 rows)? [y/N]');
      expect(no.out).toContain('Nothing deleted.');
      const kept = await runCli(['datasets', '--json', '--data', dir]);
      expect(
        JSON.parse(kept.stdout).find((d: { name: string }) => d.name === 'photos').versions,
      ).toHaveLength(2);
      const yes = await answerOnTerminal(
        ['datasets', 'delete', 'photos', '--version', '1.0.0', '--data', dir],
        'y',
      );
      expect(yes.code).toBe(0);
      expect(yes.out).toContain('deleted photos@1.0.0');
      const left = await runCli(['datasets', '--json', '--data', dir]);
      expect(
        JSON.parse(left.stdout)
          .find((d: { name: string }) => d.name === 'photos')
          .versions.map((v: { version: string }) => v.version),
      ).toEqual(['1.0.1']);
    },
    TIMEOUT,
  );
});

describe.skipIf(noTerminal)('chainql export on a terminal', () => {
  it(
    'draws a progress bar redrawn in place, ending at 100% with a summary',
    async () => {
      const dir = join(temp.dir, 'export-tty');
      const session = await openSession({ dataDir: dir });
      try {
        await readRecords(
          Array.from({ length: 12_000 }, (_, n) => ({ n })),
          z.object({ n: z.int() }),
          { session },
        ).save('counts');
      } finally {
        await session.close();
      }
      const out = join(temp.dir, 'counts-tty.csv');
      const { code, out: screen } = await answerOnTerminal(
        ['export', 'counts', '--format', 'csv', '--out', out, '--data', dir],
        '',
      );
      expect(code).toBe(0);
      expect(screen).toMatch(/\rexport counts@1\.0\.0 \[#+\] 100% 12,000\/12,000/);
      expect(screen).toMatch(/export counts@1\.0\.0: succeeded, 12,000 rows in /);
      expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(12_001);
    },
    TIMEOUT,
  );
});

describe('chainql datasets delete and query against a running server (--url)', () => {
  it(
    'delete is admin-only on a server: reader and writer keys are refused and change nothing; an admin key deletes',
    async () => {
      const dir = join(temp.dir, 'delete-server');
      await saveCliFixture(dir);
      const server = await startCliServer(['serve', '--port', '0', '--data', dir], {
        env: { CHAINQL_API_KEYS: 'r1:reader,w1:writer,a1:admin' },
      });
      try {
        const url = server.url;
        // Read through the server with a reader key (a fetch: fewer CLI start-ups keep the test quick).
        const versions = async () => {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': 'r1' },
            body: JSON.stringify({ query: '{ datasets { name versions { version } } }' }),
          });
          return (
            (await response.json()) as {
              data: { datasets: { name: string; versions: { version: string }[] }[] };
            }
          ).data.datasets;
        };
        expect((await versions()).map((d) => [d.name, d.versions.length])).toEqual([
          ['confident', 1],
          ['photos', 2],
        ]);

        const noKey = await runCli(['datasets', 'delete', 'photos', '--yes', '--url', url]);
        expect(noKey.code).toBe(1);
        expect(noKey.stderr).toContain('[UNAUTHENTICATED]');
        const reader = await runCli([
          'datasets',
          'delete',
          'photos',
          '--yes',
          '--url',
          url,
          '--api-key',
          'r1',
        ]);
        expect(reader.code).toBe(1);
        expect(reader.stderr).toContain("chainql: [FORBIDDEN] Role 'reader' may not run mutations.");
        // The key can come from the environment too, as for `query`.
        const writer = await runCli(['datasets', 'delete', 'photos', '--yes'], {
          env: { CHAINQL_URL: url, CHAINQL_API_KEY: 'w1' },
        });
        expect(writer.code).toBe(1);
        expect(writer.stderr).toContain(
          "chainql: [FORBIDDEN] Role 'writer' may not run delete_dataset: it needs the admin role.",
        );
        const unasked = await runCli(['datasets', 'delete', 'photos', '--url', url, '--api-key', 'a1']);
        expect(unasked.code).toBe(2);
        expect(unasked.stderr).toContain(
          '[CONFIRMATION_REQUIRED] Deleting dataset photos (2 version(s): 1.0.0, 1.0.1) on ',
        );
        const both = await runCli(['datasets', 'delete', 'photos', '--yes', '--url', url, '--data', dir]);
        expect(both.code).toBe(2);
        expect(both.stderr).toContain('[BAD_FLAG] --url: give either a server');
        const unknown = await runCli([
          'datasets',
          'delete',
          'nosuch',
          '--yes',
          '--url',
          url,
          '--api-key',
          'a1',
        ]);
        expect(unknown.code).toBe(1);
        expect(unknown.stderr).toContain(
          "[DATASET_NOT_FOUND] Dataset 'nosuch' does not exist. Existing datasets: confident, photos.",
        );
        const badVersion = await runCli([
          'datasets',
          'delete',
          'photos',
          '--version',
          '7.0.0',
          '--yes',
          '--url',
          url,
          '--api-key',
          'a1',
        ]);
        expect(badVersion.code).toBe(1);
        expect(badVersion.stderr).toContain('[VERSION_NOT_FOUND]');
        expect((await versions()).map((d) => [d.name, d.versions.length])).toEqual([
          ['confident', 1],
          ['photos', 2],
        ]);

        const one = await runCli([
          'datasets',
          'delete',
          'photos',
          '--version',
          '1.0.0',
          '--yes',
          '--url',
          url,
          '--api-key',
          'a1',
        ]);
        expect(one).toMatchObject({ code: 0, stdout: 'deleted photos@1.0.0\n' });
        // The server's schema follows without a restart: the version is gone, the other still served.
        expect((await versions()).find((d) => d.name === 'photos')?.versions).toEqual([{ version: '1.0.1' }]);
        const old = await runCli([
          'query',
          '{ photos(version: "1.0.0") { name } }',
          '--url',
          url,
          '--api-key',
          'r1',
        ]);
        expect(old.code).toBe(1);
        expect(old.stderr).toContain('[VERSION_NOT_FOUND]');

        const all = await runCli(['datasets', 'delete', 'photos', '--yes', '--url', url, '--api-key', 'a1']);
        expect(all).toMatchObject({ code: 0, stdout: 'deleted photos@1.0.1\n' });
        expect((await versions()).map((d) => d.name)).toEqual(['confident']);
        const query = await runCli(['query', '{ photos { name } }', '--url', url, '--api-key', 'r1']);
        expect(query.code).toBe(1);
        expect(query.stderr).toContain('Cannot query field "photos" on type "Query"');
      } finally {
        expect(await server.stop()).toEqual({ code: 0, signal: null });
      }
      // The server deleted from the directory itself: a local listing agrees.
      const local = await runCli(['datasets', '--json', '--data', dir]);
      expect(JSON.parse(local.stdout).map((d: { name: string }) => d.name)).toEqual(['confident']);
    },
    // About a dozen CLI start-ups (each compiles the TypeScript sources): more time on a loaded machine.
    2 * TIMEOUT,
  );

  it(
    'query --url runs against the server with its limits, and a wrong key exits 1 with UNAUTHENTICATED',
    async () => {
      const server = await startCliServer(['serve', '--port', '0', '--data', data], {
        env: { CHAINQL_API_KEYS: 'r1:reader' },
      });
      try {
        const ok = await runCli(
          [
            'query',
            'query($n: Int) { photos(version: "1.0.0", limit: $n, order_by: [{ name: desc }]) { name } }',
            '--var',
            'n=2',
          ],
          { env: { CHAINQL_URL: server.url, CHAINQL_API_KEY: 'r1' } },
        );
        expect(ok.stderr).toBe('');
        expect(JSON.parse(ok.stdout)).toEqual({ photos: [{ name: 'p29' }, { name: 'p28' }] });
        const wrong = await runCli([
          'query',
          '{ datasets { name } }',
          '--url',
          server.url,
          '--api-key',
          'nope',
        ]);
        expect(wrong.code).toBe(1);
        expect(wrong.stderr).toBe('chainql: [UNAUTHENTICATED] Unknown API key.\n');
      } finally {
        expect(await server.stop()).toEqual({ code: 0, signal: null });
      }
    },
    TIMEOUT,
  );
});

describe('flag checks of serve and run', () => {
  it(
    'serve --port abc gets the same message as demo --port abc, exit 2',
    async () => {
      const serve = await runCli(['serve', '--port', 'abc', '--data', data]);
      const demo = await runCli(['demo', '--port', 'abc', '--data', data]);
      const message =
        "error: option '--port <port>' argument 'abc' is invalid. expected an integer from 0 to 65535.";
      expect(serve.code).toBe(2);
      expect(demo.code).toBe(2);
      expect(serve.stderr.split('\n')[0]).toBe(message);
      expect(demo.stderr.split('\n')[0]).toBe(message);
    },
    TIMEOUT,
  );

  it(
    'serve --config with a missing file and --data with a missing directory are errors',
    async () => {
      const config = await runCli([
        'serve',
        '--port',
        '0',
        '--data',
        data,
        '--config',
        join(temp.dir, 'nope.ts'),
      ]);
      expect(config.code).toBe(2);
      expect(config.stderr).toContain(
        `[CONFIG_NOT_FOUND] Config module not found: ${join(temp.dir, 'nope.ts')}`,
      );
      expect(config.stdout).not.toContain('http://');
      const missing = join(temp.dir, 'no-data');
      const dataDir = await runCli(['serve', '--port', '0', '--data', missing]);
      expect(dataDir.code).toBe(2);
      expect(dataDir.stderr).toContain('[DATA_DIR_NOT_FOUND]');
      expect(dataDir.stderr).toContain('--create');
      expect(existsSync(missing)).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'serve --data DIR --create creates the directory and serves an empty API',
    async () => {
      const fresh = join(temp.dir, 'fresh');
      const server = await startCliServer(['serve', '--port', '0', '--data', fresh, '--create']);
      try {
        expect(existsSync(join(fresh, 'chainql.db'))).toBe(true);
        const answer = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ datasets { name } }' }),
        });
        expect(await answer.json()).toEqual({ data: { datasets: [] } });
      } finally {
        // SIGTERM right after the URL: handlers exist from the first line of cli/bin.js, so this is a clean stop.
        expect(await server.stop()).toEqual({ code: 0, signal: null });
      }
    },
    TIMEOUT,
  );

  it(
    'serve stopped by SIGTERM while it is still starting closes cleanly: exit 0, no URL',
    async () => {
      const fresh = join(temp.dir, 'stopped-early');
      // A config module that takes a while to load (as one importing models would), and says when it starts
      // (.mts: an ES module with top-level await outside a "type": "module" package).
      const config = join(temp.dir, 'slow.config.mts');
      writeFileSync(
        config,
        "process.stderr.write('config loading\\n');\nawait new Promise((r) => setTimeout(r, 1500));\nexport default { pipelines: [] };\n",
      );
      const child = spawnCli(['serve', '--port', '0', '--data', fresh, '--create', '--config', config]);
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      const loading = new Promise<void>((resolve) =>
        child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          if (stderr.includes('config loading')) resolve();
        }),
      );
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('close', (code, signal) => resolve({ code, signal })),
      );
      // (If the process ended before loading the config, the assertion below says how.)
      await Promise.race([loading, ended]);
      child.kill('SIGTERM');
      expect(await ended).toEqual({ code: 0, signal: null });
      expect(stdout).toBe('');
      expect(stderr).toBe('config loading\n');
    },
    TIMEOUT,
  );

  it(
    'worker: whole-number flags are checked, and a named config module must exist (exit 2, nothing started)',
    async () => {
      const concurrency = await runCli(['worker', '--concurrency', 'abc']);
      expect(concurrency.code).toBe(2);
      expect(concurrency.stderr.split('\n')[0]).toBe(
        "error: option '--concurrency <n>' argument 'abc' is invalid. expected a whole number ≥ 1.",
      );
      const size = await runCli(['worker', '--partition-size', '0']);
      expect(size.code).toBe(2);
      expect(size.stderr).toContain("option '--partition-size <rows>' argument '0' is invalid");
      const lock = await runCli(['worker', '--lock-duration', '1.5']);
      expect(lock.code).toBe(2);
      expect(lock.stderr).toContain("option '--lock-duration <ms>' argument '1.5' is invalid");
      const config = await runCli(['worker', '--config', join(temp.dir, 'nope.ts')]);
      expect(config).toMatchObject({ code: 2, stdout: '' });
      expect(config.stderr).toBe(
        `chainql: [CONFIG_NOT_FOUND] Config module not found: ${join(temp.dir, 'nope.ts')} (given by --config or $CHAINQL_CONFIG).\n`,
      );
      // From the environment too: a worker without the pipelines it was pointed at would take no pipeline jobs.
      const env = await runCli(['worker'], { env: { CHAINQL_CONFIG: join(temp.dir, 'nope.ts') } });
      expect(env.code).toBe(2);
      expect(env.stderr).toContain('[CONFIG_NOT_FOUND]');
    },
    TIMEOUT,
  );

  it(
    'mcp: a missing --data directory or --config file exits 2; with API keys configured a key is required',
    async () => {
      const missing = await runCli(['mcp', '--data', join(temp.dir, 'no-data')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('[DATA_DIR_NOT_FOUND]');
      expect(existsSync(join(temp.dir, 'no-data'))).toBe(false);
      const config = await runCli(['mcp', '--data', data, '--config', join(temp.dir, 'nope.ts')]);
      expect(config.code).toBe(2);
      expect(config.stderr).toContain('[CONFIG_NOT_FOUND]');
      const env = { CHAINQL_API_KEYS: 'k1:reader' };
      const noKey = await runCli(['mcp', '--data', data], { env });
      expect(noKey).toMatchObject({ code: 1, stdout: '' });
      expect(noKey.stderr).toContain('[SERVER_CONFIG] CHAINQL_API_KEYS is set: pass the key');
      const wrongKey = await runCli(['mcp', '--data', data, '--api-key', 'nope'], { env });
      expect(wrongKey).toMatchObject({ code: 1, stdout: '' });
      expect(wrongKey.stderr).toContain('[SERVER_CONFIG] Unknown API key');
    },
    TIMEOUT,
  );

  it(
    'run: a script with a syntax error gets one line with file:line:column',
    async () => {
      const project = makeScriptProject('chainql-cli-syntax-');
      try {
        writeFileSync(join(project.dir, 'broken.ts'), "const ok = 1;\nconst x = ;\nconsole.log('never');\n");
        const result = await runCli(['run', 'broken.ts', '--data', join(project.dir, 'data')], {
          cwd: project.dir,
        });
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(
          `chainql: [SCRIPT_SYNTAX] ${join(project.dir, 'broken.ts')}:2:11: Unexpected ";"\n`,
        );
      } finally {
        project.remove();
      }
    },
    TIMEOUT,
  );
});
