/**
 * Repeated subexpressions, computed once per evaluation: `$number(price)` written three times in one
 * object constructor, or `$lookup(rates, currency)` twice, is evaluated the first time it is needed
 * and its value reused for the rest of that evaluation.
 *
 * Which nodes: calls of built-in functions and operators, outside function literals, whose every
 * part is deterministic within one evaluation — literals, variables, paths, operators, constructors
 * and built-ins ($now() and $millis() too: one timestamp per evaluation). Registered functions may
 * not be (`$uuid()`), and a function literal's body depends on its parameters: neither is reused.
 * Two nodes are the same expression when their ASTs are equal but for positions.
 *
 * Why it is exact: the input and the bindings are the same for every node of one evaluation (see
 * Evaluator) and nothing in the subset assigns, so such a node gives the same value each time it is
 * evaluated in one evaluation, or bails each time (and a bail ends the evaluation). Only primitive
 * values are kept: an object or an array goes into the result, where no two places may share one
 * (the caller owns the result and may change it), so those are built anew.
 */
import type { FunctionSpec, NativeFunction } from '../compile';
import type { AstNode, Evaluator } from './ast';

/** The node kinds whose every instance is deterministic given its parts. */
const DETERMINISTIC_KINDS: ReadonlySet<string> = new Set([
  'number', 'string', 'value', 'regex', 'variable', 'name', 'path', 'binary', 'unary', 'condition', 'block', 'function',
]);

/** The kinds worth reusing: a call or an operator (a literal, a variable or a field read costs about what reuse does). */
const REUSED_KINDS: ReadonlySet<string> = new Set(['binary', 'condition', 'function']);

/**
 * The nodes of `ast` (outside function literals) that are worth reusing and occur more than once,
 * each mapped to a key that is the same for equal nodes.
 */
export function findRepeated(ast: unknown, functions: Readonly<Record<string, NativeFunction | FunctionSpec>>): ReadonlyMap<AstNode, string> {
  const candidates: [AstNode, string][] = [];
  const visit = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.map(visit).every(Boolean);
    if (value === null || typeof value !== 'object' || value instanceof RegExp) return true;
    const node = value as AstNode;
    if (node.type === 'lambda') return false; // its body is not looked into: parameters
    let deterministic = typeof node.type !== 'string' || DETERMINISTIC_KINDS.has(node.type);
    for (const [field, child] of Object.entries(node)) if (field !== 'position' && !visit(child)) deterministic = false;
    if (node.type === 'function' && !isBuiltinCall(node, functions)) deterministic = false;
    if (deterministic && REUSED_KINDS.has(node.type)) candidates.push([node, keyOf(node)]);
    return deterministic;
  };
  visit(ast);
  const counts = new Map<string, number>();
  for (const [, key] of candidates) counts.set(key, (counts.get(key) ?? 0) + 1);
  return new Map(candidates.filter(([, key]) => counts.get(key)! > 1));
}

/** `$name(…)` where `$name` is not a registered function (so a built-in, or outside the subset). */
function isBuiltinCall(node: AstNode, functions: Readonly<Record<string, unknown>>): boolean {
  const procedure = node.procedure;
  return procedure?.type === 'variable' && typeof procedure.value === 'string' && !Object.hasOwn(functions, procedure.value);
}

/** The node as JSON without positions (regex literals as their source and flags). */
const keyOf = (node: AstNode): string =>
  JSON.stringify(node, (field, value: unknown) => (field === 'position' ? undefined : value instanceof RegExp ? `/${value.source}/${value.flags}` : value));

/**
 * Which evaluation is running: compileFast gives each its own token (see run in compile.ts), and
 * restores the previous one after it, should a registered function ever evaluate the same
 * expression from inside it.
 */
export class Evaluation {
  token = 0;
  /** Whether any node reuses values (else compileFast need not track evaluations). */
  used = false;
  private last = 0;

  begin(): number {
    const previous = this.token;
    this.token = ++this.last;
    return previous;
  }
}

/** The evaluator, remembering a primitive value for the rest of the evaluation it was computed in. */
export function reuseWithinEvaluation(evaluate: Evaluator, evaluation: Evaluation): Evaluator {
  let token = -1; // no evaluation's
  let value: unknown;
  return (input, bindings) => {
    if (token === evaluation.token) return value;
    const result = evaluate(input, bindings);
    if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
      value = result;
      token = evaluation.token;
    }
    return result;
  };
}
