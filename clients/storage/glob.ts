import picomatch from 'picomatch';
import type { ListOptions, StorageDriver, StorageEntry } from './storage-driver.ts';

/**
 * Glob patterns over object keys (picomatch semantics): `*` and `?` stay inside one `/` segment,
 * `**` crosses segments, `{a,b}` alternatives, `[abc]` / `[!a-z]` character classes. Dot-files
 * match like any other key (object stores have no hidden files).
 */

const SPECIAL = /[*?[\]{}()!+@\\]/;

/** True when `text` contains glob syntax. */
export function hasGlob(text: string): boolean {
  return SPECIAL.test(text);
}

/** The literal part before the first glob character: `images/cat*.jpg` → `images/cat`. */
export function globLiteralHead(pattern: string): string {
  const m = SPECIAL.exec(pattern);
  return m === null ? pattern : pattern.slice(0, m.index);
}

/**
 * Expands `{a,b}` groups (nested too) into the list of patterns, up to `limit` results; beyond
 * that (or on unbalanced braces) returns `[pattern]` unchanged.
 */
export function expandBraces(pattern: string, limit = 64): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  let close = -1;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      close = i;
      break;
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (close < 0 || commas.length === 0) return [pattern];
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = [open, ...commas, close];
  const out: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const alt = pattern.slice((bounds[i] as number) + 1, bounds[i + 1]);
    for (const e of expandBraces(head + alt + tail, limit)) {
      out.push(e);
      if (out.length > limit) return [pattern];
    }
  }
  return out;
}

/** A compiled glob: the prefixes to list and the key matcher. */
export interface GlobPlan {
  readonly pattern: string;
  /**
   * Disjoint listing prefixes derived from the literal heads of the brace expansions: only these
   * prefixes are listed. `a/{x,y}/*.jpg` → `['a/x/', 'a/y/']`.
   */
  readonly prefixes: readonly string[];
  /** True when some expansion needs keys below the next `/` after its head (`**` or a later `/`). */
  readonly recursive: boolean;
  /** Tests a full key. */
  readonly match: (key: string) => boolean;
}

/** Compiles a glob over full keys into a listing plan. */
export function planGlob(pattern: string): GlobPlan {
  const expansions = expandBraces(pattern);
  const heads = [...new Set(expansions.map(globLiteralHead))].sort();
  const prefixes: string[] = [];
  for (const h of heads) if (!prefixes.some((p) => h.startsWith(p))) prefixes.push(h);
  const recursive = expansions.some((e) => {
    const rest = e.slice(globLiteralHead(e).length);
    return rest.includes('/') || rest.includes('**');
  });
  // picomatch only knows `[^…]`; accept the POSIX `[!…]` spelling too.
  const isMatch = picomatch(pattern.replace(/(^|[^\\])\[!/g, '$1[^'), { dot: true });
  return { pattern, prefixes, recursive, match: (key) => isMatch(key) };
}

/**
 * Lists the keys of `driver` matching `pattern` (a glob over full keys), page by page. Only the
 * prefixes from {@link planGlob} are listed; a pattern without `**` or deeper `/` is listed with a
 * delimiter, so sibling "directories" are not walked. Pages may be empty-filtered: pages with no
 * match are skipped.
 */
export async function* listGlob(
  driver: StorageDriver,
  pattern: string,
  options: Omit<ListOptions, 'recursive' | 'startAfter'> = {},
): AsyncIterable<StorageEntry[]> {
  const plan = planGlob(pattern);
  for (const prefix of plan.prefixes) {
    for await (const page of driver.list(prefix, { ...options, recursive: plan.recursive })) {
      const hits = page.filter((e) => e.kind === 'object' && plan.match(e.key));
      if (hits.length > 0) yield hits;
    }
  }
}
