// The README's database bridge example, run as written: the ```sql setup block, then the ```ts block starting with
// `// enrich-articles.ts` through `chainql run` against the real PostgreSQL, printing exactly the ```text block
// after it. If this fails, fix the README or the code, never this test's expectations.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScriptProject, REPO_ROOT, runCli } from '../cli/run-cli.ts';
import { POSTGRES_URL, postgresAvailable, uniqueSchema } from '../compute/database/database-test-helpers.ts';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

function readmeBlocks(): { setup: string; code: string; file: string; output: string } {
  const section = README.slice(README.indexOf('### Database bridge'));
  const match =
    /```sql\n([\s\S]*?)```\n\s*```ts\n(\/\/ enrich-articles\.ts[^\n]*\n[\s\S]*?)```\n\s*```text\n([\s\S]*?)```/.exec(
      section,
    );
  if (!match?.[1] || !match[2] || match[3] === undefined) {
    throw new Error(
      'README.md has no ```sql, ```ts (// enrich-articles.ts) and ```text blocks in "### Database bridge"',
    );
  }
  const file = /npx chainql run (\S+)/.exec(match[2].split('\n')[0] ?? '')?.[1];
  if (!file) throw new Error('the example\'s first line does not say "npx chainql run <file>"');
  return { setup: match[1], code: match[2], file, output: match[3] };
}

const pgUp = await postgresAvailable();

describe.skipIf(!pgUp)('README.md: the database bridge enrichment round trip', () => {
  let schema: Awaited<ReturnType<typeof uniqueSchema>>;
  let project: ReturnType<typeof makeScriptProject>;
  beforeAll(async () => {
    schema = await uniqueSchema('readme');
    project = makeScriptProject('chainql-readme-db-');
  });
  afterAll(async () => {
    await schema?.drop();
    project?.remove();
  });

  it('reads from PostgreSQL, maps with a UDF, writes back with onConflict update, and prints the shown output', async () => {
    const { setup, code, file, output } = readmeBlocks();
    expect(code).toContain("from 'chainql'");
    expect(code).toContain("onConflict: 'update'");
    // The example's unqualified `articles` lives in this test's own schema.
    const client = await schema.pool.connect();
    try {
      await client.query(`SET search_path TO "${schema.name}"`);
      await client.query(setup);
    } finally {
      client.release();
    }
    writeFileSync(join(project.dir, file), code);
    const url = `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema.name}`)}`;
    const run = await runCli(['run', file, '--data', join(project.dir, 'data')], {
      cwd: project.dir,
      env: { DATABASE_URL: url },
    });
    expect(run.stderr).not.toMatch(/error/i); // stderr carries the UDF progress bar
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(output);
    const rows = await schema.pool.query(
      `SELECT id, title, summary, words FROM "${schema.name}".articles ORDER BY id`,
    );
    expect(rows.rows).toEqual([
      { id: 1, title: 'Cats', summary: 'Cats sleep a lot', words: 7 },
      { id: 2, title: 'Dogs', summary: 'Dogs bark', words: 7 },
      { id: 3, title: 'Fish', summary: 'Fish swim', words: 2 },
    ]);
    // Run again: every article has a summary now, so nothing is read and nothing written.
    const again = await runCli(['run', file, '--data', join(project.dir, 'data')], {
      cwd: project.dir,
      env: { DATABASE_URL: url },
    });
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')[0]).toBe('0 articles enriched');
  });
});
