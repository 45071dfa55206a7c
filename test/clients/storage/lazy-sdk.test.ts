import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = (arg: string) =>
  spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      path.join(here, 'fixtures/deny-cloud-sdks.mjs'),
      path.join(here, 'fixtures/use-storage.ts'),
      arg,
    ],
    { encoding: 'utf8', cwd: path.resolve(here, '../../..'), timeout: 60_000 },
  );

describe('cloud SDKs load lazily', () => {
  it('the local filesystem path (context, driver, glob, File) never imports @aws-sdk, @google-cloud or @azure', () => {
    const res = run('local');
    expect(res.stderr).not.toContain('CLOUD_SDK_LOADED');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('local only');
    expect(res.stdout).toMatch(/a\.txt/);
  });

  it('the guard notices an SDK import as soon as an s3:// driver is used', () => {
    const res = run('s3');
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('CLOUD_SDK_LOADED @aws-sdk/client-s3');
  });
});
