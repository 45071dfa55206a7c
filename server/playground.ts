import { isScalarLeaf } from './graphql/dataset-types.ts';
import type { DatasetModel, ObjectModel, ServedModel } from './model/dataset-model.ts';

/** What the playground needs of a pipeline: its mutation name and an example input. */
export interface PlaygroundPipeline {
  readonly name: string;
  readonly example?: unknown;
}

/**
 * The query GraphiQL opens with: one runnable operation over the datasets present (rows, aggregates,
 * groups) plus commented examples of filters and sorting, so a first visit shows real data.
 */
export function exampleQuery(model: ServedModel, pipelines: readonly PlaygroundPipeline[] = []): string {
  const lines = ['# chainql GraphQL API. Press the run button (or Ctrl-Enter) to query your datasets.'];
  const first = model.datasets.slice(0, 2);
  if (first.length === 0) {
    lines.push('# No datasets saved yet: save one with readRecords(rows, schema).save(name) and reload.');
    lines.push('query Example {', '  datasets { name versions { version rows createdAt } }', '}');
    return lines.join('\n');
  }
  const ds0 = first[0] as DatasetModel;
  lines.push('#', '# More examples:', ...commentedExamples(ds0).map((l) => `#   ${l}`), '');
  lines.push('query Example {', '  datasets { name versions { version rows createdAt } }');
  for (const ds of first) {
    lines.push(`  ${ds.gqlName}(limit: 5) {`, ...selection(ds.root, 2, 4), '  }');
    lines.push(`  ${ds.gqlName}_aggregate { aggregate { count } }`);
  }
  lines.push('}');
  lines.push(...pipelineExamples(pipelines));
  return lines.join('\n');
}

/** A GraphQL input literal for a JSON value: `{ words: ["a", "b"], n: 3 }`. */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{ ${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${literal(v)}`)
      .join(', ')} }`;
  return JSON.stringify(value ?? null);
}

/** A `Launch` mutation for the first pipeline with an example input, and the `Follow` subscription. */
function pipelineExamples(pipelines: readonly PlaygroundPipeline[]): string[] {
  const pipeline = pipelines.find((p) => p.example !== undefined);
  if (!pipeline) return [];
  return [
    '',
    `# Launch the '${pipeline.name}' pipeline (a job), then follow it: paste the returned id into Follow.`,
    `mutation Launch { ${pipeline.name}(input: ${literal(pipeline.example)}) { id status } }`,
    'subscription Follow {',
    '  job_updates(id: "<id from Launch>") { status progress { done total rate } error { message } output { dataset version } }',
    '}',
  ];
}

/**
 * The query GraphiQL opens with for a browser that presents no valid API key while keys are configured:
 * it names no dataset and no field (the page is served without a key), only how to authenticate and
 * the registry query that lists the datasets once a key is set.
 */
export function keylessExampleQuery(): string {
  return [
    '# chainql GraphQL API. This server needs an API key: add it in the Headers tab below,',
    '#   { "x-api-key": "<your API key>" }   (or "Authorization": "Bearer <your API key>"),',
    '# then run this query (Ctrl-Enter) to list the datasets; the Docs panel shows every field.',
    'query Datasets {',
    '  datasets { name versions { version rows createdAt } }',
    '}',
  ].join('\n');
}

function selection(object: ObjectModel, depth: number, max: number): string[] {
  const pad = '  '.repeat(depth);
  const out: string[] = [];
  for (const f of object.fields) {
    if (f.kind === 'leaf') out.push(`${pad}${f.gqlName}`);
    else if (depth < max) out.push(`${pad}${f.gqlName} {`, ...selection(f, depth + 1, max), `${pad}}`);
  }
  return out.slice(0, 40);
}

function commentedExamples(ds: DatasetModel): string[] {
  const sortable = ds.leaves.find((l) => isScalarLeaf(l.type));
  const text = ds.leaves.find((l) => l.type.kind === 'string' || l.type.kind === 'enum');
  const numeric = ds.leaves.find((l) => l.type.kind === 'float' || l.type.kind === 'int');
  const nest = (path: string, inner: string): string =>
    path.split('.').reduceRight((acc, part) => `{ ${part}: ${acc} }`, inner);
  const out: string[] = [];
  if (numeric) {
    out.push(`${ds.gqlName}(where: ${nest(numeric.gqlPath, '{ _gt: 0 }')}, limit: 10) { _id }`);
    out.push(`${ds.gqlName}_aggregate { aggregate { count avg { ${keySel(numeric.gqlPath)} } } }`);
  }
  if (sortable) out.push(`${ds.gqlName}(order_by: [${nest(sortable.gqlPath, 'desc')}], limit: 10) { _id }`);
  if (text) {
    out.push(
      `${ds.gqlName}_groups(by: ["${text.gqlPath}"]) { key { ${keySel(text.gqlPath)} } aggregate { count } }`,
    );
    out.push(`${ds.gqlName}(where: ${nest(text.gqlPath, '{ _ilike: "%a%" }')}) { _id }`);
  }
  return out;
}

function keySel(path: string): string {
  const parts = path.split('.');
  return parts.reduceRight((acc, part, i) => (i === parts.length - 1 ? part : `${part} { ${acc} }`), '');
}
