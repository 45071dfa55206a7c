import type { FieldType } from '../../schema/record/field-type.ts';

/**
 * `JSON.stringify` replacer that writes `bigint` as a decimal string (JSON numbers cannot hold
 * 64-bit integers exactly once parsed by JavaScript). Dates already serialise as ISO strings.
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * A typed chainql value → its JSON form: Dates as ISO-8601 strings (UTC, milliseconds), bigints as
 * decimal strings, nested objects with every schema field (absent → `null`), arrays item by item.
 */
export function toJsonValue(value: unknown, type: FieldType): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  switch (type.kind) {
    case 'object': {
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, spec] of Object.entries(type.fields)) out[key] = toJsonValue(source[key], spec.type);
      return out;
    }
    case 'array':
      return Array.isArray(value) ? value.map((item) => toJsonValue(item, type.items)) : value;
    case 'record': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>))
        out[key] = toJsonValue(item, type.values);
      return out;
    }
    default:
      return value;
  }
}
