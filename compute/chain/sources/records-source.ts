import { createHash } from 'node:crypto';
import { serialize } from 'node:v8';
import type { z } from 'zod';
import { SchemaError } from '../../../schema/errors.ts';
import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import type { Session } from '../../session.ts';
import type { Relation } from '../relation.ts';
import { temporaryTableName, writeRows } from '../table-writer.ts';
import type { ChainSource } from './chain-source.ts';
import { scanTable } from './scan.ts';
import { stableJson } from '../stable-json.ts';

/**
 * In-memory rows as a source. With a zod object every row is validated (and coerced) by it;
 * a row that does not fit fails with its index and the zod issue path.
 */
export class RecordsSource implements ChainSource {
  readonly label: string;

  constructor(
    private readonly rows: readonly Record<string, unknown>[],
    private readonly schema: DatasetSchema,
    private readonly validator?: z.ZodType,
  ) {
    this.label = `records (${rows.length} rows)`;
  }

  async identity(): Promise<string> {
    // v8 serialisation is deterministic for equal values built the same way and handles Date/bigint;
    // it is ~10x faster than JSON for large in-memory inputs.
    const hash = createHash('sha256').update(stableJson(this.schema));
    for (let i = 0; i < this.rows.length; i += 10_000) hash.update(serialize(this.rows.slice(i, i + 10_000)));
    return `records:${hash.digest('hex')}`;
  }

  async open(session: Session, track: (table: string) => void): Promise<Relation> {
    const table = temporaryTableName();
    track(table);
    const validator = this.validator;
    const validate = validator
      ? (row: unknown, index: number): Record<string, unknown> => {
          const parsed = validator.safeParse(row);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            const path = issue?.path.join('.') ?? '';
            throw new SchemaError(`Row ${index}: field '${path}': ${issue?.message ?? 'invalid value'}`, path, {
              cause: parsed.error,
            });
          }
          return parsed.data as Record<string, unknown>;
        }
      : undefined;
    await writeRows(session.warehouse, table, this.schema, this.rows, validate);
    return { query: scanTable(table, this.schema), schema: this.schema, order: undefined, lineage: [], ownedTable: table };
  }
}
