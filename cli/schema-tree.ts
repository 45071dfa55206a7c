import type { DatasetVersion, LineageSource } from '../compute/registry/dataset-version.ts';
import type { FieldSpec, FieldType } from '../schema/record/field-type.ts';

/** `string`, `int?`, `enum(a|b)`, `array<string>`, `vector(4)`: a field's type in one word. */
export function typeLabel(type: FieldType): string {
  switch (type.kind) {
    case 'enum':
      return `enum(${type.values.join('|')})`;
    case 'literal':
      return `literal(${JSON.stringify(type.value)})`;
    case 'vector':
      return type.dimensions === undefined ? 'vector' : `vector(${type.dimensions})`;
    case 'array':
      return `array<${typeLabel(type.items)}${type.itemsNullable ? '?' : ''}>`;
    case 'record':
      return `record<${typeLabel(type.values)}${type.valuesNullable ? '?' : ''}>`;
    case 'object':
      return type.tag ? `object(${type.tag})` : 'object';
    default:
      return type.kind;
  }
}

/**
 * The schema as an indented tree, one field per line: `name: type` (a `?` marks nullable or optional
 * fields), the description after `  # `. Nested objects list their fields one level deeper.
 */
export function schemaTree(fields: Readonly<Record<string, FieldSpec>>, indent = '  '): string[] {
  const lines: string[] = [];
  for (const [name, spec] of Object.entries(fields)) {
    const optional = spec.nullable || spec.optional ? '?' : '';
    const note = spec.description ? `  # ${spec.description}` : '';
    if (spec.type.kind === 'object') {
      lines.push(`${indent}${name}${optional}: ${typeLabel(spec.type)}${note}`);
      lines.push(...schemaTree(spec.type.fields, `${indent}  `));
    } else {
      lines.push(`${indent}${name}: ${typeLabel(spec.type)}${optional}${note}`);
    }
  }
  return lines;
}

/** `detections@1.0.0` or the storage URI. */
export function lineageLabel(source: LineageSource): string {
  return typeof source === 'string' ? source : `${source.dataset}@${source.version}`;
}

/** The text `chainql datasets show` prints for one version of a dataset and its version list. */
export function describeVersion(shown: DatasetVersion, versions: readonly DatasetVersion[]): string {
  const lines = [`${shown.name}@${shown.version}${shown.description ? ` — ${shown.description}` : ''}`];
  lines.push('versions:');
  for (const v of versions) {
    lines.push(
      `  ${v.version.padEnd(10)} ${String(v.rows).padStart(10)} rows  ${v.createdAt.toISOString()}${v.version === shown.version ? '  (shown)' : ''}`,
    );
  }
  lines.push('schema:', ...schemaTree(shown.schema.fields));
  lines.push(`primary key: ${shown.primaryKey?.length ? shown.primaryKey.join(', ') : '(none)'}`);
  lines.push(
    `indexes: ${shown.indexes?.length ? shown.indexes.map((i) => `(${i.join(', ')})`).join(' ') : '(none)'}`,
  );
  lines.push(`lineage: ${shown.lineage.length ? shown.lineage.map(lineageLabel).join(', ') : '(none)'}`);
  if (shown.chainHash) lines.push(`chain hash: ${shown.chainHash}`);
  return `${lines.join('\n')}\n`;
}
