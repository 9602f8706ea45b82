/**
 * jsonata built-in functions whose semantics are mirrored exactly, and the per-evaluation clock.
 */
import { notInSubset, type AstNode, type CompileContext, type Evaluator } from './ast';
import { bail, castBoolean, castNumber, castString, hasOwn, isBound } from './values';

type BuiltinFunction = (first?: unknown, second?: unknown) => unknown;

interface Builtin {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly make: (clock: Clock) => BuiltinFunction;
}

/**
 * A built-in with the argument counts supported (the forms that read the context when an argument
 * is omitted are left to the interpreter). Each throws T0410 for an argument outside its signature:
 * mirrored by bailing. A binding of the same name shadows the function (bail, as for registered ones).
 */
export function compileBuiltinCall(name: string, argNodes: readonly AstNode[], context: CompileContext): Evaluator {
  const builtin = hasOwn(BUILTINS, name) ? BUILTINS[name] : notInSubset();
  const arity = argNodes.length;
  if (arity < builtin.minArgs || arity > builtin.maxArgs) notInSubset();
  const fn = builtin.make(context.clock);
  const [e0, e1] = argNodes.map((arg) => context.compile(arg));
  switch (arity) {
    case 0:
      return (_input, bindings) => (isBound(bindings, name) ? bail() : fn());
    case 1:
      return (input, bindings) => (isBound(bindings, name) ? bail() : fn(e0(input, bindings)));
    default:
      return (input, bindings) => {
        if (isBound(bindings, name)) bail();
        const first = e0(input, bindings);
        return fn(first, e1(input, bindings));
      };
  }
}

const unary = (fn: (value: unknown) => unknown): Builtin => ({ minArgs: 1, maxArgs: 1, make: () => fn });

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
  round: { minArgs: 1, maxArgs: 2, make: () => (value, precision) => roundHalfEven(numberArg(value), numberArg(precision)) },
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
  now: { minArgs: 0, maxArgs: 0, make: (clock) => clock.use(() => clock.iso()) },
  millis: { minArgs: 0, maxArgs: 0, make: (clock) => clock.use(() => clock.millis()) },
};

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
      lastIso.text = new Date(millis).toISOString();
    }
    return lastIso.text;
  }
}
