/**
 * Operators, conditions and blocks.
 *
 * Each operator gets closures of its own (not one closure calling an operator function from a
 * table): V8 shares type feedback between all closures made from one function literal, so a shared
 * `op(a, b)` call site sees every operator and cannot be inlined.
 */
import { asNode, notInSubset, type AstNode, type CompileContext, type Evaluator } from './ast';
import { compileRead } from './constructors';
import { bail, castBoolean, castString, isDeepEqual, numericOperand } from './values';

export function compileBinary(node: AstNode, context: CompileContext): Evaluator {
  const op = node.value;
  // = != and or only read their operands (a constructor of literals there is a shared constant)
  const read = op === '=' || op === '!=' || op === 'and' || op === 'or';
  const lhs = read ? compileRead(asNode(node.lhs), context) : context.compile(node.lhs as AstNode | undefined);
  const rhs = read ? compileRead(asNode(node.rhs), context) : context.compile(node.rhs);
  switch (op) {
    case '+': case '-': case '*': case '/': case '%':
      return ARITHMETIC[op](lhs, rhs);
    case '=':
      // evaluateEqualityExpression: false if either side is undefined, else isDeepEqual.
      return (input, bindings) => {
        const left = lhs(input, bindings);
        const right = rhs(input, bindings);
        return left !== undefined && right !== undefined && isDeepEqual(left, right);
      };
    case '!=':
      // evaluateEqualityExpression: an undefined side makes both = and != false.
      return (input, bindings) => {
        const left = lhs(input, bindings);
        const right = rhs(input, bindings);
        return left !== undefined && right !== undefined && !isDeepEqual(left, right);
      };
    case '<': case '<=': case '>': case '>=':
      return COMPARISON[op](lhs, rhs);
    case 'and':
      // evaluateBooleanExpression: boolize (undefined -> false) and short-circuit the right side.
      return (input, bindings) => (castBoolean(lhs(input, bindings)) ?? false) && (castBoolean(rhs(input, bindings)) ?? false);
    case 'or':
      return (input, bindings) => (castBoolean(lhs(input, bindings)) ?? false) || (castBoolean(rhs(input, bindings)) ?? false);
    case '&':
      // evaluateStringConcat: an undefined side contributes '', others go through fn.string.
      return (input, bindings) => (castString(lhs(input, bindings)) ?? '') + (castString(rhs(input, bindings)) ?? '');
    default:
      return notInSubset();
  }
}

/** A finished arithmetic result: jsonata returns ±Infinity/NaN as is, but every consumer treats them specially. */
const finite = (result: number): number => (Number.isFinite(result) ? result : bail());

type Arithmetic = (lhs: Evaluator, rhs: Evaluator) => Evaluator;

/*
 * evaluateNumericExpression: each side must be undefined or numeric (T2001/T2002, D1001 otherwise);
 * an undefined side gives undefined (the right side is still evaluated and checked). jsonata returns
 * a non-finite result (1/0 -> Infinity, 0/0 -> NaN) as is, but every consumer treats it specially,
 * so it is left to the interpreter. Spelled out per operator so that each gets its own feedback.
 */
const ARITHMETIC: Readonly<Record<'+' | '-' | '*' | '/' | '%', Arithmetic>> = {
  '+': (lhs, rhs) => (input, bindings) => {
    const left = numericOperand(lhs(input, bindings));
    const right = numericOperand(rhs(input, bindings));
    return left === undefined || right === undefined ? undefined : finite(left + right);
  },
  '-': (lhs, rhs) => (input, bindings) => {
    const left = numericOperand(lhs(input, bindings));
    const right = numericOperand(rhs(input, bindings));
    return left === undefined || right === undefined ? undefined : finite(left - right);
  },
  '*': (lhs, rhs) => (input, bindings) => {
    const left = numericOperand(lhs(input, bindings));
    const right = numericOperand(rhs(input, bindings));
    return left === undefined || right === undefined ? undefined : finite(left * right);
  },
  '/': (lhs, rhs) => (input, bindings) => {
    const left = numericOperand(lhs(input, bindings));
    const right = numericOperand(rhs(input, bindings));
    return left === undefined || right === undefined ? undefined : finite(left / right);
  },
  '%': (lhs, rhs) => (input, bindings) => {
    const left = numericOperand(lhs(input, bindings));
    const right = numericOperand(rhs(input, bindings));
    return left === undefined || right === undefined ? undefined : finite(left % right);
  },
};

type Comparison = (lhs: Evaluator, rhs: Evaluator) => Evaluator;

const isComparable = (value: unknown): boolean =>
  value === undefined || typeof value === 'string' || typeof value === 'number';

/** The checks of evaluateComparisonExpression; true when the comparison itself is undefined. */
function comparesUndefined(left: unknown, right: unknown): boolean {
  if (!isComparable(left) || !isComparable(right)) bail();
  if (left === undefined || right === undefined) return true;
  if (typeof left !== typeof right) bail();
  return false;
}

/**
 * evaluateComparisonExpression: both sides must be undefined, strings or numbers (T2010 otherwise,
 * even when the other side is undefined); an undefined side gives undefined (not false); mixed
 * string/number throws T2009. NaN and ±Infinity compare as JavaScript does (no isNumeric check).
 */
const COMPARISON: Readonly<Record<'<' | '<=' | '>' | '>=', Comparison>> = {
  '<': (lhs, rhs) => (input, bindings) => {
    const left = lhs(input, bindings) as number;
    const right = rhs(input, bindings) as number;
    return comparesUndefined(left, right) ? undefined : left < right;
  },
  '<=': (lhs, rhs) => (input, bindings) => {
    const left = lhs(input, bindings) as number;
    const right = rhs(input, bindings) as number;
    return comparesUndefined(left, right) ? undefined : left <= right;
  },
  '>': (lhs, rhs) => (input, bindings) => {
    const left = lhs(input, bindings) as number;
    const right = rhs(input, bindings) as number;
    return comparesUndefined(left, right) ? undefined : left > right;
  },
  '>=': (lhs, rhs) => (input, bindings) => {
    const left = lhs(input, bindings) as number;
    const right = rhs(input, bindings) as number;
    return comparesUndefined(left, right) ? undefined : left >= right;
  },
};

/** Unary minus (evaluateUnary): undefined stays undefined; non-numbers throw D1002, ±Infinity D1001. */
export function compileNegate(node: AstNode, context: CompileContext): Evaluator {
  const operand = context.compile(node.expression);
  return (input, bindings) => {
    const value = numericOperand(operand(input, bindings));
    return value === undefined ? undefined : -value;
  };
}

/**
 * evaluateCondition: the condition goes through fn.boolean (undefined is falsy); without an else
 * branch a false condition gives undefined. Also covers `a ?: b` (same node) and `a ?? b` (a
 * condition on $exists(a)).
 */
export function compileCondition(node: AstNode, context: CompileContext): Evaluator {
  const condition = compileRead(asNode(node.condition), context);
  const then = context.compile(node.then);
  if (node.else === undefined) {
    return (input, bindings) => (castBoolean(condition(input, bindings)) ? then(input, bindings) : undefined);
  }
  const otherwise = context.compile(node.else);
  return (input, bindings) => (castBoolean(condition(input, bindings)) ? then(input, bindings) : otherwise(input, bindings));
}

/** evaluateBlock `(a; b)`: each expression in turn, the last one's value (undefined if empty). */
export function compileBlock(node: AstNode, context: CompileContext): Evaluator {
  const expressions = (node.expressions ?? notInSubset()).map((expression) => context.compile(expression));
  if (expressions.length === 1) return expressions[0];
  return (input, bindings) => {
    let result: unknown;
    for (let index = 0; index < expressions.length; index++) result = expressions[index](input, bindings);
    return result;
  };
}
