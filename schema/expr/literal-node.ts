/**
 * Literal values. Compilers always bind them as parameters (never spliced into SQL text),
 * except `null`, which compiles to the SQL keyword `NULL`.
 */

/** Values a literal may hold. `number[]` doubles as a vector (embedding) literal. */
export type LiteralValue =
  | string
  | number
  | boolean
  | bigint
  | Date
  | null
  | readonly number[]
  | readonly string[]
  | readonly boolean[];

/** A constant value. */
export interface LiteralNode {
  readonly kind: 'literal';
  readonly value: LiteralValue;
}

/** Creates a frozen literal node; array values are copied and frozen so the node stays immutable. */
export function literalNode(value: LiteralValue): LiteralNode {
  const frozen: LiteralValue = Array.isArray(value)
    ? (Object.freeze([...value]) as LiteralValue)
    : value instanceof Date
      ? new Date(value.getTime())
      : value;
  return Object.freeze({ kind: 'literal', value: frozen });
}

/** True for values `literalNode` accepts (used to tell raw values from nodes and builders). */
export function isLiteralValue(value: unknown): value is LiteralValue {
  if (value === null || value instanceof Date) return true;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return true;
    default:
      return (
        Array.isArray(value) &&
        value.every((v) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
      );
  }
}
