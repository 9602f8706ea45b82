/**
 * A synchronous fast path for JSONata: compiles jsonata's own parsed AST (`jsonata(src).ast()`) into a
 * tree of plain closures, for a small subset of the language. Never evaluates user text as code.
 *
 * Contract: for any input, a compiled expression returns exactly what jsonata 2.2.2's `evaluate`
 * would return, or BAIL. BAIL means "ask the interpreter" and is always a correct answer, so every
 * rule below bails whenever jsonata would throw, map over an array, or do anything not mirrored.
 * The expression never throws: errors from registered functions also become BAIL (the interpreter
 * then calls the function again and raises jsonata's own error).
 *
 * The subset: literals; field paths (`a.b.c`, backticks, `$`, `$$`, `$var.a`); variables from the
 * bindings; + - * / % and unary minus; = != < <= > >=; and, or; &; `?:` conditions (also `?:` elvis
 * and `??`); parenthesised blocks; object constructors with literal keys; array constructors; calls
 * to registered functions and to $string $number $uppercase $lowercase $length $round $abs $floor
 * $ceil $boolean $not $exists $now $millis. Anything else makes compileFast return undefined.
 *
 * Assumes the jsonata instance has no variables set with `assign()` and registered functions do not
 * use `this` (jsonata passes an internal focus object; the fast path passes undefined).
 */

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

/** A closure compiled from the AST, or undefined when the expression uses anything outside the subset. */
export function compileFast(
  ast: unknown,
  functions: Readonly<Record<string, NativeFunction | FunctionSpec>>,
): FastExpression | undefined {
  const clock = new Clock();
  let root: Evaluator;
  try {
    root = compileNode(asNode(ast), { functions, clock });
  } catch (error) {
    if (error === NOT_IN_SUBSET) return undefined;
    throw error;
  }
  return (input, bindings) => {
    // jsonata wraps an array input in an outer sequence and maps paths over it: not mirrored.
    if (Array.isArray(input)) return BAIL;
    clock.reset();
    try {
      return root(input, bindings ?? NO_BINDINGS);
    } catch (error) {
      if (error === BAIL_SIGNAL) return BAIL;
      throw error;
    }
  };
}

// ---------------------------------------------------------------------------------------------------
// Internals: AST shape, compile context, bail/not-in-subset signals.

type Bindings = Readonly<Record<string, unknown>>;
type Evaluator = (input: unknown, bindings: Bindings) => unknown;
type Implementation = (...args: unknown[]) => unknown;

/** jsonata's AST, loosely typed: only the fields the subset reads. */
interface AstNode {
  readonly type: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly steps?: readonly AstNode[];
  readonly lhs?: AstNode | readonly (readonly [AstNode, AstNode])[];
  readonly rhs?: AstNode;
  readonly expression?: AstNode;
  readonly expressions?: readonly AstNode[];
  readonly condition?: AstNode;
  readonly then?: AstNode;
  readonly else?: AstNode;
  readonly procedure?: AstNode;
  readonly arguments?: readonly AstNode[];
  readonly name?: unknown;
}

interface CompileContext {
  readonly functions: Readonly<Record<string, NativeFunction | FunctionSpec>>;
  readonly clock: Clock;
}

const NO_BINDINGS: Bindings = Object.freeze({});
const NOT_IN_SUBSET = Symbol('not in subset');
const BAIL_SIGNAL = Symbol('bail');

function notInSubset(): never {
  throw NOT_IN_SUBSET;
}

/** Abandon this evaluation; the wrapper turns it into BAIL. */
function bail(): never {
  throw BAIL_SIGNAL;
}

const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

/**
 * Every node property the subset understands, per node kind. Any other property (predicate, stages,
 * group, keepArray, focus, tuple, consarray, seekingParent, ...) switches on jsonata behaviour we do
 * not mirror, so its presence puts the expression outside the subset.
 */
const ALLOWED_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  literal: new Set(['type', 'value', 'position']),
  variable: new Set(['type', 'value', 'position']),
  name: new Set(['type', 'value', 'position']),
  path: new Set(['type', 'steps', 'position']),
  binary: new Set(['type', 'value', 'position', 'lhs', 'rhs']),
  negate: new Set(['type', 'value', 'position', 'expression']),
  array: new Set(['type', 'value', 'position', 'expressions']),
  object: new Set(['type', 'value', 'position', 'lhs']),
  condition: new Set(['type', 'position', 'condition', 'then', 'else']),
  block: new Set(['type', 'position', 'expressions']),
  // processAST copies the parser's `name` onto function nodes; it is undefined for `$f(...)` calls.
  function: new Set(['type', 'name', 'value', 'position', 'arguments', 'procedure']),
};

function asNode(value: unknown): AstNode {
  if (value === null || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') notInSubset();
  return value as AstNode;
}

/** The node, if it has no properties beyond those the subset understands for `kind`. */
function expectShape(node: AstNode, kind: string): AstNode {
  const allowed = ALLOWED_KEYS[kind];
  for (const key of Object.keys(node)) if (!allowed.has(key)) notInSubset();
  return node;
}

// ---------------------------------------------------------------------------------------------------
// Dispatch.

function compileNode(node: AstNode, context: CompileContext): Evaluator {
  switch (node.type) {
    case 'number':
    case 'string':
    case 'value':
      return compileLiteral(expectShape(node, 'literal'));
    case 'variable':
      return compileVariable(expectShape(node, 'variable'), context);
    case 'path':
      return compilePath(expectShape(node, 'path'), context);
    case 'binary':
      return compileBinary(expectShape(node, 'binary'), context);
    case 'unary':
      return compileUnary(node, context);
    case 'condition':
      return compileCondition(expectShape(node, 'condition'), context);
    case 'block':
      return compileBlock(expectShape(node, 'block'), context);
    case 'function':
      return compileCall(expectShape(node, 'function'), context);
    default:
      return notInSubset();
  }
}

function compileUnary(node: AstNode, context: CompileContext): Evaluator {
  switch (node.value) {
    case '-':
      return compileNegate(expectShape(node, 'negate'), context);
    case '[':
      return compileArray(expectShape(node, 'array'), context);
    case '{':
      return compileObject(expectShape(node, 'object'), context);
    default:
      return notInSubset();
  }
}

function child(node: AstNode | undefined, context: CompileContext): Evaluator {
  return compileNode(asNode(node), context);
}

// ---------------------------------------------------------------------------------------------------
// Values met in the data.

/** jsonata's isFunction for objects: its own function/lambda records (data could mimic them). */
function isJsonataFunction(value: object): boolean {
  const flags = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return flags._jsonata_function === true || flags._jsonata_lambda === true;
}

/**
 * A value read from the data or the bindings. Arrays make jsonata map and flatten (paths) or treat
 * them as sequences; functions (and objects flagged like jsonata's own function records) are
 * invoked, wrapped or stringified specially: none of that is mirrored.
 */
function fromData(value: unknown): unknown {
  if (typeof value === 'function') bail();
  if (value !== null && typeof value === 'object' && (Array.isArray(value) || isJsonataFunction(value))) bail();
  return value;
}

/**
 * One path step, mirroring `fn.lookup`: an own property of a plain object, else undefined (scalars,
 * null, missing keys; prototype properties such as `constructor` are not found).
 */
function lookupField(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value) || isJsonataFunction(value)) bail();
  return hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Literals, variables, paths.

const isLiteral = (node: AstNode): boolean => node.type === 'number' || node.type === 'string' || node.type === 'value';

/** `number`, `string` and `value` (true/false/null) nodes evaluate to their value (evaluateLiteral). */
function compileLiteral(node: AstNode): Evaluator {
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
 * jsonata's evaluate() binds every own enumerable key of `bindings` (utils.keys = Object.keys).
 * hasOwn first: V8 inlines it, so the usual miss (a function name) costs next to nothing.
 */
const isBound = (bindings: Bindings, name: string): boolean =>
  hasOwn(bindings, name) && Object.prototype.propertyIsEnumerable.call(bindings, name);

/**
 * `$` is the context and `$$` the root (both the input at top level; evaluateVariable). `$name` looks
 * in the bindings first, then in jsonata's environment, where registered and built-in functions
 * live: a function value is outside the subset, so those names bail unless a binding shadows them.
 */
function compileVariable(node: AstNode, context: CompileContext): Evaluator {
  const name = node.value;
  if (typeof name !== 'string') return notInSubset();
  if (name === '' || name === '$') return (input) => fromData(input);
  const namesAFunction = hasOwn(context.functions, name) || JSONATA_FUNCTION_NAMES.has(name);
  return (_input, bindings) => {
    if (isBound(bindings, name)) return fromData(bindings[name]);
    return namesAFunction ? bail() : undefined;
  };
}

/**
 * A path of field names, optionally starting at a variable (`$.a`, `$x.a`). jsonata evaluates each
 * step over a sequence and flattens arrays; with no arrays in sight (lookupField/fromData bail on
 * them) that reduces to nested own-property lookups, stopping at the first undefined.
 */
function compilePath(node: AstNode, context: CompileContext): Evaluator {
  const steps = node.steps ?? notInSubset();
  if (steps.length === 0) return notInSubset();
  const first = steps[0].type === 'variable' ? compileVariable(expectShape(steps[0], 'variable'), context) : undefined;
  const keys = steps.slice(first ? 1 : 0).map(stepName);
  if (!first && keys.length === 1) {
    const [key] = keys;
    return (input) => fromData(lookupField(input, key));
  }
  return (input, bindings) => {
    let value = first ? first(input, bindings) : input;
    for (const key of keys) {
      value = lookupField(value, key);
      if (value === undefined) return undefined;
    }
    return fromData(value);
  };
}

function stepName(step: AstNode): string {
  expectShape(step, 'name');
  if (step.type !== 'name' || typeof step.value !== 'string') return notInSubset();
  return step.value;
}

// ---------------------------------------------------------------------------------------------------
// Casting rules shared by operators and functions.

/**
 * jsonata's isNumeric: a number that is not NaN; a non-finite number throws D1001. The caller bails
 * on both (the interpreter raises T2001/T2002 for NaN, D1001 for ±Infinity).
 */
function numericOperand(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) bail();
  return value;
}

/**
 * fn.boolean, used by and/or (via boolize), conditions, $boolean and $not. Arrays follow
 * element-wise rules that are not mirrored; ±Infinity throws D1001 inside isNumeric.
 */
function castBoolean(value: unknown): boolean | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'boolean':
      return value;
    case 'string':
      return value.length > 0;
    case 'number':
      if (Number.isNaN(value)) return false;
      if (!Number.isFinite(value)) bail();
      return value !== 0;
    case 'object':
      if (value === null) return false;
      if (Array.isArray(value)) bail();
      // jsonata's own function records count as functions (false); other objects by key count.
      return !isJsonataFunction(value) && Object.keys(value).length > 0;
    default:
      return false;
  }
}

/**
 * fn.string for scalars: strings as is; finite numbers via JSON.stringify after rounding non-integers
 * to 15 significant digits (so 0.1+0.2 gives "0.3", 1e21 gives "1e+21"); ±Infinity/NaN throw D3001.
 * Objects and arrays (JSON.stringify with a replacer) and functions are not mirrored.
 */
function castString(value: unknown): string | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return value;
    case 'number':
      if (!Number.isFinite(value)) bail();
      return String(Number.isInteger(value) ? value : Number(value.toPrecision(15)));
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null ? 'null' : bail();
  }
}

/** utils.isDeepEqual: strict equality, or structural equality of two objects/arrays. */
function isDeepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs !== 'object' || typeof rhs !== 'object' || lhs === null || rhs === null) return false;
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    return lhs.length === rhs.length && lhs.every((item, index) => isDeepEqual(item, rhs[index]));
  }
  const leftKeys = Object.getOwnPropertyNames(lhs).sort();
  const rightKeys = Object.getOwnPropertyNames(rhs).sort();
  if (leftKeys.length !== rightKeys.length) return false;
  if (leftKeys.some((key, index) => key !== rightKeys[index])) return false;
  const left = lhs as Record<string, unknown>;
  const right = rhs as Record<string, unknown>;
  return leftKeys.every((key) => isDeepEqual(left[key], right[key]));
}

// ---------------------------------------------------------------------------------------------------
// Operators.

function compileBinary(node: AstNode, context: CompileContext): Evaluator {
  const op = node.value;
  const lhs = child(node.lhs as AstNode | undefined, context);
  const rhs = child(node.rhs, context);
  switch (op) {
    case '+': case '-': case '*': case '/': case '%':
      return compileArithmetic(ARITHMETIC[op], lhs, rhs);
    case '=':
      return (input, bindings) => equals(lhs(input, bindings), rhs(input, bindings));
    case '!=':
      // evaluateEqualityExpression: an undefined side makes both = and != false.
      return (input, bindings) => {
        const left = lhs(input, bindings);
        const right = rhs(input, bindings);
        return left !== undefined && right !== undefined && !isDeepEqual(left, right);
      };
    case '<': case '<=': case '>': case '>=':
      return compileComparison(COMPARISON[op], lhs, rhs);
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

type NumberOp = (a: number, b: number) => number;

const ARITHMETIC: Readonly<Record<'+' | '-' | '*' | '/' | '%', NumberOp>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

/**
 * evaluateNumericExpression: each side must be undefined or numeric (T2001/T2002, D1001 otherwise);
 * an undefined side gives undefined. jsonata returns a non-finite result (1/0 -> Infinity, 0/0 ->
 * NaN) as is, but every consumer treats it specially, so it is left to the interpreter.
 */
function compileArithmetic(op: NumberOp, lhs: Evaluator, rhs: Evaluator): Evaluator {
  return (input, bindings) => {
    const left = numericOperand(lhs(input, bindings));
    const right = numericOperand(rhs(input, bindings));
    if (left === undefined || right === undefined) return undefined;
    const result = op(left, right);
    return Number.isFinite(result) ? result : bail();
  };
}

/** evaluateEqualityExpression: false if either side is undefined, else isDeepEqual. */
function equals(left: unknown, right: unknown): boolean {
  return left !== undefined && right !== undefined && isDeepEqual(left, right);
}

type CompareOp = (a: number | string, b: number | string) => boolean;

const COMPARISON: Readonly<Record<'<' | '<=' | '>' | '>=', CompareOp>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const isComparable = (value: unknown): boolean =>
  value === undefined || typeof value === 'string' || typeof value === 'number';

/**
 * evaluateComparisonExpression: both sides must be undefined, strings or numbers (T2010 otherwise,
 * even when the other side is undefined); an undefined side gives undefined (not false); mixed
 * string/number throws T2009. NaN and ±Infinity compare as JavaScript does (no isNumeric check).
 */
function compileComparison(op: CompareOp, lhs: Evaluator, rhs: Evaluator): Evaluator {
  return (input, bindings) => {
    const left = lhs(input, bindings);
    const right = rhs(input, bindings);
    if (!isComparable(left) || !isComparable(right)) bail();
    if (left === undefined || right === undefined) return undefined;
    if (typeof left !== typeof right) bail();
    return op(left as number | string, right as number | string);
  };
}

/** Unary minus (evaluateUnary): undefined stays undefined; non-numbers throw D1002, ±Infinity D1001. */
function compileNegate(node: AstNode, context: CompileContext): Evaluator {
  const operand = child(node.expression, context);
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
function compileCondition(node: AstNode, context: CompileContext): Evaluator {
  const condition = child(node.condition, context);
  const then = child(node.then, context);
  const otherwise = node.else === undefined ? undefined : child(node.else, context);
  return (input, bindings) => {
    if (castBoolean(condition(input, bindings))) return then(input, bindings);
    return otherwise ? otherwise(input, bindings) : undefined;
  };
}

/** evaluateBlock `(a; b)`: each expression in turn, the last one's value (undefined if empty). */
function compileBlock(node: AstNode, context: CompileContext): Evaluator {
  const expressions = (node.expressions ?? notInSubset()).map((expression) => child(expression, context));
  if (expressions.length === 1) return expressions[0];
  return (input, bindings) => {
    let result: unknown;
    for (const expression of expressions) result = expression(input, bindings);
    return result;
  };
}

// ---------------------------------------------------------------------------------------------------
// Constructors.

/**
 * Array constructor (evaluateUnary '['): undefined items are dropped; an item that is itself an
 * array constructor is pushed as one element; any other item goes through fn.append, which splices
 * an array value in (flattening one level) and pushes anything else. Arrays only reach here from
 * constructors (data arrays bail), so they are never jsonata sequences and concat is exact.
 */
function compileArray(node: AstNode, context: CompileContext): Evaluator {
  const expressions = node.expressions ?? notInSubset();
  if (expressions.every(isLiteral)) {
    // Only literals (never undefined, never arrays): the same elements every time, in a new array.
    const constant = expressions.map((item) => expectShape(item, 'literal').value);
    return () => constant.slice();
  }
  const items = expressions.map((item) => ({
    evaluate: child(item, context),
    nested: item.type === 'unary' && item.value === '[',
  }));
  return (input, bindings) => {
    const result: unknown[] = [];
    for (const item of items) {
      const value = item.evaluate(input, bindings);
      if (value === undefined) continue;
      if (!item.nested && Array.isArray(value)) result.push(...value);
      else result.push(value);
    }
    return result;
  };
}

/**
 * Object constructor (evaluateGroupExpression over a non-array context): keys must be string
 * literals here. Duplicate keys throw D1009 and the keys _jsonata_lambda/_jsonata_function D1013,
 * so both stay outside the subset. Values that are undefined are omitted. Keys are assigned in
 * order, which gives jsonata's property order (integer-like keys first, as JavaScript orders them).
 *
 * One deliberate difference: jsonata builds the result with Object.create(null); here it is a plain
 * object. Null-prototype objects live in V8's dictionary mode, and every later step of a record
 * (merging, reading fields, sizing) ran about 12 times slower on them; as JSON the two are the same.
 * A `__proto__` key (which a plain object would take as its prototype) leaves the subset.
 */
function compileObject(node: AstNode, context: CompileContext): Evaluator {
  const pairs = node.lhs;
  if (!Array.isArray(pairs)) return notInSubset();
  const seen = new Set<string>();
  const entries = (pairs as readonly (readonly [AstNode, AstNode])[]).map(([keyNode, valueNode]) => {
    const key = asNode(keyNode);
    expectShape(key, 'literal');
    if (key.type !== 'string' || typeof key.value !== 'string') return notInSubset();
    if (seen.has(key.value) || ['_jsonata_lambda', '_jsonata_function', '__proto__'].includes(key.value)) return notInSubset();
    seen.add(key.value);
    return { key: key.value, evaluate: child(valueNode, context) };
  });
  return (input, bindings) => {
    const result: Record<string, unknown> = {};
    for (const entry of entries) {
      const value = entry.evaluate(input, bindings);
      if (value !== undefined) result[entry.key] = value;
    }
    return result;
  };
}

// ---------------------------------------------------------------------------------------------------
// Function calls.

/**
 * evaluateFunction with a `$name` procedure. jsonata resolves the name in the bindings first (a
 * shadowing binding bails at run time), then registered functions (including ones that override
 * $now/$millis), then built-ins. Arguments are evaluated eagerly, left to right.
 */
function compileCall(node: AstNode, context: CompileContext): Evaluator {
  if (node.name !== undefined) return notInSubset();
  const procedure = expectShape(asNode(node.procedure), 'variable');
  const name = procedure.value;
  if (procedure.type !== 'variable' || typeof name !== 'string' || name === '' || name === '$') return notInSubset();
  const args = (node.arguments ?? notInSubset()).map((argument) => child(argument, context));
  const call = hasOwn(context.functions, name)
    ? compileRegisteredCall(context.functions[name], args.length)
    : compileBuiltinCall(name, args.length, context.clock);
  const evaluateArguments = compileArguments(args);
  return (input, bindings) => {
    if (isBound(bindings, name)) bail();
    return call(evaluateArguments(input, bindings));
  };
}

/** A fresh array of argument values per call (unrolled for the common small arities). */
function compileArguments(args: readonly Evaluator[]): (input: unknown, bindings: Bindings) => unknown[] {
  const [first, second] = args;
  switch (args.length) {
    case 0: return () => [];
    case 1: return (input, bindings) => [first(input, bindings)];
    case 2: return (input, bindings) => [first(input, bindings), second(input, bindings)];
    default: return (input, bindings) => args.map((argument) => argument(input, bindings));
  }
}

type Call = (args: unknown[]) => unknown;

/**
 * A registered function: validate the arguments as jsonata's signature would (T0410 -> bail), call
 * the implementation, and keep only plain results (applyInner awaits promises and steps generators;
 * arrays and functions are outside the subset). A throwing implementation bails so the interpreter
 * raises the error with jsonata's position and token.
 */
function compileRegisteredCall(definition: NativeFunction | FunctionSpec, arity: number): Call {
  const implementation = (typeof definition === 'function' ? definition : definition.implementation) as Implementation;
  const signature = typeof definition === 'function' ? undefined : definition.signature;
  const validate = signature === undefined ? (args: unknown[]) => args : compileSignature(signature, arity);
  return (args) => {
    let result: unknown;
    try {
      result = implementation.apply(undefined, validate(args));
    } catch {
      return bail();
    }
    if (typeof result === 'function' || Array.isArray(result)) bail();
    if (result !== null && typeof result === 'object' && (isJsonataFunction(result) || 'then' in result || 'next' in result)) bail();
    return result;
  };
}

/** jsonata's signature symbol for a value (getSymbol); 'm' is missing (undefined). */
function signatureSymbol(value: unknown): string {
  switch (typeof value) {
    case 'string': return 's';
    case 'number': return 'n';
    case 'boolean': return 'b';
    case 'function': return 'f';
    case 'object':
      if (value === null) return 'l';
      if (Array.isArray(value)) return 'a';
      return isJsonataFunction(value) ? 'f' : 'o';
    default: return 'm';
  }
}

/** The symbols each parameter type accepts (parseSignature's per-type regex, undefined included). */
const PARAMETER_SYMBOLS: Readonly<Record<string, string>> = {
  s: 'sm', n: 'nm', b: 'bm', l: 'lm', o: 'om', a: 'asnblfom', x: 'asnblfom', j: 'asnblom',
};

/**
 * A validator for a simple signature: parameter types s n b l o a x j, each optionally followed by
 * `?` (the return type after `:` is ignored, as jsonata does). Context (`-`), one-or-more (`+`),
 * choices, subtypes and function parameters are not in the subset. Mirrors signature.validate: the
 * supplied symbols must match the parameter pattern (T0410 otherwise); then each parameter takes
 * the next argument, an `a` parameter wrapping a non-array value in an array.
 */
function compileSignature(signature: string, arity: number): (args: unknown[]) => unknown[] {
  const parameters = /^<((?:[a-z]\??)*)(?::.*)?>$/.exec(signature)?.[1] ?? notInSubset();
  const params = [...parameters.matchAll(/([a-z])(\?)?/g)].map(([, type, optional]) => ({
    symbols: PARAMETER_SYMBOLS[type] ?? notInSubset(),
    array: type === 'a',
    optional: optional === '?',
  }));
  const pattern = new RegExp('^' + params.map((p) => `([${p.symbols}]${p.optional ? '?' : ''})`).join('') + '$');
  // Every parameter accepts 'm', so if undefined arguments do not match, no call can: T0410 always.
  if (!pattern.test('m'.repeat(arity))) notInSubset();
  if (params.every((param) => !param.optional)) return compileFixedSignature(params);
  return (args) => {
    const groups = pattern.exec(args.map(signatureSymbol).join('')) ?? bail();
    return params.map((param, index) => {
      const arg = args[index];
      const symbol = groups[index + 1];
      // An omitted optional parameter ('') passes the argument at its position (undefined in practice).
      if (!param.array || symbol === '') return arg;
      if (symbol === 'm') return undefined;
      return symbol === 'a' ? arg : [arg];
    });
  };
}

/**
 * Without optional parameters the pattern is one symbol per parameter, so matching it is a check
 * of each argument's symbol (same result as the regular expression, without building strings).
 * `args` is the call's own fresh array, so coercing in place is safe.
 */
function compileFixedSignature(params: readonly { symbols: string; array: boolean }[]): (args: unknown[]) => unknown[] {
  return (args) => {
    for (let index = 0; index < params.length; index++) {
      const symbol = signatureSymbol(args[index]);
      if (!params[index].symbols.includes(symbol)) bail();
      if (params[index].array && symbol !== 'a' && symbol !== 'm') args[index] = [args[index]];
    }
    return args;
  };
}

/**
 * Built-ins whose semantics are mirrored exactly, with the argument counts supported (the forms
 * that read the context when an argument is omitted are left to the interpreter). Each throws
 * T0410 for an argument outside its signature: mirrored by bailing.
 */
function compileBuiltinCall(name: string, arity: number, clock: Clock): Call {
  const builtin = hasOwn(BUILTINS, name) ? BUILTINS[name] : notInSubset();
  if (arity < builtin.minArgs || arity > builtin.maxArgs) notInSubset();
  return builtin.make(clock);
}

interface Builtin {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly make: (clock: Clock) => Call;
}

const unary = (fn: (value: unknown) => unknown): Builtin => ({ minArgs: 1, maxArgs: 1, make: () => (args) => fn(args[0]) });

/** `<s-:…>` parameters: a string or undefined. */
function stringArg(value: unknown): string | undefined {
  if (value !== undefined && typeof value !== 'string') bail();
  return value;
}

/** `<n-:…>` parameters: a number (any, NaN included) or undefined. */
function numberArg(value: unknown): number | undefined {
  if (value !== undefined && typeof value !== 'number') bail();
  return value;
}

const BUILTINS: Readonly<Record<string, Builtin>> = {
  // fn.string `<x-b?:s>`: see castString.
  string: unary(castString),
  // fn.number `<(nsb)-:n>`.
  number: unary(castNumber),
  // fn.uppercase / fn.lowercase `<s-:s>`.
  uppercase: unary((value) => stringArg(value)?.toUpperCase()),
  lowercase: unary((value) => stringArg(value)?.toLowerCase()),
  // fn.length `<s-:n>`: counts code points (stringToArray), not UTF-16 units.
  length: unary((value) => {
    const text = stringArg(value);
    return text === undefined ? undefined : countCodePoints(text);
  }),
  // fn.round `<n-n?:n>`: half to even, optional decimal places.
  round: { minArgs: 1, maxArgs: 2, make: () => (args) => roundHalfEven(numberArg(args[0]), numberArg(args[1])) },
  // fn.abs / fn.floor / fn.ceil `<n-:n>`.
  abs: unary((value) => mapNumber(numberArg(value), Math.abs)),
  floor: unary((value) => mapNumber(numberArg(value), Math.floor)),
  ceil: unary((value) => mapNumber(numberArg(value), Math.ceil)),
  // fn.boolean / fn.not `<x-:b>`: undefined stays undefined.
  boolean: unary(castBoolean),
  not: unary((value) => (value === undefined ? undefined : !castBoolean(value))),
  // fn.exists `<x:b>`.
  exists: unary((value) => value !== undefined),
  // $now() `<s?s?:s>` / $millis() `<:n>`: one timestamp per evaluation, shared by every call in it.
  now: { minArgs: 0, maxArgs: 0, make: (clock) => () => clock.iso() },
  millis: { minArgs: 0, maxArgs: 0, make: (clock) => () => clock.millis() },
};

const mapNumber = (value: number | undefined, fn: (n: number) => number): number | undefined =>
  value === undefined ? undefined : fn(value);

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * fn.number: numbers as is; decimal strings (jsonata's regex, finite); strings matched by its
 * hex/octal/binary regex, whose alternation is unanchored on one side (so "0x1Fzz" matches and
 * Number() gives NaN, as in jsonata); true/false as 1/0; anything else throws D3030 or T0410.
 */
function castNumber(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (value === true) return 1;
  if (value === false) return 0;
  if (typeof value !== 'string') return bail();
  if (/^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/.test(value) && !isNaN(parseFloat(value)) && isFinite(Number(value))) {
    return parseFloat(value);
  }
  if (/^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/.test(value)) return Number(value);
  return bail();
}

/**
 * fn.round, step for step: shift the decimal point through the string form, Math.round, correct
 * exact halves to the even neighbour, shift back, and turn -0 into 0. A precision of 0 or undefined
 * means no shift.
 */
function roundHalfEven(value: number | undefined, precision: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  let arg = value;
  if (precision) {
    const [mantissa, exponent] = arg.toString().split('e');
    arg = +(mantissa + 'e' + (exponent ? +exponent + precision : precision));
  }
  let result = Math.round(arg);
  if (Math.abs(result - arg) === 0.5 && Math.abs(result % 2) === 1) result -= 1;
  if (precision) {
    const [mantissa, exponent] = result.toString().split('e');
    result = +(mantissa + 'e' + (exponent ? +exponent - precision : -precision));
  }
  return Object.is(result, -0) ? 0 : result;
}

/**
 * jsonata captures one timestamp per evaluate() call for $now() and $millis(). The fast path takes
 * it lazily at the first call within an evaluation; the wrapper resets it before each evaluation.
 * $now() with no picture formats as ISO 8601 in UTC with milliseconds, i.e. Date#toISOString.
 */
class Clock {
  private current: number | undefined;

  reset(): void {
    this.current = undefined;
  }

  millis(): number {
    this.current ??= Date.now();
    return this.current;
  }

  iso(): string {
    return new Date(this.millis()).toISOString();
  }
}
