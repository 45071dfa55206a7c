import { z } from 'zod';
import { OutputValidationError } from './udf-errors.ts';
import type { OutputShape, UdfKind } from './udf-step.ts';

/** One validated output, tied to the input row it came from. */
export interface UdfOutput {
  /** sys__id of the input row (agg: the group's first row). */
  readonly inputId: number;
  /** Position among the outputs of that input (0 for map/batchMap; 0..N-1 for gen/agg). */
  readonly index: number;
  /** The parsed output (zod defaults/transforms applied, unknown keys stripped). */
  readonly output: Record<string, unknown>;
}

/** Outputs of one unit split into valid ones and per-row validation failures. */
export interface ValidatedUnit {
  readonly outputs: UdfOutput[];
  readonly invalid: Array<{ inputId: number; error: OutputValidationError }>;
}

/**
 * Validates raw UDF outputs against the step's output shape (zod object, unknown keys stripped).
 * map/gen/agg: any invalid output invalidates the whole unit (its first row id is named).
 * batchMap: the array must have one output per row; an invalid output fails only its own row.
 */
export class OutputValidator {
  private readonly schema: z.ZodObject<OutputShape>;

  constructor(
    shape: OutputShape,
    private readonly kind: UdfKind,
  ) {
    this.schema = z.object(shape);
  }

  /** Validates the outputs of the unit whose input ids are `ids`. */
  validate(ids: readonly number[], raw: readonly unknown[]): ValidatedUnit {
    const outputs: UdfOutput[] = [];
    if (this.kind === 'batchMap') {
      if (raw.length !== ids.length) {
        const error = new OutputValidationError(ids[0]!, [
          { path: '', message: `expected ${ids.length} outputs (one per row, in order), got ${raw.length}` },
        ]);
        return { outputs, invalid: ids.map((inputId) => ({ inputId, error })) };
      }
      const invalid: ValidatedUnit['invalid'] = [];
      for (let i = 0; i < ids.length; i++) {
        const parsed = this.schema.safeParse(raw[i]);
        if (parsed.success) outputs.push({ inputId: ids[i]!, index: 0, output: parsed.data });
        else invalid.push({ inputId: ids[i]!, error: this.toError(ids[i]!, parsed.error) });
      }
      return { outputs, invalid };
    }
    const anchor = ids[0]!;
    for (let i = 0; i < raw.length; i++) {
      const parsed = this.schema.safeParse(raw[i]);
      if (!parsed.success) {
        const error = this.toError(anchor, parsed.error, this.kind === 'map' ? undefined : `output #${i}`);
        return { outputs: [], invalid: [{ inputId: anchor, error }] };
      }
      outputs.push({ inputId: anchor, index: i, output: parsed.data });
    }
    return { outputs, invalid: [] };
  }

  private toError(rowId: number, error: z.ZodError, detail?: string): OutputValidationError {
    const issues = error.issues.map((issue) => ({
      path: issue.path.map((p) => String(p)).join('.'),
      message: issue.message,
    }));
    return new OutputValidationError(rowId, issues, detail);
  }
}
