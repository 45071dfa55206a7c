import type { FieldInfo } from './introspection.ts';

/** `{ a: { b: inner } }` for the path `a.b`. */
function nest(path: string, inner: string): string {
  return path.split('.').reduceRight((acc, part) => `{ ${part}: ${acc} }`, inner);
}

/** A selection set for dot paths: `name det { label confidence }`. */
export function selectionOf(paths: readonly string[]): string {
  const tree = new Map<string, string[]>();
  const order: string[] = [];
  for (const path of paths) {
    const [head, ...rest] = path.split('.');
    if (head === undefined) continue;
    if (!tree.has(head)) {
      tree.set(head, []);
      order.push(head);
    }
    if (rest.length) tree.get(head)?.push(rest.join('.'));
  }
  return order
    .map((head) => {
      const inner = tree.get(head) ?? [];
      return inner.length ? `${head} { ${selectionOf(inner)} }` : head;
    })
    .join(' ');
}

const NUMERIC = /^(Float|Int|bigint|BigInt)!?$/;

/**
 * A runnable example for a dataset's root field: rows filtered on a (preferably nested) numeric field and
 * sorted by it, plus the aggregate count. Uses at most 12 leaf fields so the answer stays short.
 */
export function exampleQuery(gqlName: string, fields: readonly FieldInfo[]): string {
  const scalars = fields.filter((f) => !f.type.startsWith('['));
  const numeric =
    scalars.find((f) => NUMERIC.test(f.type) && f.path.includes('.')) ??
    scalars.find((f) => NUMERIC.test(f.type) && f.path !== '_id');
  const selection = selectionOf(fields.slice(0, 12).map((f) => f.path));
  const args = numeric
    ? `where: ${nest(numeric.path, '{ _gt: 0 }')}, order_by: [${nest(numeric.path, 'desc')}], limit: 5`
    : 'limit: 5';
  return `{\n  ${gqlName}(${args}) { ${selection} }\n  ${gqlName}_aggregate { aggregate { count } }\n}`;
}
