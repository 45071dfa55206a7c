import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { FilterLimits } from '../query/filter-limits.ts';

/**
 * Refuses variables nested deeper than a filter may be (BAD_USER_INPUT naming `maxFilterDepth`) before the
 * executor coerces them: graphql's variable coercion recurses once per level, so a `where` nested thousands
 * of levels deep would otherwise overflow the stack ("Unexpected error."). A filter level is at most two
 * JSON levels (`_and: [{…}]`), plus a few for the operators, hence the allowance below. The depth is measured
 * without recursion.
 */
export function useInputDepth(limits: Pick<FilterLimits, 'maxFilterDepth'>): Plugin {
  const allowed = 2 * limits.maxFilterDepth + 8;
  // Selection sets nest too (graphql-armor's maxDepth bounds them after parsing); leave them ample room.
  const allowedText = allowed + 64;
  const tooDeep = () =>
    new GraphQLError(
      `nested deeper than ${limits.maxFilterDepth} levels of a filter (server limit maxFilterDepth).`,
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  return {
    onParse({ params }) {
      // graphql's parser recurses once per level of an inline object: check the text before it runs.
      const source = params.source;
      const text = typeof source === 'string' ? source : source.body;
      if (textDepthExceeds(text, allowedText)) throw tooDeep();
    },
    onExecute({ args, setResultAndStopExecution }) {
      const variables = args.variableValues;
      if (variables === undefined || variables === null) return;
      if (jsonDepthExceeds(variables, allowed)) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `variables: nested deeper than ${limits.maxFilterDepth} levels of a filter (server limit maxFilterDepth).`,
              { extensions: { code: 'BAD_USER_INPUT' } },
            ),
          ],
        });
      }
    },
  };
}

/** True when `value` (plain JSON) nests objects/arrays more than `max` levels deep. Iterative. */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > max) return true;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children)
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * True when the GraphQL document nests `{`/`[`/`(` more than `max` levels, skipping strings, block strings
 * and comments. One pass, no recursion.
 */
export function textDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        i = end < 0 ? text.length : end + 2;
      } else {
        for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      if (++depth > max) return true;
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return false;
}
