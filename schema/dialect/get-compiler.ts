/** Compiler lookup by dialect name. */
import { ClickhouseCompiler } from './clickhouse/clickhouse-compiler.ts';
import type { DialectName } from './compiled-query.ts';
import type { DialectCompiler } from './dialect-compiler.ts';
import { SqliteCompiler } from './sqlite/sqlite-compiler.ts';

/** The compiler for `dialect`. Compilers are stateless; each call returns a new instance. */
export function getCompiler(dialect: DialectName): DialectCompiler {
  switch (dialect) {
    case 'sqlite':
      return new SqliteCompiler();
    case 'clickhouse':
      return new ClickhouseCompiler();
  }
}
