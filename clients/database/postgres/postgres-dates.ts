/**
 * Parsers for PostgreSQL's date/time text (DateStyle ISO, the server default) that read the common shape
 * digit by digit instead of through regular expressions: a read of a million timestamps spends most of
 * its per-value time in pg's regex parser otherwise. Anything else (BC dates, years before 100 or after
 * 9999, `infinity`, another DateStyle) goes to the general parser given, so results never differ.
 */

/** A text → value parser as pg calls it. */
export type DateTextParser = (text: string) => unknown;

const DASH = 45;
const SPACE = 32;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const ZERO = 48;

/** The two-digit number at `at`, or -1 when either character is not a digit. */
function two(text: string, at: number): number {
  const a = text.charCodeAt(at) - ZERO;
  const b = text.charCodeAt(at + 1) - ZERO;
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b;
}

/** `YYYY-MM-DD` at the start of `text` as ms since the epoch (UTC midnight), or NaN when it is not one. */
function dayMs(text: string): number {
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return Number.NaN;
  const hi = two(text, 0);
  const lo = two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  if (hi < 0 || lo < 0 || month < 1 || day < 1) return Number.NaN;
  const year = hi * 100 + lo;
  // Date.UTC maps years 0–99 to 1900–1999: leave those to the general parser.
  if (year < 100) return Number.NaN;
  return Date.UTC(year, month - 1, day);
}

/**
 * `YYYY-MM-DD HH:MM:SS[.f…]` followed by an optional zone (`+HH`, `-HH:MM`, `+HH:MM:SS`) as ms since the
 * epoch (fraction truncated to ms, like pg's parser), or NaN when `text` has another shape.
 * @param zoned whether a zone must follow (timestamptz) or nothing may (timestamp, read as UTC).
 */
function timestampMs(text: string, zoned: boolean): number {
  const n = text.length;
  if (
    n < 19 ||
    text.charCodeAt(10) !== SPACE ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  )
    return Number.NaN;
  const day = dayMs(text);
  const hour = two(text, 11);
  const minute = two(text, 14);
  const second = two(text, 17);
  if (Number.isNaN(day) || hour < 0 || minute < 0 || second < 0) return Number.NaN;
  let at = 19;
  let ms = 0;
  if (text.charCodeAt(at) === DOT) {
    at++;
    const start = at;
    for (; at < n; at++) {
      const digit = text.charCodeAt(at) - ZERO;
      if (digit >>> 0 > 9) break;
      if (at - start < 3) ms = ms * 10 + digit;
    }
    if (at === start) return Number.NaN;
    for (let k = Math.min(at - start, 3); k < 3; k++) ms *= 10;
  }
  let offset = 0;
  if (zoned) {
    const sign = text.charCodeAt(at);
    if (sign !== PLUS && sign !== DASH) return Number.NaN;
    const hours = two(text, at + 1);
    if (hours < 0) return Number.NaN;
    at += 3;
    let seconds = hours * 3600;
    for (let unit = 60; unit >= 1 && text.charCodeAt(at) === COLON; unit /= 60) {
      const part = two(text, at + 1);
      if (part < 0) return Number.NaN;
      seconds += part * unit;
      at += 3;
    }
    offset = (sign === PLUS ? seconds : -seconds) * 1000;
  }
  if (at !== n) return Number.NaN;
  return day + ((hour * 60 + minute) * 60 + second) * 1000 + ms - offset;
}

/** `timestamptz` text → Date; other shapes through `general` (pg's parser). */
export function timestamptzParser(general: DateTextParser): DateTextParser {
  return (text) => {
    const ms = timestampMs(text, true);
    return Number.isNaN(ms) ? general(text) : new Date(ms);
  };
}

/** `timestamp` (without time zone) text → Date, read as UTC; other shapes through `general`. */
export function timestampParser(general: DateTextParser): DateTextParser {
  return (text) => {
    const ms = timestampMs(text, false);
    return Number.isNaN(ms) ? general(text) : new Date(ms);
  };
}

/** `date` text → that day at UTC midnight; other shapes through `general`. */
export function dateParser(general: DateTextParser): DateTextParser {
  return (text) => {
    const ms = text.length === 10 ? dayMs(text) : Number.NaN;
    return Number.isNaN(ms) ? general(text) : new Date(ms);
  };
}
