import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readDatabase } from '../../../compute/database/index.ts';
import { DeltaError } from '../../../compute/delta/delta-errors.ts';
import { readDataset } from '../../../compute/index.ts';
import { tempDir, tempSession } from '../../helpers/temp-session.ts';

let session: Awaited<ReturnType<typeof tempSession>>;
let dir: ReturnType<typeof tempDir>;
let dbPath: string;
beforeAll(async () => {
  session = await tempSession();
  dir = tempDir('chainql-delta-db-');
  dbPath = join(dir.dir, 'app.db');
  const db = new Database(dbPath);
  db.exec('CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO articles (id, title, body) VALUES (?, ?, ?)');
  for (let i = 1; i <= 200; i++) insert.run(i, `title ${i}`, `body of article ${i}`);
  db.close();
});
afterAll(async () => {
  await session.cleanup();
  dir.remove();
});

describe('readDatabase(sql, conn, { delta: true, deltaOn })', () => {
  it('summarises only inserted and updated rows, and drops deleted ones', async () => {
    let calls = 0;
    const chain = () =>
      readDatabase<{ id: number; title: string; body: string }>(
        'SELECT id, title, body FROM articles',
        dbPath,
        {
          session,
          delta: true,
          deltaOn: 'id',
        },
      )
        .settings({ onDelta: () => {} })
        .map({ words: z.int() }, (row) => {
          calls++;
          return { words: row.body.split(' ').length };
        });
    await chain().save('article_words');
    expect(calls).toBe(200);

    const db = new Database(dbPath);
    db.prepare('UPDATE articles SET body = ? WHERE id IN (3, 4)').run('a much longer body than before');
    db.prepare('DELETE FROM articles WHERE id = 10').run();
    db.prepare('INSERT INTO articles (id, title, body) VALUES (201, ?, ?)').run('new', 'fresh text');
    db.close();
    calls = 0;
    const v2 = await chain().save('article_words');
    expect(calls).toBe(3);
    expect(v2.rows).toBe(200);
    const rows = await readDataset<{ id: number; words: number }>('article_words', { session }).collect();
    expect(rows.find((r) => r.id === 3)?.words).toBe(6);
    expect(rows.some((r) => r.id === 10)).toBe(false);
    expect(rows.find((r) => r.id === 201)?.words).toBe(2);
  });

  it('needs deltaOn', async () => {
    await expect(
      readDatabase('SELECT id FROM articles', dbPath, { session, delta: true }).save('article_ids'),
    ).rejects.toBeInstanceOf(DeltaError);
  });
});
