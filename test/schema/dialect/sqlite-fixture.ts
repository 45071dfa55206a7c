/** A small in-memory SQLite table with flattened columns, the chainql functions registered and case-sensitive LIKE. */
import Database from 'better-sqlite3';
import { sqliteFunctions } from '../../../schema/dialect/sqlite/sqlite-functions.ts';
import type { Column } from '../../../schema/record/column.ts';

/** Leaf columns of the fixture, built by hand (paths → flattened names). */
export const FIXTURE_COLUMNS: readonly Column[] = [
  { path: 'id', name: 'id', type: { kind: 'int' }, nullable: false },
  { path: 'name', name: 'name', type: { kind: 'string' }, nullable: true },
  { path: 'det.confidence', name: 'det__confidence', type: { kind: 'float' }, nullable: true },
  { path: 'det.label', name: 'det__label', type: { kind: 'enum', values: ['cat', 'dog'] }, nullable: true },
  { path: 'tags', name: 'tags', type: { kind: 'array', items: { kind: 'string' } }, nullable: false },
  { path: 'emb', name: 'emb', type: { kind: 'vector', dimensions: 2 }, nullable: false },
  { path: 'path', name: 'path', type: { kind: 'string' }, nullable: false },
  { path: 'created', name: 'created', type: { kind: 'datetime' }, nullable: true },
  { path: 'n', name: 'n', type: { kind: 'int' }, nullable: true },
  { path: 'flag', name: 'flag', type: { kind: 'boolean' }, nullable: true },
  { path: 'big', name: 'big', type: { kind: 'bigint' }, nullable: true },
  { path: 'meta', name: 'meta', type: { kind: 'record', values: { kind: 'string' } }, nullable: true },
];

/** Fixture timestamps (epoch ms). */
export const T0 = 1_700_000_000_000;

/** Rows of table `t` (also available as tables `l`/`r` style copies in query tests). */
const ROWS: readonly (readonly unknown[])[] = [
  [1, 'Alice', 0.95, 'cat', '["a","b"]', '[1,0]', 'img/a/cat.jpg', T0, 10, 1, 5, '{"k":"v"}'],
  [2, 'bob', 0.5, 'dog', '["b"]', '[0,1]', 'img/b/dog.tar.gz', T0 + 100_000, null, 0, 7, null],
  [3, 'Carol%', null, 'cat', '[]', '[1,1]', 'readme', T0 + 200_000, 3, 1, null, null],
  [4, null, 0.7, null, '["c"]', '[0.5,0.5]', '.bashrc', null, -4, null, 9, null],
];

/** Opens an in-memory database holding the fixture table `t` (12 columns, 4 rows). */
export function openFixture(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('case_sensitive_like = ON');
  for (const f of sqliteFunctions) db.function(f.name, { deterministic: f.deterministic }, f.fn);
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, det__confidence REAL, det__label TEXT, tags TEXT NOT NULL,
    emb TEXT NOT NULL, path TEXT NOT NULL, created INTEGER, n INTEGER, flag INTEGER, big INTEGER, meta TEXT)`);
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const row of ROWS) insert.run(...row);
  return db;
}
