// serveCommand's stop request: a stop during start-up or while serving closes the server and the session
// it opened, and serveCommand returns (the CLI then exits 0).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSession } from '../../compute/session.ts';
import { serveCommand } from '../../server/serve.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainql-serve-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Whether anything answers HTTP at `url`. */
async function answers(url: string): Promise<boolean> {
  return fetch(url, { method: 'POST', body: '{}' }).then(
    () => true,
    () => false,
  );
}

describe('serveCommand with a stop signal', () => {
  it('stopped while starting: closes at once after start-up, prints no URL, leaves nothing open', async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const serving = serveCommand({
      dataDir: dir,
      port: 0,
      stopSignal: stop.signal,
      log: (l) => lines.push(l),
    });
    stop.abort('SIGTERM');
    const running = await serving;
    expect(lines).toEqual([]);
    expect(running.server.listening).toBe(false);
    expect(await answers(running.url)).toBe(false);
    // The session was closed (SQLite released): the directory opens again.
    const session = await openSession({ dataDir: dir });
    try {
      expect(await session.registry.listDatasets()).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('stopped while serving: answers until then, then returns with the port closed', async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    let returned = false;
    const serving = serveCommand({
      dataDir: dir,
      port: 0,
      stopSignal: stop.signal,
      log: (l) => lines.push(l),
    });
    void serving.then(() => {
      returned = true;
    });
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 20));
    const url = /(http:\/\/\S+\/graphql)/.exec(lines[0] ?? '')?.[1] ?? '';
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ datasets { name } }' }),
    });
    expect(await answer.json()).toEqual({ data: { datasets: [] } });
    expect(returned).toBe(false);
    stop.abort('SIGTERM');
    const running = await serving;
    expect(running.url).toBe(url);
    expect(await answers(url)).toBe(false);
  });
});
