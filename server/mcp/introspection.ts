import type { GraphqlCaller } from './graphql-caller.ts';

/** A type reference as introspection returns it (NON_NULL / LIST wrappers around a named type). */
interface TypeRef {
  readonly kind: string;
  readonly name: string | null;
  readonly ofType: TypeRef | null;
}

const TYPE_REF =
  'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';

/** `Float!`, `[String!]`, `photos_det`: a type reference as written in GraphQL. */
export function typeString(ref: TypeRef): string {
  if (ref.kind === 'NON_NULL') return `${ref.ofType ? typeString(ref.ofType) : '?'}!`;
  if (ref.kind === 'LIST') return `[${ref.ofType ? typeString(ref.ofType) : '?'}]`;
  return ref.name ?? '?';
}

function namedType(ref: TypeRef): TypeRef {
  return ref.ofType ? namedType(ref.ofType) : ref;
}

/** One field of a row type, flattened: `det.confidence: Float!` with its description. */
export interface FieldInfo {
  /** Dot path of GraphQL field names, as used in `where`, `order_by` and `by:`. */
  readonly path: string;
  /** GraphQL type of the field (`Float!`, `[String!]!`, an enum name, …). */
  readonly type: string;
  readonly description?: string;
  /** Values of an enum field. */
  readonly values?: readonly string[];
}

interface IntrospectedType {
  readonly kind: string;
  readonly name: string;
  readonly description: string | null;
  readonly fields: { name: string; description: string | null; type: TypeRef }[] | null;
  readonly inputFields: { name: string; description: string | null; type: TypeRef }[] | null;
  readonly enumValues: { name: string }[] | null;
}

async function introspectType(call: GraphqlCaller, name: string): Promise<IntrospectedType | null> {
  const result = await call(
    `query($name: String!) { __type(name: $name) { kind name description fields { name description type { ${TYPE_REF} } } inputFields { name description type { ${TYPE_REF} } } enumValues { name } } }`,
    { name },
  );
  return ((result.data?.__type as IntrospectedType | null | undefined) ?? null) as IntrospectedType | null;
}

/**
 * The leaf fields of a row type with their GraphQL types and descriptions, nested objects walked
 * depth first (at most `maxDepth` levels). Fields starting with `_` other than `_id` are skipped.
 */
export async function rowFields(call: GraphqlCaller, typeName: string, maxDepth = 6): Promise<FieldInfo[]> {
  const out: FieldInfo[] = [];
  async function walk(name: string, prefix: string, depth: number): Promise<void> {
    const type = await introspectType(call, name);
    for (const field of type?.fields ?? []) {
      if (field.name.startsWith('_') && field.name !== '_id') continue;
      const inner = namedType(field.type);
      const path = prefix ? `${prefix}.${field.name}` : field.name;
      if (inner.kind === 'OBJECT' && inner.name && depth < maxDepth) {
        await walk(inner.name, path, depth + 1);
        continue;
      }
      const values =
        inner.kind === 'ENUM' && inner.name
          ? (await introspectType(call, inner.name))?.enumValues?.map((v) => v.name)
          : undefined;
      out.push({
        path,
        type: typeString(field.type),
        ...(field.description ? { description: field.description } : {}),
        ...(values ? { values } : {}),
      });
    }
  }
  await walk(typeName, '', 0);
  return out;
}

/** A pipeline as the API exposes it: the mutation, its description and its input fields. */
export interface PipelineInfo {
  readonly name: string;
  readonly description?: string;
  /** GraphQL input type of `input` (`enrich_input!`). */
  readonly inputType: string;
  readonly inputFields: readonly FieldInfo[];
}

/** Mutations that manage jobs rather than launch a pipeline. */
const JOB_MUTATIONS = new Set(['cancel_job', 'resume_job']);

/** The pipelines the caller's API exposes as mutations (none when the server has no config). */
export async function pipelines(call: GraphqlCaller): Promise<PipelineInfo[]> {
  const result = await call(
    `{ __schema { mutationType { fields { name description args { name type { ${TYPE_REF} } } } } } }`,
  );
  const schema = result.data?.__schema as
    | {
        mutationType: {
          fields: { name: string; description: string | null; args: { name: string; type: TypeRef }[] }[];
        } | null;
      }
    | undefined;
  const out: PipelineInfo[] = [];
  for (const field of schema?.mutationType?.fields ?? []) {
    if (JOB_MUTATIONS.has(field.name)) continue;
    const input = field.args.find((a) => a.name === 'input');
    if (!input) continue;
    const inputName = namedType(input.type).name ?? '';
    const type = await introspectType(call, inputName);
    out.push({
      name: field.name,
      ...(field.description ? { description: field.description } : {}),
      inputType: typeString(input.type),
      inputFields: (type?.inputFields ?? []).map((f) => ({
        path: f.name,
        type: typeString(f.type),
        ...(f.description ? { description: f.description } : {}),
      })),
    });
  }
  return out;
}
