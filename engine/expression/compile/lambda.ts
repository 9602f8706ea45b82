/**
 * Function literals as the function argument of $map and $filter:
 * `$map(lines, function($line, $i, $all) { $line.price * $line.qty })`.
 *
 * jsonata makes a closure (evaluateLambda) and, per item, binds the parameters in a new frame over
 * the one it was written in and evaluates the body against the context it was written in
 * (applyProcedure). Here each parameter is a slot the body's variable reads are compiled against
 * (compileVariable looks in the scope first, so parameters shadow bindings and outer parameters);
 * the caller fills the slots before each evaluation of the body. A function literal is never active
 * twice at once: that needs recursion, i.e. a variable holding a function, which is outside the
 * subset. So one set of slots per literal suffices.
 */
import { expectShape, notInSubset, type AstNode, type Bindings, type CompileContext, type Evaluator } from './ast';
import { compileSequenceRead } from './sequences';
import { bail, castBoolean, createSequence, fromVariable, isBound } from './values';

interface Lambda {
  /** jsonata's getFunctionArity: the number of parameters written. */
  readonly arity: number;
  /** One slot per parameter; those beyond the arguments passed stay undefined. */
  readonly slots: unknown[];
  readonly body: Evaluator;
}

/** `function($a, $b) { body }` without a signature, each parameter named once. */
function compileLambda(node: AstNode, context: CompileContext): Lambda {
  if (node.type !== 'lambda' || node.thunk !== undefined) notInSubset();
  expectShape(node, 'lambda');
  if (node.signature !== undefined) notInSubset(); // validated arguments (and their coercions) are not mirrored
  const names = (node.arguments ?? notInSubset()).map((parameter) => {
    expectShape(parameter, 'variable');
    const name = parameter.value;
    if (parameter.type !== 'variable' || typeof name !== 'string' || name === '' || name === '$') return notInSubset();
    return name;
  });
  if (new Set(names).size !== names.length) notInSubset(); // the last binding would win: not worth mirroring
  const slots: unknown[] = names.map(() => undefined);
  // a parameter reads like any variable in jsonata: its value as evaluate() returns it
  const readers = new Map(names.map((name, index): [string, Evaluator] => [name, () => fromVariable(slots[index])]));
  return { arity: names.length, slots, body: context.within(readers).compile(node.body) };
}

/**
 * hofFuncArgs: the item always, its index if the function takes two parameters or more, the whole
 * array if three or more.
 */
function bindArguments({ arity, slots }: Lambda, items: readonly unknown[], index: number): void {
  if (arity === 0) return;
  slots[0] = items[index];
  if (arity >= 2) slots[1] = index;
  if (arity >= 3) slots[2] = items;
}

/** fn.map: the body's defined values, in order. */
function map(lambda: Lambda, items: readonly unknown[], input: unknown, bindings: Bindings): unknown[] {
  const result = createSequence();
  for (let index = 0; index < items.length; index++) {
    bindArguments(lambda, items, index);
    const value = lambda.body(input, bindings);
    if (value !== undefined) result.push(value);
  }
  return result;
}

/** fn.filter: the items for which the body's value is true by fn.boolean. */
function filter(lambda: Lambda, items: readonly unknown[], input: unknown, bindings: Bindings): unknown[] {
  const result = createSequence();
  for (let index = 0; index < items.length; index++) {
    bindArguments(lambda, items, index);
    if (castBoolean(lambda.body(input, bindings))) result.push(items[index]);
  }
  return result;
}

const HIGHER_ORDER: Readonly<Record<string, typeof map>> = { map, filter };

/**
 * `$map(array, function…)` and `$filter(array, function…)` (signature `<af>`): undefined gives
 * undefined, a lone value is an array of one. The result is a sequence, unwrapped at the call
 * (see compileBuiltinCall) unless the call is a tail call. Undefined when this call is not one of them.
 */
export function compileHigherOrderCall(name: string, argNodes: readonly AstNode[], context: CompileContext): Evaluator | undefined {
  if (!Object.hasOwn(HIGHER_ORDER, name)) return undefined;
  const apply = HIGHER_ORDER[name];
  if (argNodes.length !== 2) notInSubset();
  const array = compileSequenceRead(argNodes[0], context);
  const lambda = compileLambda(argNodes[1], context);
  return (input, bindings) => {
    if (isBound(bindings, name)) bail();
    const value = array(input, bindings);
    if (value === undefined) return undefined;
    return apply(lambda, Array.isArray(value) ? value : [value], input, bindings);
  };
}
