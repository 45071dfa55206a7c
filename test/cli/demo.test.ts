// README's first command, first half, as written: `npm run demo` in the background (data and port from the
// environment), the three queries it prints run against it, the playground's example mutation launched and
// followed, then stopped. The OCR text of the scanned pages is checked against the text they were rendered
// from, and an interrupted build is shown to continue from its checkpoints.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PAGES, pageText } from '../../cli/demo/demo-pages.ts';
import { expectedChatContent, OpenAiMock } from '../fakes/openai-mock.ts';
import { makeTempDir, REPO_ROOT, runCli, spawnCli } from './run-cli.ts';

const TIMEOUT = 240_000;
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

interface Output {
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): Output {
  const out = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out.stdout += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    out.stderr += c;
  });
  return out;
}

async function waitFor(
  out: Output,
  pattern: RegExp,
  child: ChildProcess,
  ms = TIMEOUT,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const match = pattern.exec(out.stdout) ?? pattern.exec(out.stderr);
    if (match) return match;
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before ${pattern}: ${out.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${pattern}: ${out.stdout}\n${out.stderr}`);
}

async function graphql(
  url: string,
  query: string,
): Promise<{ data: Record<string, unknown>; errors?: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data: Record<string, unknown> };
}

/** The queries the demo printed: the block after each `# N. …` heading up to the next blank line. */
function printedQueries(stdout: string): string[] {
  return [...stdout.matchAll(/^# \d\. .*\n(\{[\s\S]*?\n\})\n/gm)].map((m) => m[1] ?? '');
}

describe('README: `npm install && npm run demo`', () => {
  const temp = makeTempDir('chainql-demo-');
  afterAll(() => temp.remove());

  it('the first command is `npm install && npm run demo`', () => {
    expect(/## Two commands\n+```bash\n(.*)\n/.exec(README)?.[1]).toMatch(/^npm install && npm run demo\b/);
  });

  it(
    'serves a playground full of model outputs: OCR text as rendered, languages, image features, the printed queries and the example mutation',
    async () => {
      // As written (`npm run demo`); where data goes and the port are the environment's (README: CHAINQL_DATA_DIR).
      const child = spawn('npm', ['run', '--silent', 'demo'], {
        cwd: REPO_ROOT,
        env: { ...process.env, CHAINQL_DATA_DIR: join(temp.dir, 'data'), CHAINQL_PORT: '0', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const out = collect(child);
      try {
        const [, seconds] = await waitFor(out, /Serving after ([\d.]+) s/, child);
        const url = /(http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(out.stdout)?.[1] as string;
        expect(Number(seconds)).toBeLessThan(120);
        expect(out.stdout).toContain('saved images@1.0.0 (6 rows)');
        expect(out.stdout).toContain('saved pages@1.0.0 (6 rows)');
        expect(out.stdout).toContain('LLM summary step skipped: set OPENAI_BASE_URL and OPENAI_API_KEY');
        // Progress of each model step (plain lines without a terminal).
        expect(out.stderr).toMatch(/pages: OCR \(tesseract\.js\): succeeded, 6 rows/);
        expect(out.stderr).toMatch(/pages: language \(fastText\): succeeded, 6 rows/);

        // The OCR text of the English pages is exactly the text they were rendered from; every page's
        // language (detected by fastText on the OCR text) is the language it was written in.
        const pages = (await graphql(url, '{ pages { file { path } ocr { text } language { code } } }')).data
          .pages as { file: { path: string }; ocr: { text: string }; language: { code: string } }[];
        expect(pages).toHaveLength(DEMO_PAGES.length);
        for (const page of DEMO_PAGES) {
          const row = pages.find((p) => p.file.path.endsWith(page.file));
          expect(row?.language.code, page.file).toBe(page.language);
          if (page.language === 'en') expect(row?.ocr.text).toBe(pageText(page));
        }

        const [nested, aggregate, similarity] = printedQueries(out.stdout);
        const filtered = (await graphql(url, nested as string)).data.pages as {
          language: { code: string };
        }[];
        expect(filtered.map((p) => p.language.code)).toEqual(['fr', 'de', 'es', 'it']);
        const groups = (await graphql(url, aggregate as string)).data as {
          pages_groups: { key: { language: { code: string } }; aggregate: { count: number } }[];
          images_aggregate: { aggregate: { count: number; avg: { image: { width: number } } } };
        };
        expect(groups.pages_groups.map((g) => [g.key.language.code, g.aggregate.count])).toEqual([
          ['de', 1],
          ['en', 2],
          ['es', 1],
          ['fr', 1],
          ['it', 1],
        ]);
        expect(groups.images_aggregate.aggregate).toMatchObject({ count: 6, avg: { image: { width: 320 } } });
        const nearest = (await graphql(url, similarity as string)).data.images_nearest as {
          file: { path: string };
        }[];
        expect(nearest.map((n) => n.file.path.split('/').pop())).toEqual([
          'sunset.jpg',
          'desert.jpg',
          expect.any(String),
        ]);

        // The playground opens with a Launch mutation of the demo's pipeline; job_updates follows the job.
        const page = await (await fetch(url, { headers: { accept: 'text/html' } })).text();
        const launch =
          /mutation Launch \{ (find_words\(input: \{ words: \[.*?\] \}\)) \{ id status \} \}/.exec(
            page.replace(/\\"/g, '"').replace(/\\n/g, '\n'),
          )?.[1];
        expect(launch).toBeDefined();
        const job = (await graphql(url, `mutation { ${launch} { id } }`)).data.find_words as { id: string };
        const stream = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({
            query: `subscription { job_updates(id: "${job.id}") { status output { dataset } } }`,
          }),
        });
        const events = (await stream.text()).split('\n').filter((l) => l.startsWith('data: {'));
        expect(JSON.parse(events.at(-1)?.slice(6) ?? '{}').data.job_updates).toEqual({
          status: 'succeeded',
          output: { dataset: 'word_hits' },
        });
        const hits = (
          await graphql(url, '{ word_hits(where: { hits: { _gt: 0 } }) { file { path } matched } }')
        ).data.word_hits as { file: { path: string }; matched: string[] }[];
        // Only page 2 ("Boats must report their cargo…") holds one of the example's words.
        expect(hits.map((h) => [h.file.path.split('/').pop(), h.matched])).toEqual([
          ['page-02-en.png', ['boats']],
        ]);
      } finally {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
    TIMEOUT,
  );

  it(
    'Ctrl+C during the OCR step, then a rerun continues from the committed pages',
    async () => {
      const data = join(temp.dir, 'interrupted');
      const child = spawnCli(['demo', '--no-serve', '--data', data], { env: { CHAINQL_PROGRESS_MS: '0' } });
      const out = collect(child);
      // A batch (one page) committed: stop it like Ctrl+C does.
      await waitFor(out, /pages: OCR \(tesseract\.js\) \[#*\.+\] +\d+% [1-5]\/6/, child);
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
      const rerun = await runCli(['demo', '--no-serve', '--data', data]);
      expect(rerun.code).toBe(0);
      const computed = /Computed in this run: (\d+) images \(sharp\), (\d+) pages OCR/.exec(rerun.stdout);
      expect(computed?.[1]).toBe('0'); // images were saved before the interruption
      expect(Number(computed?.[2])).toBeLessThan(6);
      const texts = await runCli(['query', '{ pages { file { path } ocr { text } } }', '--data', data]);
      const pages = JSON.parse(texts.stdout).pages as { file: { path: string }; ocr: { text: string } }[];
      expect(pages).toHaveLength(6);
      const english = DEMO_PAGES.find((p) => p.file === 'page-01-en.png');
      expect(pages.find((p) => p.file.path.endsWith('page-01-en.png'))?.ocr.text).toBe(pageText(english!));
    },
    TIMEOUT,
  );

  it(
    'with OPENAI_BASE_URL and OPENAI_API_KEY the pages get an LLM summary of their OCR text',
    async () => {
      const mock = new OpenAiMock({ latencyMs: 20 });
      const baseUrl = await mock.start();
      try {
        const data = join(temp.dir, 'llm');
        const demo = await runCli(['demo', '--no-serve', '--no-progress', '--data', data], {
          env: { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'demo-model' },
        });
        expect(demo.code).toBe(0);
        expect(demo.stdout).toContain('6 summaries (LLM)');
        expect(demo.stdout).not.toContain('LLM summary step skipped');
        const result = await runCli(['query', '{ pages { ocr { text } summary } }', '--data', data]);
        const pages = JSON.parse(result.stdout).pages as { ocr: { text: string }; summary: string }[];
        expect(pages).toHaveLength(6);
        for (const page of pages) expect(page.summary).toBe(expectedChatContent('demo-model', page.ocr.text));
        expect(mock.requests.filter((r) => r.status === 200)).toHaveLength(6);
      } finally {
        await mock.stop();
      }
    },
    TIMEOUT,
  );
});
