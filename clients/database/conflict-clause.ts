import type { WriteRequest } from './database-driver.ts';
import { quoteName } from './identifiers.ts';

/**
 * The `ON CONFLICT …` clause of a `toDatabase` insert (empty for `onConflict: 'error'`). PostgreSQL and SQLite
 * share the syntax (`DO NOTHING`, `DO UPDATE SET x = excluded.x`), so both drivers use this one.
 */
export function conflictClause(request: WriteRequest): string {
  const target =
    request.conflictColumns.length > 0 ? ` (${request.conflictColumns.map(quoteName).join(', ')})` : '';
  switch (request.onConflict) {
    case 'error':
      return '';
    case 'ignore':
      return ` ON CONFLICT${target} DO NOTHING`;
    case 'update': {
      const keys = new Set(request.conflictColumns);
      const updated = request.columns.filter((column) => !keys.has(column.name));
      if (updated.length === 0) return ` ON CONFLICT${target} DO NOTHING`;
      return ` ON CONFLICT${target} DO UPDATE SET ${updated
        .map((column) => `${quoteName(column.name)} = excluded.${quoteName(column.name)}`)
        .join(', ')}`;
    }
  }
}
