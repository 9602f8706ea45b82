/**
 * Literals, variables and field paths: the leaves of an expression.
 */
import { expectShape, notInSubset, type AstNode, type CompileContext, type Evaluator } from './ast';
import { bail, fromData, hasOwn, isBound, lookupField, lookupInputField } from './values';

/** `number`, `string` and `value` (true/false/null) nodes evaluate to their value (evaluateLiteral). */
export function compileLiteral(node: AstNode): Evaluator {
  const value = node.value;
  return () => value;
}

/** Names jsonata resolves to a function when no binding shadows them. */
const JSONATA_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'sum', 'count', 'max', 'min', 'average', 'string', 'substring', 'substringBefore', 'substringAfter',
  'lowercase', 'uppercase', 'length', 'trim', 'pad', 'match', 'contains', 'replace', 'split', 'join',
  'formatNumber', 'formatBase', 'formatInteger', 'parseInteger', 'number', 'floor', 'ceil', 'round',
  'abs', 'sqrt', 'power', 'random', 'boolean', 'not', 'map', 'zip', 'filter', 'single', 'reduce', 'sift',
  'keys', 'lookup', 'append', 'exists', 'spread', 'merge', 'reverse', 'each', 'error', 'assert', 'type',
  'sort', 'shuffle', 'distinct', 'base64encode', 'base64decode', 'encodeUrlComponent', 'encodeUrl',
  'decodeUrlComponent', 'decodeUrl', 'eval', 'toMillis', 'fromMillis', 'clone', 'now', 'millis',
]);

/**
 * `$` is the context and `$$` the root (both the input at top level and in function literals, whose
 * bodies see the context they were written in; evaluateVariable). `$name` is a parameter of an
 * enclosing function literal if there is one (lambda.ts); else jsonata looks in the bindings first
 * (see isBound), then in its environment, where registered and built-in functions live: a function
 * value is outside the subset, so those names bail unless a binding shadows them.
 *
 * `read` checks a binding's value: fromData (no arrays) by default, fromVariable where jsonata
 * takes an array whole (sequences.ts).
 */
export function compileVariable(node: AstNode, context: CompileContext, read: (value: unknown) => unknown = fromData): Evaluator {
  const name = node.value;
  if (typeof name !== 'string') return notInSubset();
  if (name === '' || name === '$') return (input) => fromData(input);
  const parameter = context.scope.get(name);
  if (parameter) return parameter;
  if (hasOwn(context.functions, name) || JSONATA_FUNCTION_NAMES.has(name)) {
    return (_input, bindings) => (isBound(bindings, name) ? read(bindings[name]) : bail());
  }
  return (_input, bindings) => (isBound(bindings, name) ? read(bindings[name]) : undefined);
}

/**
 * A path of field names, optionally starting at a variable (`$.a`, `$x.a`). jsonata evaluates each
 * step over a sequence and flattens arrays; with no arrays in sight (lookupField/fromData bail on
 * them) that reduces to nested own-property lookups, stopping at the first undefined.
 */
export function compilePath(node: AstNode, context: CompileContext): Evaluator {
  const steps = node.steps ?? notInSubset();
  if (steps.length === 0) return notInSubset();
  const first = steps[0].type === 'variable' ? compileVariable(expectShape(steps[0], 'variable'), context) : undefined;
  const keys = steps.slice(first ? 1 : 0).map(stepName);
  const [key0, key1] = keys;
  if (!first) {
    // the first step reads the input (see lookupInputField)
    if (keys.length === 1) return (input) => fromData(lookupInputField(input, key0));
    if (keys.length === 2) {
      return (input) => {
        const value = lookupInputField(input, key0);
        return value === undefined ? undefined : fromData(lookupField(value, key1));
      };
    }
    return (input) => {
      let value = lookupInputField(input, key0);
      for (let index = 1; index < keys.length; index++) {
        if (value === undefined) return undefined;
        value = lookupField(value, keys[index]);
      }
      return value === undefined ? undefined : fromData(value);
    };
  }
  return (input, bindings) => {
    let value = first(input, bindings);
    for (let index = 0; index < keys.length; index++) {
      value = lookupField(value, keys[index]);
      if (value === undefined) return undefined;
    }
    return fromData(value);
  };
}

export function stepName(step: AstNode): string {
  expectShape(step, 'name');
  if (step.type !== 'name' || typeof step.value !== 'string') return notInSubset();
  return step.value;
}
