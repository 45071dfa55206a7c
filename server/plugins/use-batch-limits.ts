import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The limits a batched request (a JSON array of operations) is held to. */
export interface BatchLimits {
  /** Operations per batched request; 0 turns batching off. */
  readonly maxBatchSize: number;
  /** Tokens per request: a batch's operations share this budget, as if they were one document. */
  readonly maxTokens: number;
}

function badBatch(message: string, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status } } });
}

/** Tokens of a query text as the GraphQL lexer reads them (up to the first lexical error). */
export function countTokens(query: string): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // A lexical error is reported by the parser with its position; count what came before it.
  }
  return count;
}

/**
 * Batched requests (a JSON array of operations; the response is an array of results in the same order)
 * are held to the query limits as one request: at most `maxBatchSize` operations (more: BAD_USER_INPUT,
 * HTTP 413, nothing runs), and their texts share one `maxTokens` budget, so a batch cannot multiply the
 * per-request budget (an operation past it fails with BAD_USER_INPUT; the ones before it run). Every
 * operation is also checked on its own by the depth, alias, cost and directive limits, and gets its own
 * timeout, auth check and row caps. With `maxBatchSize` 0 a batch is refused.
 * Install after `usePersistedQueries`, so a hash-only operation is counted with its stored text.
 */
export function useBatchLimits(limits: BatchLimits): Plugin {
  /** Tokens used so far by each batched request. */
  const used = new WeakMap<Request, number>();
  return {
    onRequestParse({ request }) {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (!Array.isArray(requestParserResult)) return;
          if (limits.maxBatchSize <= 0) {
            throw badBatch('Batched requests are turned off on this server (limits.maxBatchSize is 0).', 400);
          }
          if (requestParserResult.length > limits.maxBatchSize) {
            throw badBatch(
              `A batch may hold at most ${limits.maxBatchSize} operations (limits.maxBatchSize); ` +
                `this one has ${requestParserResult.length}.`,
              413,
            );
          }
          used.set(request, 0);
        },
      };
    },
    onParams({ request, params }) {
      const before = used.get(request);
      if (before === undefined || typeof params.query !== 'string') return;
      const total = before + countTokens(params.query);
      used.set(request, total);
      if (total > limits.maxTokens) {
        throw badBatch(
          `The operations of this batch hold ${total} tokens so far; a request may hold at most ` +
            `${limits.maxTokens} (limits.maxTokens), shared by every operation of a batch.`,
          400,
        );
      }
    },
  };
}
