import {
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  Lexer,
  OverlappingFieldsCanBeMergedRule,
  Source,
  TokenKind,
  type ValidationRule,
  ValuesOfCorrectTypeRule,
  validate,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RecentMap } from './recent-map.ts';

/** The rules whose answer depends on literal values (both compare or coerce them); every other one reads shape. */
const VALUE_RULES: readonly ValidationRule[] = [ValuesOfCorrectTypeRule, OverlappingFieldsCanBeMergedRule];

/** Shapes remembered per schema (least recently used forgotten first). */
const MAX_SHAPES = 1000;

/**
 * Validates a query whose shape already passed with only the rules that read literal values.
 *
 * yoga caches validation per query text, so a client that writes values into the text (`photos_by_pk(rid: 42)`,
 * as most hand-written queries and agents do) pays the whole validation — every specified rule plus the
 * depth, alias, cost and directive limits — on every request, about 0.2 ms of a 0.5 ms point lookup. The shape
 * of a query is its token stream with each Int, Float and String value replaced by its kind (names, enum values,
 * booleans, nulls, variables and punctuation kept). Of graphql-js's rules only `ValuesOfCorrectType` (each value
 * against its type: Int range, enum names, a custom scalar's own check) and `OverlappingFieldsCanBeMerged` (two
 * fields under one response name need equal arguments) read the values; the others, and the graphql-armor
 * limits, read names and structure only. So once a shape has passed every rule, a query of the same shape is
 * validated with those two rules alone. Failing shapes are not remembered: they are validated in full each time.
 */
export function useValidationByShape(): Plugin {
  const passed = new WeakMap<GraphQLSchema, RecentMap<string, true>>();
  const fullThenRemember = (
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: readonly ValidationRule[] | undefined,
    ...rest: unknown[]
  ): readonly GraphQLError[] => {
    const shape = shapeOf(document, rules);
    if (shape === undefined) return validate(schema, document, rules, ...(rest as []));
    let shapes = passed.get(schema);
    if (shapes === undefined) {
      shapes = new RecentMap(MAX_SHAPES);
      passed.set(schema, shapes);
    }
    if (shapes.get(shape)) return validate(schema, document, VALUE_RULES);
    const errors = validate(schema, document, rules, ...(rest as []));
    if (errors.length === 0) shapes.set(shape, true);
    return errors;
  };
  return {
    onValidate({ setValidationFn }) {
      // yoga's own cache (same text) answers before this runs; this handles the texts it has not seen.
      setValidationFn(fullThenRemember as typeof validate);
    },
  };
}

/** The query's tokens with literal values replaced by their kinds, after the rule names; undefined without source. */
function shapeOf(document: DocumentNode, rules: readonly ValidationRule[] | undefined): string | undefined {
  const body = document.loc?.source.body;
  if (body === undefined) return undefined;
  const parts: string[] = [(rules ?? []).map((rule) => rule.name).join(',')];
  const lexer = new Lexer(new Source(body));
  for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
    switch (token.kind) {
      case TokenKind.INT:
      case TokenKind.FLOAT:
      case TokenKind.STRING:
      case TokenKind.BLOCK_STRING:
        parts.push(`\u0000${token.kind}`);
        break;
      case TokenKind.NAME:
        parts.push(token.value);
        break;
      default:
        parts.push(token.kind);
    }
  }
  return parts.join(' ');
}
