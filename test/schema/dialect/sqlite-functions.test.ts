import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteFunctions, sqliteFunctions } from '../../../schema/dialect/sqlite/sqlite-functions.ts';

describe('SQLite user functions', () => {
  let db: Database.Database;
  beforeAll(() => {
    db = new Database(':memory:');
    for (const f of sqliteFunctions) db.function(f.name, { deterministic: f.deterministic }, f.fn);
  });
  afterAll(() => db.close());
  const one = (sql: string, ...params: unknown[]): unknown =>
    db
      .prepare(`SELECT ${sql}`)
      .pluck()
      .get(...params);

  it('all carry the chainql_ prefix and are deterministic', () => {
    expect(sqliteFunctions.map((f) => f.name).every((n) => n.startsWith('chainql_'))).toBe(true);
    expect(createSqliteFunctions()).not.toBe(sqliteFunctions);
  });

  it.each([
    ['a/b/c.jpg', 'c.jpg', 'a/b', '.jpg', 'c'],
    ['s3/bucket/archive.tar.gz', 'archive.tar.gz', 's3/bucket', '.gz', 'archive.tar'],
    ['readme', 'readme', '', '', 'readme'],
    ['/abs/file.txt', 'file.txt', '/abs', '.txt', 'file'],
    ['dir/.hidden', '.hidden', 'dir', '', '.hidden'],
    ['dir/sub/', '', 'dir/sub', '', ''],
  ])('path functions on %s', (path, name, parent, suffix, stem) => {
    expect(one('chainql_path_name(?)', path)).toBe(name);
    expect(one('chainql_path_parent(?)', path)).toBe(parent);
    expect(one('chainql_path_suffix(?)', path)).toBe(suffix);
    expect(one('chainql_path_stem(?)', path)).toBe(stem);
  });

  it('NULL in gives NULL out', () => {
    expect(one('chainql_path_name(NULL)')).toBeNull();
    expect(one('chainql_path_stem(NULL)')).toBeNull();
    expect(one('chainql_regexp(NULL, ?)', 'x')).toBeNull();
    expect(one('chainql_split(NULL, ?)', ',')).toBeNull();
    expect(one('chainql_cosine_distance(NULL, ?)', '[1]')).toBeNull();
    expect(one('chainql_euclidean_distance(?, NULL)', '[1]')).toBeNull();
  });

  it('regexp searches (unanchored) and reports invalid patterns', () => {
    expect(one('chainql_regexp(?, ?)', 'hello world', 'o w')).toBe(1);
    expect(one('chainql_regexp(?, ?)', 'hello', '^ell')).toBe(0);
    expect(() => one('chainql_regexp(?, ?)', 'x', '(')).toThrow(/Invalid regular expression/);
  });

  it('split returns a JSON array', () => {
    expect(one('chainql_split(?, ?)', 'a,b,,c', ',')).toBe('["a","b","","c"]');
  });

  it('vector distances over JSON text vectors', () => {
    expect(one('chainql_cosine_distance(?, ?)', '[1,0]', '[0,1]')).toBeCloseTo(1);
    expect(one('chainql_cosine_distance(?, ?)', '[1,2,3]', '[2,4,6]')).toBeCloseTo(0);
    expect(one('chainql_euclidean_distance(?, ?)', '[0,0]', '[3,4]')).toBe(5);
    expect(() => one('chainql_euclidean_distance(?, ?)', '[1]', '[1,2]')).toThrow(
      /different lengths \(1 and 2\)/,
    );
    expect(() => one('chainql_cosine_distance(?, ?)', '"x"', '[1]')).toThrow(
      /expected a JSON array of numbers/,
    );
  });
});
