/**
 * jsonata built-in functions whose semantics are mirrored exactly, and the per-evaluation clock.
 */
import { notInSubset, type AstNode, type CompileContext, type Evaluator } from './ast';
import { sharedConstant } from './constructors';
import { compileDateTimeCall } from './datetime';
import { formatIso, parseIso } from './iso';
import { compileHigherOrderCall } from './lambda';
import { keys, merge } from './objects';
import { compileRegexCall } from './regex';
import { compileSequenceRead } from './sequences';
import { bail, castBoolean, castNumber, castString, hasOwn, isBound, numberArg, stringArg, unwrapSequence } from './values';

type BuiltinFunction = (first?: unknown, second?: unknown, third?: unknown, fourth?: unknown) => unknown;

interface Builtin {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** The first argument is taken whole: a path there may meet arrays (see compileSequenceRead). */
  readonly readsArrays?: boolean;
  /**
   * The first argument may be a constructor of literals shared by every evaluation (see compileRead)
   * when this holds of its value: the result never holds that value or any part of it.
   */
  readonly sharesConstant?: (value: unknown) => boolean;
  readonly make: (clock: Clock) => BuiltinFunction;
}

/** The built-ins in the subset that return a sequence (createSequence): unwrapped at the call. */
const RETURNS_SEQUENCE: ReadonlySet<string> = new Set(['match', 'map', 'filter', 'keys']);

/**
 * A built-in with the argument counts supported (the forms that read the context when an argument
 * is omitted are left to the interpreter). Each throws T0410 for an argument outside its signature:
 * mirrored by bailing. A binding of the same name shadows the function (bail, as for registered ones).
 * A sequence result is unwrapped as evaluate() does, except in a tail call (see compileTailCall).
 */
export function compileBuiltinCall(name: string, argNodes: readonly AstNode[], context: CompileContext, tail: boolean): Evaluator {
  const call = compileSpecialCall(name, argNodes, context) ?? compileTableCall(name, argNodes, context);
  if (!RETURNS_SEQUENCE.has(name) || tail) return call;
  return (input, bindings) => unwrapSequence(call(input, bindings));
}

/** The forms compiled by their own modules: regex literals, function literals, date-time pictures; $lookup in a constant table. */
function compileSpecialCall(name: string, argNodes: readonly AstNode[], context: CompileContext): Evaluator | undefined {
  return compileRegexCall(name, argNodes, context)
    ?? compileHigherOrderCall(name, argNodes, context)
    ?? compileDateTimeCall(name, argNodes, context)
    ?? compileTableLookup(name, argNodes, context);
}

/**
 * `$lookup({"EUR": 1.08, "USD": 1, …}, key)`: an object constructor of literals (see constantValue)
 * is read once into a Map of its keys, so a call is one Map#get, not a new object and a property
 * search. fn.lookup finds own keys only (jsonata's object is null-prototype: "constructor" is not
 * found), which is what the Map holds. A value that is an object or an array goes into the result,
 * so it is built anew on every call (the entry holds the constructor's compiled evaluator).
 */
function compileTableLookup(name: string, argNodes: readonly AstNode[], context: CompileContext): Evaluator | undefined {
  if (name !== 'lookup' || argNodes.length !== 2 || argNodes[0].type !== 'unary' || argNodes[0].value !== '{') return undefined;
  const table = sharedConstant(argNodes[0]);
  if (table === undefined) return undefined;
  const entries = new Map<string, unknown>();
  for (const [key, valueNode] of argNodes[0].lhs as readonly (readonly [AstNode, AstNode])[]) {
    const value = (table.value as Record<string, unknown>)[key.value as string];
    entries.set(key.value as string, typeof value === 'object' && value !== null ? context.compile(valueNode) : value);
  }
  const key = context.compile(argNodes[1]);
  return (input, bindings) => {
    if (isBound(bindings, name)) bail();
    const entry = entries.get(requiredString(key(input, bindings)));
    return typeof entry === 'function' ? (entry as Evaluator)(input, bindings) : entry;
  };
}

function compileTableCall(name: string, argNodes: readonly AstNode[], context: CompileContext): Evaluator {
  const builtin = hasOwn(BUILTINS, name) ? BUILTINS[name] : notInSubset();
  const arity = argNodes.length;
  if (arity < builtin.minArgs || arity > builtin.maxArgs) notInSubset();
  const fn = builtin.make(context.clock);
  const [e0, e1, e2, e3] = argNodes.map((arg, index) => (index === 0 ? compileFirstArgument(builtin, arg, context) : context.compile(arg)));
  switch (arity) {
    case 0:
      return (_input, bindings) => (isBound(bindings, name) ? bail() : fn());
    case 1:
      return (input, bindings) => (isBound(bindings, name) ? bail() : fn(e0(input, bindings)));
    case 2:
      return (input, bindings) => {
        if (isBound(bindings, name)) bail();
        const first = e0(input, bindings);
        return fn(first, e1(input, bindings));
      };
    case 3:
      return (input, bindings) => {
        if (isBound(bindings, name)) bail();
        const first = e0(input, bindings);
        const second = e1(input, bindings);
        return fn(first, second, e2(input, bindings));
      };
    default:
      return (input, bindings) => {
        if (isBound(bindings, name)) bail();
        const first = e0(input, bindings);
        const second = e1(input, bindings);
        const third = e2(input, bindings);
        return fn(first, second, third, e3(input, bindings));
      };
  }
}

function compileFirstArgument(builtin: Builtin, node: AstNode, context: CompileContext): Evaluator {
  const read = builtin.readsArrays ? compileSequenceRead : (arg: AstNode, within: CompileContext) => within.compile(arg);
  const shares = builtin.sharesConstant;
  if (shares === undefined) return read(node, context);
  const constant = sharedConstant(node);
  if (constant === undefined || !shares(constant.value)) return read(node, context);
  const value = constant.value;
  return () => value;
}

const always = () => true;
const unary = (fn: (value: unknown) => unknown): Builtin => ({ minArgs: 1, maxArgs: 1, make: () => fn });
/** A one-argument built-in whose result holds nothing of its argument: numbers, strings, booleans. */
const reading = (fn: (value: unknown) => unknown): Builtin => ({ ...unary(fn), sharesConstant: always });
const fixed = (minArgs: number, maxArgs: number, fn: BuiltinFunction): Builtin => ({ minArgs, maxArgs, make: () => fn });
/** A one-argument built-in that takes its argument whole (an array from a path included). */
const whole = (fn: (value: unknown) => unknown): Builtin => ({ minArgs: 1, maxArgs: 1, readsArrays: true, make: () => fn });
/** The same, for results that hold nothing of the argument (counts, sums, keys, booleans). */
const wholeReading = (fn: (value: unknown) => unknown): Builtin => ({ ...whole(fn), sharesConstant: always });

const isPrimitive = (value: unknown): boolean => value === null || (typeof value !== 'object' && typeof value !== 'function');
/** $merge's result holds the values of the objects merged: shared objects only if those are primitives. */
const mergesPrimitives = (value: unknown): boolean =>
  (Array.isArray(value) ? value : [value]).every((item) => typeof item === 'object' && item !== null && Object.values(item).every(isPrimitive));


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
  round: { minArgs: 1, maxArgs: 2, make: () => (value, precision) => roundHalfEven(numberArg(value), numberArg(precision)) },
  // fn.abs / fn.floor / fn.ceil `<n-:n>`.
  abs: unary((value) => mapNumber(numberArg(value), Math.abs)),
  floor: unary((value) => mapNumber(numberArg(value), Math.floor)),
  ceil: unary((value) => mapNumber(numberArg(value), Math.ceil)),
  // fn.boolean / fn.not `<x-:b>`: undefined stays undefined.
  boolean: reading(castBoolean),
  not: reading((value) => (value === undefined ? undefined : !castBoolean(value))),
  // fn.exists `<x:b>`: an array (even empty) exists.
  exists: wholeReading((value) => value !== undefined),
  // fn.substring `<s-nn?:s>`: code points; a negative start counts from the end.
  substring: fixed(2, 3, (value, start, length) => substring(stringArg(value), requiredNumber(start), numberArg(length))),
  // fn.substringBefore / fn.substringAfter `<s-s:s>` (an absent second argument is left to the interpreter).
  substringBefore: fixed(2, 2, (value, chars) => {
    const text = stringArg(value);
    const token = requiredString(chars);
    if (text === undefined) return undefined;
    const at = text.indexOf(token);
    return at > -1 ? text.substr(0, at) : text;
  }),
  substringAfter: fixed(2, 2, (value, chars) => {
    const text = stringArg(value);
    const token = requiredString(chars);
    if (text === undefined) return undefined;
    const at = text.indexOf(token);
    return at > -1 ? text.substr(at + token.length) : text;
  }),
  // fn.trim `<s-:s>`: runs of space, tab, CR, LF become one space, then one space is cut at each end.
  trim: unary((value) => {
    const text = stringArg(value);
    if (text === undefined) return undefined;
    let result = text.replace(/[ \t\n\r]+/gm, ' ');
    if (result.charAt(0) === ' ') result = result.substring(1);
    if (result.charAt(result.length - 1) === ' ') result = result.substring(0, result.length - 1);
    return result;
  }),
  // fn.pad `<s-ns?:s>`: a positive width pads on the right, a negative one on the left.
  pad: fixed(2, 3, (value, width, char) => pad(stringArg(value), requiredNumber(width), stringArg(char))),
  // fn.contains `<s-(sf):b>`: a string token only (a regex is a function: the interpreter's).
  contains: fixed(2, 2, (value, token) => {
    const text = stringArg(value);
    const find = stringArg(token);
    return text === undefined || find === undefined ? undefined : text.indexOf(find) !== -1;
  }),
  // fn.replace `<s-(sf)(sf)n?:s>`: string pattern and replacement only (the regex forms are the interpreter's).
  replace: fixed(3, 4, (value, pattern, replacement, limit) => replace(stringArg(value), requiredString(pattern), requiredString(replacement), numberArg(limit))),
  // fn.split `<s-(sf)n?:a<s>>`: a string separator only.
  split: fixed(2, 3, (value, separator, limit) => {
    const text = stringArg(value);
    const by = requiredString(separator);
    const most = numberArg(limit);
    if (text === undefined) return undefined;
    if (most !== undefined && most < 0) bail(); // D3020
    return most === undefined || most > 0 ? text.split(by, most) : [];
  }),
  // fn.join `<a<s>s?:s>`: a lone string is an array of one.
  join: {
    ...fixed(1, 2, (value, separator) => {
      const sep = stringArg(separator);
      if (value === undefined) return undefined;
      return arrayOf(value, (item) => typeof item === 'string').join(sep ?? '');
    }),
    readsArrays: true,
    sharesConstant: always,
  },
  // fn.count `<a:n>`: a lone value is an array of one; nothing counts 0.
  count: wholeReading((value) => (value === undefined ? 0 : Array.isArray(value) ? value.length : 1)),
  // fn.sum `<a<n>:n>`: added in order from 0, as jsonata does (0 + -0 is 0).
  sum: wholeReading((value) => {
    if (value === undefined) return undefined;
    let total = 0;
    for (const n of numbers(value)) total += n;
    return total;
  }),
  // fn.max / fn.min `<a<n>:n>`: Math.max/min over the array (NaN wins, as there); none is undefined.
  max: wholeReading((value) => (value === undefined ? undefined : extreme(Math.max, numbers(value)))),
  min: wholeReading((value) => (value === undefined ? undefined : extreme(Math.min, numbers(value)))),
  // fn.average `<a<n>:n>`: the sum in order from 0, divided by the count; none is undefined.
  average: wholeReading((value) => {
    if (value === undefined) return undefined;
    const items = numbers(value);
    if (items.length === 0) return undefined;
    let total = 0;
    for (const n of items) total += n;
    return total / items.length;
  }),
  // fn.keys `<x-:a<s>>` and fn.merge `<a<o>:o>`: see objects.ts.
  keys: wholeReading(keys),
  merge: { ...whole(merge), sharesConstant: mergesPrimitives },
  // fn.toMillis `<s-s?:n>` without a picture: ISO 8601 text (jsonata's own pattern, else D3110) to epoch ms.
  // The usual forms are read by parseIso (see iso.ts), the rest by Date.parse.
  toMillis: unary((value) => {
    const text = stringArg(value);
    if (text === undefined) return undefined;
    const millis = parseIso(text);
    if (millis !== undefined) return millis;
    if (!JSONATA_ISO_8601.test(text)) bail();
    return Date.parse(text);
  }),
  // fn.fromMillis `<n-s?s?:s>` without a picture: the default picture [Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]
  // in UTC, which is Date#toISOString (formatIso, see iso.ts) for the years 0 to 9999 (others are the interpreter's).
  fromMillis: unary((value) => {
    const millis = numberArg(value);
    if (millis === undefined) return undefined;
    return formatIso(millis) ?? bail();
  }),
  // fn.lookup `<x-s:x>` on an object (a rate or code table): its own key's value. Arrays (a lookup in
  // each item) and keys the prototype answers ("constructor") are the interpreter's.
  lookup: fixed(2, 2, (value, key) => {
    const name = requiredString(key);
    if (value === undefined || value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value) || (!hasOwn(value as object, name) && name in value)) bail();
    return (value as Record<string, unknown>)[name];
  }),
  // $now() `<s?s?:s>` / $millis() `<:n>`: one timestamp per evaluation, shared by every call in it.
  now: { minArgs: 0, maxArgs: 0, make: (clock) => clock.use(() => clock.iso()) },
  millis: { minArgs: 0, maxArgs: 0, make: (clock) => clock.use(() => clock.millis()) },
};

/** jsonata's iso8601regex (datetime.js), which $toMillis applies before Date.parse. */
const JSONATA_ISO_8601 = /^\d{4}(-[01]\d)?(-[0-3]\d)?(T[0-2]\d:[0-5]\d:[0-5]\d)?(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$/;

/** A parameter without `?`: an absent value is left to the interpreter (its signature check decides). */
function requiredString(value: unknown): string {
  if (typeof value !== 'string') bail();
  return value as string;
}

function requiredNumber(value: unknown): number {
  if (typeof value !== 'number') bail();
  return value as number;
}

/** An `a<…>` argument: an array whose items all pass (else jsonata's T0412: bail), or one such value as an array of one. */
function arrayOf(value: unknown, ok: (item: unknown) => boolean): readonly unknown[] {
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) if (!ok(item)) bail();
  return items;
}

/** An `a<n>` argument (see arrayOf). */
const numbers = (value: unknown): readonly number[] => arrayOf(value, (item) => typeof item === 'number') as readonly number[];

/**
 * Math.max/min applied to the array as jsonata does (an empty one is undefined); an array too long
 * for apply throws a RangeError there too: bail.
 */
function extreme(fn: (...values: number[]) => number, items: readonly number[]): number | undefined {
  if (items.length === 0) return undefined;
  try {
    return fn.apply(Math, items as number[]);
  } catch {
    return bail();
  }
}

/** fn.substring, step for step, over code points. */
function substring(text: string | undefined, from: number, length: number | undefined): string | undefined {
  if (text === undefined) return undefined;
  const chars = Array.from(text);
  let start = from;
  if (chars.length + start < 0) start = 0;
  if (length !== undefined) {
    if (length <= 0) return '';
    const end = start >= 0 ? start + length : chars.length + start + length;
    return chars.slice(start, end).join('');
  }
  return chars.slice(start).join('');
}

/** fn.pad, step for step. */
function pad(text: string | undefined, width: number, char: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const fill = char === undefined || char.length === 0 ? ' ' : char;
  const size = Math.trunc(width);
  const padLength = Math.abs(size) - countCodePoints(text);
  if (!(padLength > 0)) return text; // NaN too
  if (padLength > 1 << 20) bail(); // huge paddings (and the RangeErrors past 2^29) are the interpreter's
  let padding = new Array(padLength + 1).join(fill);
  if (fill.length > 1) padding = substring(padding, 0, padLength)!;
  return size > 0 ? text + padding : padding + text;
}

/** fn.replace with a string pattern and replacement, step for step. */
function replace(text: string | undefined, pattern: string, replacement: string, limit: number | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (pattern === '' || (limit !== undefined && limit < 0)) bail(); // D3010, D3011
  if (limit !== undefined && !(limit > 0)) return text;
  let result = '';
  let position = 0;
  let count = 0;
  let index = text.indexOf(pattern, position);
  while (index !== -1 && (limit === undefined || count < limit)) {
    result += text.substring(position, index) + replacement;
    position = index + pattern.length;
    count++;
    index = text.indexOf(pattern, position);
  }
  return result + text.substring(position);
}

const mapNumber = (value: number | undefined, fn: (n: number) => number): number | undefined =>
  value === undefined ? undefined : fn(value);

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
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
 * it lazily at the first call within an evaluation; the wrapper resets it before each evaluation
 * (only when an expression uses it: `used`). $now() with no picture formats as ISO 8601 in UTC with
 * milliseconds, i.e. Date#toISOString.
 */
/** The last $now() text, shared by every clock: records made in the same millisecond share it. */
const lastIso = { millis: NaN, text: '' };

export class Clock {
  private current: number | undefined;
  private inUse = false;

  get used(): boolean {
    return this.inUse;
  }

  /** Mark the clock as read by the expression being compiled; returns `fn`. */
  use<T>(fn: T): T {
    this.inUse = true;
    return fn;
  }

  reset(): void {
    this.current = undefined;
  }

  millis(): number {
    this.current ??= Date.now();
    return this.current;
  }

  /** $now(): formatting a Date costs ~0.5 µs, so the text is kept for as long as the millisecond lasts. */
  iso(): string {
    const millis = this.millis();
    if (millis !== lastIso.millis) {
      lastIso.millis = millis;
      lastIso.text = formatIso(millis) ?? new Date(millis).toISOString();
    }
    return lastIso.text;
  }
}
