import { GraphQLError, GraphQLScalarType, type GraphQLSchema, Kind, print, type ValueNode } from 'graphql';

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

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A 64-bit integer input: a JS number while exact, else a bigint. */
function parseInt64(value: unknown): number | bigint {
  let n: bigint;
  if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
  else if (typeof value === 'bigint') n = value;
  else if (typeof value === 'string' && BIGINT_TEXT.test(value)) n = BigInt(value);
  else {
    throw new GraphQLError(
      `64-bit Int cannot represent non-integer value: ${JSON.stringify(value) ?? String(value)}`,
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  }
  if (n < INT64_MIN || n > INT64_MAX) {
    throw new GraphQLError(`bigint ${n} is outside the 64-bit range.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return Number.isSafeInteger(Number(n)) ? Number(n) : n;
}

/**
 * `bigint` (Hasura's name for 64-bit integer columns): chainql's `int` fields, their `min`/`max` and `sum`.
 * Output: a JSON number while it is exact (|n| ≤ 2^53 − 1), else a decimal string, so no value is ever rounded.
 * Input: an integer literal (exact at any size), or in variables a JSON integer or a decimal integer string
 * (JSON numbers beyond 2^53 are already rounded by the client), within the signed 64-bit range. String
 * literals are refused, as for `Int`.
 */
export const Int64Scalar = new GraphQLScalarType<number | bigint, number | string>({
  name: 'bigint',
  description:
    'A 64-bit integer: a JSON number while exact (|n| <= 2^53 - 1), else a decimal string. ' +
    'Inputs: an integer literal; in variables also a decimal integer string.',
  serialize: (value) => {
    const n = parseInt64(typeof value === 'string' ? value.trim() : value);
    return typeof n === 'bigint' ? n.toString() : n;
  },
  parseValue: parseInt64,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT) return parseInt64(ast.value);
    throw new GraphQLError(`64-bit Int cannot represent non-integer value: ${print(ast)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  },
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
