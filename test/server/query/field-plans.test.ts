import { type FieldNode, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { FieldPlans } from '../../../server/query/field-plans.ts';

function fieldsOf(text: string): FieldNode[] {
  const operation = parse(text).definitions[0] as OperationDefinitionNode;
  return operation.selectionSet.selections as FieldNode[];
}

describe('FieldPlans', () => {
  it('builds once per field node and key, and again for other nodes or another key', () => {
    const plans = new FieldPlans<string>();
    const [a, b] = fieldsOf('{ a: x { y } b: x { z } }');
    const keyOne = {};
    const keyTwo = {};
    let builds = 0;
    const build = (what: string) => () => {
      builds++;
      return what;
    };
    expect(plans.get([a!], keyOne, build('a1'))).toBe('a1');
    expect(plans.get([a!], keyOne, build('not built'))).toBe('a1');
    expect(builds).toBe(1);
    expect(plans.get([b!], keyOne, build('b1'))).toBe('b1');
    // Another key (another served version) replaces the plan of that node.
    expect(plans.get([a!], keyTwo, build('a2'))).toBe('a2');
    expect(plans.get([a!], keyOne, build('a1 again'))).toBe('a1 again');
    // The same response key selected twice merges two nodes: a plan of its own.
    expect(plans.get([a!, b!], keyOne, build('ab'))).toBe('ab');
    expect(plans.get([a!, b!], keyOne, build('not built'))).toBe('ab');
    // A text parsed again has new nodes.
    const [again] = fieldsOf('{ a: x { y } b: x { z } }');
    expect(plans.get([again!], keyOne, build('a parsed again'))).toBe('a parsed again');
    expect(builds).toBe(6);
  });

  it('builds every time when there are no nodes', () => {
    const plans = new FieldPlans<number>();
    let n = 0;
    expect(plans.get([], {}, () => ++n)).toBe(1);
    expect(plans.get([], {}, () => ++n)).toBe(2);
  });
});
