/**
 * GraphQL naming for datasets and fields.
 *
 * Dataset names and field names are free-form strings in the registry; GraphQL names must match
 * `/^[_A-Za-z][_0-9A-Za-z]*$/` and must not start with `__` (reserved for introspection).
 * The mapping is deterministic and collision-free:
 *
 * 1. **Sanitise.** A name that is already a valid GraphQL name and does not start with `__` is kept as is.
 *    Otherwise every run of characters outside `[_0-9A-Za-z]` becomes one `_`; a leading digit gets a `_`
 *    prefix; a leading `__` becomes `x__`; an empty result becomes `_`. (`my-photos` → `my_photos`,
 *    `2024 runs` → `_2024_runs`, `__meta` → `x__meta`.)
 * 2. **Reserve.** Within one namespace (the root/type namespace for datasets, one object for fields) names are
 *    allocated in this order: names that were already valid first, then shorter names, then by code-unit order.
 *    A dataset claims all the names it generates (`<b>`, `<b>_aggregate`, `<b>_groups`, `<b>_by_id`, `<b>_by_pk`, `<b>_diff`,
 *    `<b>_nearest`, `<b>_bool_exp`, `<b>_order_by`, nested types `<b>_<field>…`, …) at once; if any is taken
 *    (by a built-in name such as `datasets`, `Query`, `DateTime`, or an earlier dataset) the candidate becomes
 *    `<b>_2`, `<b>_3`, … until all its names are free.
 * 3. **Reverse.** The server keeps the mapping (GraphQL name → original name) per schema revision, so
 *    filters, sorting and grouping always address the original dataset path.
 *
 * Consequence: adding a dataset can never rename a dataset whose name is a valid GraphQL name; only datasets
 * with sanitised names that collide are suffixed, in the documented order.
 */

const VALID_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** True when `name` can be used verbatim as a GraphQL name (valid and not `__`-prefixed). */
export function isValidGraphqlName(name: string): boolean {
  return VALID_NAME.test(name) && !name.startsWith('__');
}

/** Step 1 of the mapping: turns any string into a valid GraphQL name (may collide; see `allocateNames`). */
export function sanitizeName(name: string): string {
  if (isValidGraphqlName(name)) return name;
  let out = name.replace(/[^_0-9A-Za-z]+/g, '_');
  if (out === '') out = '_';
  if (/^[0-9]/.test(out)) out = `_${out}`;
  if (out.startsWith('__')) out = `x${out}`;
  return out;
}

/** Order in which names claim their sanitised form: valid names, then shorter, then code-unit order. */
export function allocationOrder(a: string, b: string): number {
  const va = isValidGraphqlName(a) ? 0 : 1;
  const vb = isValidGraphqlName(b) ? 0 : 1;
  if (va !== vb) return va - vb;
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Allocates collision-free GraphQL names for `names` (steps 1–2 of the mapping).
 *
 * @param names original names (duplicates are ignored).
 * @param derived the names a candidate base claims; default `[base]`. Every derived name must be free.
 * @param taken names already in use (built-ins); the set is extended with every claimed name.
 * @returns original name → base GraphQL name.
 */
export function allocateNames(
  names: Iterable<string>,
  derived: (base: string, original: string) => readonly string[] = (base) => [base],
  taken: Set<string> = new Set(),
): Map<string, string> {
  const result = new Map<string, string>();
  const ordered = [...new Set(names)].sort(allocationOrder);
  for (const original of ordered) {
    const base = sanitizeName(original);
    let candidate = base;
    for (let n = 2; derived(candidate, original).some((d) => taken.has(d)); n++) candidate = `${base}_${n}`;
    for (const d of derived(candidate, original)) taken.add(d);
    result.set(original, candidate);
  }
  return result;
}
