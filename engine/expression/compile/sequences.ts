/**
 * Arguments that jsonata's functions take as a whole array ($count, $sum, $join, $keys, $merge,
 * $map, …): here a path may meet arrays in the data and a variable may hold one, where everywhere
 * else they bail (see fromData). `$sum(lines.price)` reads every line's price.
 */
import { expectShape, notInSubset, type AstNode, type Bindings, type CompileContext, type Evaluator } from './ast';
import { compileVariable, stepName } from './names';
import { bail, createSequence, fromVariable, hasOwn, isJsonataFunction, isSequence, unwrapSequence } from './values';

/** An argument read whole: paths and variables may give arrays; anything else compiles as usual. */
export function compileSequenceRead(node: AstNode, context: CompileContext): Evaluator {
  if (node.type === 'path') return compileArrayPath(expectShape(node, 'path'), context);
  if (node.type === 'variable') return compileVariable(expectShape(node, 'variable'), context, fromVariable);
  return context.compile(node);
}

/** One step of a path, applied to one item of the sequence it reads. */
type Step = (item: unknown, input: unknown, bindings: Bindings) => unknown;

/**
 * evaluatePath over name steps (optionally after a variable): each step maps over the sequence the
 * previous one gave (see evaluateStep); an empty sequence ends the path; the result is unwrapped as
 * evaluate() does, so a path that finds one value gives that value, and none gives undefined. A
 * function found is outside the subset, as for variables (see fromVariable).
 *
 * Until a step meets an array, every sequence holds one item: that stretch is walked item by item,
 * without building sequences (most paths never meet one).
 */
function compileArrayPath(node: AstNode, context: CompileContext): Evaluator {
  const nodes = node.steps ?? notInSubset();
  if (nodes.length === 0) notInSubset();
  const steps = nodes.map((step, index): Step => {
    if (index === 0 && step.type === 'variable') {
      // evaluated against the context item, which is the input: `$` and `$$` are the input too
      const variable = compileVariable(expectShape(step, 'variable'), context, fromVariable);
      return (_item, input, bindings) => variable(input, bindings);
    }
    const key = stepName(step);
    return (item) => lookupStep(item, key);
  });
  const last = steps.length - 1;
  return (input, bindings) => {
    // the input is never an array here (compile.ts bails on those): the context is a sequence of one
    let item = input;
    for (let index = 0; index <= last; index++) {
      const value = steps[index](item, input, bindings);
      if (value === undefined) return undefined;
      if (Array.isArray(value)) {
        // evaluateStep over one item: a lone array is the result itself on the last step, else flattened
        if (index === last) return fromVariable(value);
        return fromVariable(evaluateSteps(steps, index + 1, flatten([value]), input, bindings));
      }
      item = value;
    }
    return fromVariable(item);
  };
}

/** The steps from `first` on, each over the whole sequence the previous one gave. */
function evaluateSteps(steps: readonly Step[], first: number, start: readonly unknown[], input: unknown, bindings: Bindings): readonly unknown[] {
  let sequence = start;
  for (let index = first; index < steps.length && sequence.length > 0; index++) {
    sequence = evaluateStep(steps[index], sequence, index === steps.length - 1, input, bindings);
  }
  return sequence;
}

/**
 * evaluateStep: the step's defined values over the sequence, flattened one level into a new
 * sequence. On the last step, a lone array value that is not a sequence is returned itself (so
 * `items` gives the data's own array, even of one item or none, and it is not unwrapped).
 */
function evaluateStep(step: Step, sequence: readonly unknown[], last: boolean, input: unknown, bindings: Bindings): readonly unknown[] {
  const found: unknown[] = [];
  for (let index = 0; index < sequence.length; index++) {
    const value = step(sequence[index], input, bindings);
    if (value !== undefined) found.push(value);
  }
  if (last && found.length === 1 && Array.isArray(found[0]) && !isSequence(found[0])) return found[0];
  return flatten(found);
}

/** A new sequence of the values, arrays among them spliced in (one level; holes skipped, as forEach does). */
function flatten(values: readonly unknown[]): unknown[] {
  const result = createSequence();
  for (const value of values) {
    if (Array.isArray(value)) value.forEach((item) => result.push(item));
    else result.push(value);
  }
  return result;
}

/**
 * evaluateName on one item: fn.lookup (an own property of an object that is not a function record)
 * then evaluate's unwrapping. An array item (data nested two deep, which fn.lookup maps over) bails.
 */
function lookupStep(item: unknown, key: string): unknown {
  if (item === null || typeof item !== 'object') return undefined;
  if (Array.isArray(item)) bail();
  if (isJsonataFunction(item) || !hasOwn(item, key)) return undefined;
  return unwrapSequence((item as Record<string, unknown>)[key]);
}
