/**
 * A synchronous fast path for JSONata: compiles jsonata's own parsed AST (`jsonata(src).ast()`) into a
 * tree of plain closures, for a small subset of the language. Never evaluates user text as code.
 *
 * Contract: for any input, a compiled expression returns exactly what jsonata 2.2.2's `evaluate`
 * would return, or BAIL. BAIL means "ask the interpreter" and is always a correct answer, so every
 * rule below bails whenever jsonata would throw, or map over an array or do anything else that is
 * not mirrored.
 * The expression never throws: errors from registered functions also become BAIL (the interpreter
 * then calls the function again and raises jsonata's own error).
 *
 * The subset: literals; field paths (`a.b.c`, backticks, `$`, `$$`, `$var.a`); variables from the
 * bindings; + - * / % and unary minus; = != < <= > >=; and, or; &; `?:` conditions (also `?:` elvis
 * and `??`); parenthesised blocks; object constructors with literal keys; array constructors; calls
 * to registered functions and to $string $number $uppercase $lowercase $length $round $abs $floor
 * $ceil $boolean $not $exists $now $millis $substring $substringBefore $substringAfter $trim $pad
 * $join $lookup; $contains $replace $split with string tokens or regex literals, $match with a
 * regex literal; $toMillis / $fromMillis, with XPath pictures too (run by jsonata's own datetime
 * code); the aggregates $count $sum $max $min $average, and $keys $merge $exists, whose argument
 * may be a path that meets arrays (`$sum(lines.price)`); $map and $filter with a function literal
 * (`function($v, $i, $a) { … }`). Anything else makes compileFast return undefined.
 *
 * Assumes the jsonata instance has no variables set with `assign()` and registered functions do not
 * use `this` (jsonata passes an internal focus object; the fast path passes undefined) and do not
 * mutate their arguments from sloppy-mode code (a literal array or object argument is a shared
 * frozen constant, see compileRegisteredCall; strict-mode mutation throws and bails).
 *
 * Results belong to the caller (records are mutable downstream): every object or array in one that
 * does not come from the input or the bindings is new to that evaluation. Constructors of literals
 * are shared constants only where their value is read and nothing made from it can hold it
 * (compileRead in constructors.ts, the $lookup table in builtins.ts); a repeated subexpression's
 * value is reused within an evaluation only when it is a primitive (repeated.ts).
 *
 * Layout (engine/expression/compile/): ast.ts (node shapes, compile context), values.ts (bail, data
 * and binding reads, sequences, casting rules), names.ts (literals, variables, paths), sequences.ts
 * (arguments read whole: paths over arrays), operators.ts (operators, conditions, blocks),
 * constructors.ts (arrays, objects), calls.ts (registered functions), signature.ts (signature
 * validation), builtins.ts (built-in functions, clock), regex.ts (regex literals), datetime.ts
 * (pictures), objects.ts ($keys, $merge), lambda.ts (function literals, $map, $filter), node.ts
 * (dispatch), iso.ts (ISO 8601 text and epoch milliseconds by arithmetic), repeated.ts
 * (subexpressions written more than once, computed once per evaluation).
 *
 * Speed notes: V8 shares type feedback among all closures made from one function literal, so the
 * hot shapes get literals of their own (per operator, per object size, per call arity) rather than
 * one generic closure with a loop or an operator table; see the module comments. Work that does not
 * depend on the record is done once: constant tables (`$lookup({"EUR": 1.08, …}, currency)` is a
 * Map#get), the input's checks (once per evaluation, see lookupInputField), repeated subexpressions.
 */
import { asNode, isNotInSubset, type Evaluator } from './compile/ast';
import { Clock } from './compile/builtins';
import { createContext } from './compile/node';
import { Evaluation, findRepeated } from './compile/repeated';
import { isBailSignal, isPlainInput } from './compile/values';

export interface FastExpression {
  /** Evaluate synchronously; returns BAIL when this input needs the real interpreter (e.g. a path met an array). */
  (input: unknown, bindings: Readonly<Record<string, unknown>>): unknown;
}

export const BAIL: unique symbol = Symbol('conflux.expression.bail');

/** A function as handed to `registerFunction`: accepts any implementation, typed or not. */
export type NativeFunction = (...args: never[]) => unknown;

/**
 * A registered function with the signature string given to jsonata's `registerFunction`, so the fast
 * path can mirror its argument validation (T0410) and coercions. A bare function means "registered
 * without a signature" (jsonata then passes the arguments through unchecked).
 */
export interface FunctionSpec {
  readonly implementation: NativeFunction;
  readonly signature?: string;
}

const NO_BINDINGS: Readonly<Record<string, unknown>> = Object.freeze({});

/** A closure compiled from the AST, or undefined when the expression uses anything outside the subset. */
export function compileFast(
  ast: unknown,
  functions: Readonly<Record<string, NativeFunction | FunctionSpec>>,
): FastExpression | undefined {
  const clock = new Clock();
  const evaluation = new Evaluation();
  let root: Evaluator;
  try {
    const context = createContext({ functions, clock, evaluation, repeated: findRepeated(ast, functions) });
    root = context.compile(asNode(ast));
  } catch (error) {
    if (isNotInSubset(error)) return undefined;
    throw error;
  }
  if (evaluation.used) {
    const inner = root;
    root = (input, bindings) => {
      const previous = evaluation.begin();
      try {
        return inner(input, bindings);
      } finally {
        evaluation.token = previous;
      }
    };
  }
  // jsonata wraps an array input in an outer sequence and maps paths over it: not mirrored; nor
  // paths into an input that is one of its function records. Checked here once (see lookupInputField).
  if (clock.used) {
    return (input, bindings) => {
      if (!isPlainInput(input)) return BAIL;
      clock.reset();
      return run(root, input, bindings ?? NO_BINDINGS);
    };
  }
  return (input, bindings) => (isPlainInput(input) ? run(root, input, bindings ?? NO_BINDINGS) : BAIL);
}

function run(root: Evaluator, input: unknown, bindings: Readonly<Record<string, unknown>>): unknown {
  try {
    return root(input, bindings);
  } catch (error) {
    if (isBailSignal(error)) return BAIL;
    throw error;
  }
}
