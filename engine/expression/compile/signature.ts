/**
 * jsonata's function signatures (`<ss?:s>`), for the simple forms: parameter types s n b l o a x j,
 * each optionally followed by `?` (the return type after `:` is ignored, as jsonata does). Context
 * (`-`), one-or-more (`+`), choices, subtypes and function parameters are not in the subset.
 */
import { notInSubset } from './ast';
import { bail, isJsonataFunction } from './values';

/*
 * jsonata's signature symbols (getSymbol) as bits, so that "does this parameter accept this
 * argument" is one AND instead of a string search. 'm' is missing (undefined).
 */
const S = 1, N = 2, B = 4, L = 8, O = 16, A = 32, F = 64, M = 128;
const ANY = S | N | B | L | O | A | F | M;
/** The symbols an `a` parameter wraps in an array (all but an array and missing). */
const WRAPPED = S | N | B | L | O | F;

/** The symbols each parameter type accepts (parseSignature's per-type regex, undefined included). */
const PARAMETER_SYMBOLS: Readonly<Record<string, readonly [letters: string, mask: number]>> = {
  s: ['sm', S | M],
  n: ['nm', N | M],
  b: ['bm', B | M],
  l: ['lm', L | M],
  o: ['om', O | M],
  a: ['asnblfom', ANY],
  x: ['asnblfom', ANY],
  j: ['asnblom', ANY & ~F],
};

/** jsonata's signature symbol for a value (getSymbol), as a bit. */
function symbolBit(value: unknown): number {
  switch (typeof value) {
    case 'string': return S;
    case 'number': return N;
    case 'boolean': return B;
    case 'function': return F;
    case 'object':
      if (value === null) return L;
      if (Array.isArray(value)) return A;
      return isJsonataFunction(value) ? F : O;
    default: return M;
  }
}

const SYMBOL_LETTERS: Readonly<Record<number, string>> = { [S]: 's', [N]: 'n', [B]: 'b', [L]: 'l', [O]: 'o', [A]: 'a', [F]: 'f', [M]: 'm' };

export interface Parameter {
  /** The symbols accepted, as bits. */
  readonly accepts: number;
  /** An `a` parameter: a non-array argument is wrapped in an array. */
  readonly array: boolean;
  readonly optional: boolean;
}

/** A parameter that takes anything as is: no signature, or an argument known to match. */
export const UNCHECKED: Parameter = { accepts: ANY, array: false, optional: false };

/** Whether checkArgument can do anything but return the value. */
export const isUnchecked = (param: Parameter): boolean => param.accepts === ANY && !param.array;

/** Whether checkArgument would return `value` itself (no T0410, no wrapping): for arguments known when compiling. */
export const passesUnchanged = (param: Parameter, value: unknown): boolean =>
  (param.accepts & symbolBit(value)) !== 0 && !(param.array && (symbolBit(value) & WRAPPED) !== 0);

/**
 * signature.validate for one argument of a signature without optional parameters: its symbol must
 * be accepted (T0410 -> bail); an `a` parameter wraps a non-array value in an array (undefined stays).
 */
export function checkArgument(param: Parameter, value: unknown): unknown {
  const symbol = symbolBit(value);
  if ((param.accepts & symbol) === 0) bail();
  return param.array && (symbol & WRAPPED) !== 0 ? [value] : value;
}

/**
 * The parameters of a simple signature, checked against the call's argument count: every parameter
 * accepts 'm', so if `arity` undefined arguments do not match, no call can (T0410 always).
 */
export function parseSignature(signature: string, arity: number): { params: Parameter[]; pattern: RegExp } {
  const parameters = /^<((?:[a-z]\??)*)(?::.*)?>$/.exec(signature)?.[1] ?? notInSubset();
  const letters: string[] = [];
  const params = [...parameters.matchAll(/([a-z])(\?)?/g)].map(([, type, optional]) => {
    const [symbols, accepts] = PARAMETER_SYMBOLS[type] ?? notInSubset();
    letters.push(symbols);
    return { accepts, array: type === 'a', optional: optional === '?' };
  });
  const pattern = new RegExp('^' + params.map((p, index) => `([${letters[index]}]${p.optional ? '?' : ''})`).join('') + '$');
  if (!pattern.test('m'.repeat(arity))) notInSubset();
  return { params, pattern };
}

/**
 * signature.validate with optional parameters: the supplied symbols must match the parameter pattern
 * (T0410 otherwise); then each parameter takes the next argument, an `a` parameter wrapping a
 * non-array value in an array. Without optional parameters the pattern is one symbol per parameter
 * and checkArgument per argument gives the same result without building strings.
 */
export function compileOptionalSignature(params: readonly Parameter[], pattern: RegExp): (args: unknown[]) => unknown[] {
  return (args) => {
    const groups = pattern.exec(args.map((arg) => SYMBOL_LETTERS[symbolBit(arg)]).join('')) ?? bail();
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
