/**
 * Values met at run time: the bail signal, reading data and bindings, and jsonata's casting rules
 * shared by operators and functions.
 */
import type { Bindings } from './ast';

const BAIL_SIGNAL = Symbol('bail');

/** Abandon this evaluation; the wrapper in compile.ts turns it into BAIL. */
export function bail(): never {
  throw BAIL_SIGNAL;
}

export const isBailSignal = (error: unknown): boolean => error === BAIL_SIGNAL;

export const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

/** A built-in's `<s-:…>` parameter: a string or undefined (anything else is jsonata's T0410: bail). */
export function stringArg(value: unknown): string | undefined {
  if (value !== undefined && typeof value !== 'string') bail();
  return value;
}

/** A built-in's `<n-:…>` parameter: a number (any, NaN included) or undefined. */
export function numberArg(value: unknown): number | undefined {
  if (value !== undefined && typeof value !== 'number') bail();
  return value;
}

const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * jsonata's evaluate() binds every own enumerable key of `bindings` (utils.keys = Object.keys).
 * hasOwn first: V8 inlines it, so the usual miss (a function name) costs next to nothing. For a hit,
 * propertyIsEnumerable is a C++ builtin (~25 ns a call); a for-in over the few keys of a bindings
 * object reads V8's enum cache instead. It is exact: for-in visits own enumerable keys first, and
 * an own non-enumerable key shadows an enumerable one of the same name on the prototype (for-in
 * ignores [[Enumerable]] when deciding shadowing), so with hasOwn, "seen by for-in" means "own and
 * enumerable". Objects with many keys go to propertyIsEnumerable after a few steps.
 */
export function isBound(bindings: Bindings, name: string): boolean {
  if (!hasOwn(bindings, name)) return false;
  let budget = 8;
  for (const key in bindings) {
    if (key === name) return true;
    if (--budget === 0) return propertyIsEnumerable.call(bindings, name);
  }
  return false;
}

/** jsonata's isFunction for objects: its own function/lambda records (data could mimic them). */
export function isJsonataFunction(value: object): boolean {
  const flags = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return flags._jsonata_function === true || flags._jsonata_lambda === true;
}

/**
 * A value read from the data or the bindings. Arrays make jsonata map and flatten (paths) or treat
 * them as sequences: mirrored only where a function takes its argument whole (see fromVariable,
 * sequences.ts). Functions (and objects flagged like jsonata's own function records) are invoked,
 * wrapped or stringified specially: not mirrored.
 */
export function fromData(value: unknown): unknown {
  if (typeof value === 'object') {
    if (value !== null && (Array.isArray(value) || isJsonataFunction(value))) bail();
  } else if (typeof value === 'function') {
    bail();
  }
  return value;
}

/**
 * jsonata's sequences: the arrays its functions and paths build, flagged `sequence: true` (the flag
 * stays on the value it returns). evaluate() unwraps one after every step: none is undefined, one
 * item is that item, more stay a sequence. A plain array (data, `[…]`, $split) is never unwrapped.
 */
export function createSequence(): unknown[] {
  const sequence: unknown[] = [];
  (sequence as { sequence?: boolean }).sequence = true;
  return sequence;
}

export const isSequence = (value: unknown): value is unknown[] =>
  Array.isArray(value) && (value as { sequence?: unknown }).sequence === true;

export function unwrapSequence(value: unknown): unknown {
  if (!isSequence(value)) return value;
  return value.length === 0 ? undefined : value.length === 1 ? value[0] : value;
}

/**
 * A value where arrays are welcome (function parameters, arguments jsonata takes whole), as evaluate()
 * returns it: a sequence unwrapped. A function is outside the subset (bail): jsonata would call it,
 * or wrap it when it is an argument (and a look-alike record throws there).
 */
export function fromVariable(value: unknown): unknown {
  const result = unwrapSequence(value);
  if (typeof result === 'object') {
    if (result !== null && isJsonataFunction(result)) bail();
  } else if (typeof result === 'function') {
    bail();
  }
  return result;
}

/**
 * One path step, mirroring `fn.lookup`: an own property of a plain object, else undefined (scalars,
 * null, missing keys; prototype properties such as `constructor` are not found).
 */
export function lookupField(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value) || isJsonataFunction(value)) bail();
  return hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * lookupField on the expression's input (every evaluator is called with it, see Evaluator), which
 * compileFast has checked once per evaluation: never an array, never a function record. Most field
 * reads are of the input's own fields; this saves them the two checks.
 */
export function lookupInputField(input: unknown, key: string): unknown {
  if (input === null || typeof input !== 'object') return undefined;
  return hasOwn(input, key) ? (input as Record<string, unknown>)[key] : undefined;
}

/** What compileFast checks of an input before evaluating (see lookupInputField): false means BAIL. */
export const isPlainInput = (input: unknown): boolean =>
  typeof input !== 'object' || input === null || (!Array.isArray(input) && !isJsonataFunction(input));

/**
 * jsonata's isNumeric: a number that is not NaN; a non-finite number throws D1001. The caller bails
 * on both (the interpreter raises T2001/T2002 for NaN, D1001 for ±Infinity).
 */
export function numericOperand(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) bail();
  return value;
}

/**
 * fn.boolean, used by and/or (via boolize), conditions, $boolean, $not and $filter. An array is
 * its one item's value, or with several true if any item is (all are cast: a later ±Infinity still
 * throws), false if empty. ±Infinity throws D1001 inside isNumeric.
 */
export function castBoolean(value: unknown): boolean | undefined {
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
      if (Array.isArray(value)) return castArrayBoolean(value);
      // jsonata's own function records count as functions (false); other objects by key count.
      return !isJsonataFunction(value) && Object.keys(value).length > 0;
    default:
      return false;
  }
}

function castArrayBoolean(items: readonly unknown[]): boolean | undefined {
  if (items.length === 1) return castBoolean(items[0]);
  let any = false;
  for (let index = 0; index < items.length; index++) if (castBoolean(items[index])) any = true;
  return any;
}

/**
 * fn.string for scalars: strings as is; finite numbers via JSON.stringify after rounding non-integers
 * to 15 significant digits (so 0.1+0.2 gives "0.3", 1e21 gives "1e+21"); ±Infinity/NaN throw D3001.
 * Objects and arrays (JSON.stringify with a replacer) and functions are not mirrored.
 */
export function castString(value: unknown): string | undefined {
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

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;
const BASE_PREFIXED = /^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/;

/**
 * fn.number: numbers as is; decimal strings (jsonata's regex, finite); strings matched by its
 * hex/octal/binary regex, whose alternation is unanchored on one side (so "0x1Fzz" matches and
 * Number() gives NaN, as in jsonata); true/false as 1/0; anything else throws D3030 or T0410.
 *
 * jsonata tests `!isNaN(parseFloat(value)) && isFinite(Number(value))`, then returns parseFloat: on
 * a string the decimal regex matches, parseFloat reads the whole string, so it gives what Number
 * gives (never NaN), and one conversion does (decimals from SQL drivers are strings: a hot path).
 */
export function castNumber(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (value === true) return 1;
  if (value === false) return 0;
  if (typeof value !== 'string') return bail();
  if (DECIMAL.test(value)) {
    const number = Number(value);
    if (Number.isFinite(number)) return number;
  }
  if (BASE_PREFIXED.test(value)) return Number(value);
  return bail();
}

/** utils.isDeepEqual: strict equality, or structural equality of two objects/arrays. */
export function isDeepEqual(lhs: unknown, rhs: unknown): boolean {
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
