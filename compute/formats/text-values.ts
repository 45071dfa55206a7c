/**
 * Parsing of scalar values written as text (CSV cells, JSON strings holding dates). Shared by
 * schema inference (what could this text be?) and coercion (turn it into the declared type).
 */

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '+Infinity': Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};
/** `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fff…]]` and `Z` or `±HH:MM`. */
const ISO_DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The scalar kinds text can be read as, narrowest first. */
export type TextKind = 'int' | 'bigint' | 'float' | 'boolean' | 'datetime' | 'string';

/** True for `true`/`false` in any letter case. */
export function isBooleanText(text: string): boolean {
  const lower = text.toLowerCase();
  return lower === 'true' || lower === 'false';
}

/**
 * Parses boolean text: `true`/`false` (any case), `1`/`0`. Returns `undefined` for anything else.
 */
export function parseBooleanText(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return undefined;
}

/** Parses an integer written in decimal digits; `undefined` if not integral or not a safe integer. */
export function parseIntText(text: string): number | undefined {
  const trimmed = text.trim();
  if (!INT_RE.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Parses an integer of any size; `undefined` if the text is not an integer. */
export function parseBigIntText(text: string): bigint | undefined {
  const trimmed = text.trim();
  return INT_RE.test(trimmed) ? BigInt(trimmed) : undefined;
}

/** Parses a decimal / scientific number, or `NaN` / `Infinity` / `-Infinity`; `undefined` otherwise. */
export function parseFloatText(text: string): number | undefined {
  const trimmed = text.trim();
  const special = SPECIAL_FLOATS[trimmed];
  if (special !== undefined) return special;
  return FLOAT_RE.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * Parses an ISO-8601 date or date-time. A date without time is midnight UTC; a date-time without a
 * zone is read as UTC (never the machine's local zone, so results do not depend on where they run).
 * Returns `undefined` when the text is not ISO-8601 or names an impossible date (2024-02-30).
 */
export function parseIsoDate(text: string): Date | undefined {
  const m = ISO_DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const ms = frac === '' ? '' : `.${frac.padEnd(3, '0').slice(0, 3)}`;
  const normalisedZone = zone === 'Z' || zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${normalisedZone}`);
  if (Number.isNaN(date.getTime())) return undefined;
  // Date rolls 2024-02-30 over to March: reject dates that do not exist (only checkable in UTC).
  if (zone === 'Z' && (date.getUTCMonth() + 1 !== Number(mo) || date.getUTCDate() !== Number(d)))
    return undefined;
  return date;
}

/**
 * The narrowest kind a non-empty text can be read as. `dates` enables ISO-8601 detection.
 * Integers outside the safe range are `bigint`.
 */
export function classifyText(text: string, dates: boolean): TextKind {
  const trimmed = text.trim();
  if (INT_RE.test(trimmed)) return Number.isSafeInteger(Number(trimmed)) ? 'int' : 'bigint';
  if (parseFloatText(trimmed) !== undefined) return 'float';
  if (isBooleanText(trimmed)) return 'boolean';
  if (dates && parseIsoDate(trimmed) !== undefined) return 'datetime';
  return 'string';
}
