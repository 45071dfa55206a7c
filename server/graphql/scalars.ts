import { GraphQLError, GraphQLScalarType, type GraphQLSchema, Kind, type ValueNode } from 'graphql';

/**
 * Custom scalars of the generated API. Values cross the wire as JSON-safe text:
 * - `DateTime`: ISO-8601 string (`2024-05-01T12:00:00.000Z`); inputs accept any `Date.parse`-able string;
 * - `BigInt`: decimal string (64-bit integers do not fit a GraphQL Int or a JS number);
 * - `JSON`: any JSON value (records, the `schema` of a dataset version);
 * - `FieldPath`: a dot path to a field, as a string (`"det.label"`) or a bare top-level name (`label`).
 */

function literalToString(name: string, ast: ValueNode): string {
  if (ast.kind === Kind.STRING) return ast.value;
  throw new GraphQLError(`${name} must be a string.`, { extensions: { code: 'BAD_USER_INPUT' } });
}

export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'An instant, as an ISO-8601 string (UTC on output).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => {
    if (typeof value !== 'string' || !Number.isFinite(Date.parse(value))) {
      throw new GraphQLError('DateTime must be an ISO-8601 string.', {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return value;
  },
  parseLiteral: (ast) => {
    const text = literalToString('DateTime', ast);
    if (!Number.isFinite(Date.parse(text))) {
      throw new GraphQLError(`'${text}' is not an ISO-8601 DateTime.`, {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return text;
  },
});

const BIGINT_TEXT = /^-?\d+$/;

function parseBigInt(value: unknown): string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !BIGINT_TEXT.test(text)) {
    throw new GraphQLError('BigInt must be a decimal integer string.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return text;
}

export const BigIntScalar = new GraphQLScalarType<string, string>({
  name: 'BigInt',
  description: 'A 64-bit integer as a decimal string.',
  serialize: (value) => String(value),
  parseValue: parseBigInt,
  parseLiteral: (ast) => parseBigInt(ast.kind === Kind.INT ? ast.value : literalToString('BigInt', ast)),
});

function literalToJson(
  ast: ValueNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return ast.value;
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalToJson(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
  }
}

export const JsonScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => literalToJson(ast, variables),
});

export const FieldPathScalar = new GraphQLScalarType<string, string>({
  name: 'FieldPath',
  description: 'A field, as a dot path string ("det.label") or a bare top-level name (label).',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string') {
      throw new GraphQLError('FieldPath must be a string.', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return value;
  },
  parseLiteral: (ast) => (ast.kind === Kind.ENUM ? ast.value : literalToString('FieldPath', ast)),
});

/**
 * The scalar named like `scalar` in `schema` (when it has one), else `scalar` itself. The generated
 * schema is built by Pothos, which makes its own `GraphQLScalarType` instance from each scalar here
 * (`builder.addScalarType`); code that extends a built schema with graphql-js types must use the
 * schema's instance, because a schema may hold only one type per name.
 */
export function schemaScalar(schema: GraphQLSchema, scalar: GraphQLScalarType): GraphQLScalarType {
  const type = schema.getType(scalar.name);
  return type instanceof GraphQLScalarType ? type : scalar;
}
