/** Translates glob patterns (SQLite GLOB semantics) to anchored RE2 regular expressions for ClickHouse `match()`. */

const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}]/;

/**
 * `*` → `.*`, `?` → `.`, `[abc]`/`[a-z]` → character class, `[^abc]` → negated class (SQLite also accepts `[!…]`
 * only as a literal `!`, so only `^` negates), everything else literal; the result matches the whole string.
 */
export function globToRegex(glob: string): string {
  let out = '^';
  let i = 0;
  while (i < glob.length) {
    const ch = glob[i] as string;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const close = glob.indexOf(']', glob[i + 1] === '^' ? i + 3 : i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        const negated = body.startsWith('^');
        if (negated) body = body.slice(1);
        out += `[${negated ? '^' : ''}${body.replace(/[\\[\]]/g, (c) => `\\${c}`)}]`;
        i = close;
      }
    } else out += REGEX_SPECIAL.test(ch) ? `\\${ch}` : ch;
    i++;
  }
  return `${out}$`;
}
