/** Arithmetic nodes: binary `+ - * / %` and unary minus. */
import type { ExprNode } from './expr-node.ts';

/** Binary arithmetic operators. `div` is always floating-point division in every dialect. */
export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div' | 'mod';

/** `left <op> right`. */
export interface ArithmeticNode {
  readonly kind: 'arithmetic';
  readonly op: ArithmeticOp;
  readonly left: ExprNode;
  readonly right: ExprNode;
}

/** `-operand`. */
export interface NegateNode {
  readonly kind: 'negate';
  readonly operand: ExprNode;
}

/** Creates a frozen binary arithmetic node. */
export function arithmeticNode(op: ArithmeticOp, left: ExprNode, right: ExprNode): ArithmeticNode {
  return Object.freeze({ kind: 'arithmetic', op, left, right });
}

/** Creates a frozen unary minus node. */
export function negateNode(operand: ExprNode): NegateNode {
  return Object.freeze({ kind: 'negate', operand });
}
