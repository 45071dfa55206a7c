import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { globToRegex } from '../../../schema/dialect/clickhouse/clickhouse-glob.ts';

const samples = [
  'img/a/cat.jpg',
  'cat.JPG',
  'a.b',
  'axb',
  'a+b',
  '[x]',
  'file1.txt',
  'fileA.txt',
  'file!.txt',
  '',
  'a\\b',
];

describe('globToRegex', () => {
  it.each([
    ['*.jpg', '^.*\\.jpg$'],
    ['file?.txt', '^file.\\.txt$'],
    ['file[0-9].txt', '^file[0-9]\\.txt$'],
    ['file[^0-9].txt', '^file[^0-9]\\.txt$'],
    ['a+b(c)', '^a\\+b\\(c\\)$'],
    ['open[', '^open\\[$'],
  ])('%s → %s', (glob, regex) => {
    expect(globToRegex(glob)).toBe(regex);
  });

  // The translation must agree with SQLite's own GLOB, so both dialects select the same rows.
  it.each(['*.jpg', 'a?b', 'file[0-9].txt', 'file[^0-9].txt', '*', '', 'a+b', '[[]x]', 'a\\b', '*.JPG'])(
    'agrees with SQLite GLOB for %s',
    (glob) => {
      const db = new Database(':memory:');
      const stmt = db.prepare('SELECT ? GLOB ?').pluck();
      const re = new RegExp(globToRegex(glob), 's');
      for (const s of samples) expect([s, re.test(s)]).toEqual([s, stmt.get(s, glob) === 1]);
      db.close();
    },
  );
});
