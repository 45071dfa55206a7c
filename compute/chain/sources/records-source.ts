import type { z } from 'zod';
import { SchemaError } from '../../../schema/errors.ts';
import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import type { Session } from '../../session.ts';
import { EncodedDigest } from '../encoded-digest.ts';
import type { Relation } from '../relation.ts';
import { stableJson } from '../stable-json.ts';
import { createRowPipeline, temporaryTableName, writeRows } from '../table-writer.ts';
import type { ChainSource } from './chain-source.ts';
import { scanTable } from './scan.ts';
import { compileFastCheck } from './zod-fast-check.ts';

/**
 * In-memory rows as a source. With a zod object every row is validated (and coerced) by it;
 * a row that does not fit fails with its index and the zod issue path.
 *
 * The identity is a sha256 over the schema and the rows as they are stored (validated, coerced and
 * encoded), computed during the same pass that writes them (`open`), so saving pays for one traversal.
 * Equal stored content gives an equal identity. The rows are read when the chain runs: do not mutate
 * them in place between runs of one chain (a fresh `readRecords` call reads them anew).
 */
export class RecordsSource implements ChainSource {
  readonly label: string;
  /** `true`: `identity` right after `open` costs nothing (save opens first, then hashes). */
  readonly identifiedByOpen = true;
  #identity: string | undefined;

  constructor(
    private readonly rows: readonly Record<string, unknown>[],
    private readonly schema: DatasetSchema,
    private readonly validator?: z.ZodType,
  ) {
    this.label = `records (${rows.length} rows)`;
  }

  /** The content hash of the last `open`; without one, a validate-and-encode pass that writes nothing. */
  async describe(): Promise<DatasetSchema> {
    return this.schema;
  }

  async identity(session: Session): Promise<string> {
    if (this.#identity !== undefined) return this.#identity;
    const digest = this.#digest();
    const row = createRowPipeline(this.schema, session.warehouse.dialect, {
      validate: this.#validate(),
      digest,
    });
    for (let i = 0; i < this.rows.length; i++) row(this.rows[i]!, i);
    this.#identity = `records:${digest.digest()}`;
    return this.#identity;
  }

  async open(session: Session, track: (table: string) => void): Promise<Relation> {
    const table = temporaryTableName();
    track(table);
    const digest = this.#digest();
    this.#identity = undefined;
    await writeRows(session.warehouse, table, this.schema, this.rows, { validate: this.#validate(), digest });
    this.#identity = `records:${digest.digest()}`;
    return {
      query: scanTable(table, this.schema),
      schema: this.schema,
      order: undefined,
      lineage: [],
      ownedTable: table,
    };
  }

  #digest(): EncodedDigest {
    return new EncodedDigest(stableJson(this.schema));
  }

  #validate(): ((row: unknown, index: number) => Record<string, unknown>) | undefined {
    const validator = this.validator;
    if (!validator) return undefined;
    // Rows that already have the declared shape are passed on as they are; zod decides the rest.
    const fast = compileFastCheck(validator);
    return (row, index) => {
      if (fast?.(row)) return row as Record<string, unknown>;
      const parsed = validator.safeParse(row);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = issue?.path.join('.') ?? '';
        throw new SchemaError(`Row ${index}: field '${path}': ${issue?.message ?? 'invalid value'}`, path, {
          cause: parsed.error,
        });
      }
      return parsed.data as Record<string, unknown>;
    };
  }
}
