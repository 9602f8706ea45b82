/**
 * jsonata's string functions with a regex literal as their pattern (`$contains(s, /a+/i)`,
 * `$replace(s, /(\d+)/, "#$1")`, `$split(s, /[,;]\s+/)`, `$match(s, /(\w+)@(\w+)/)`), mirrored step
 * for step from jsonata.js:
 * its regexes always carry the g flag, matches are found one after another from the last index, and
 * a later match of the empty string is its error D1004 (bail: the interpreter throws it).
 */
import { notInSubset, type AstNode, type CompileContext, type Evaluator } from './ast';
import { bail, createSequence, isBound, numberArg, stringArg } from './values';

interface Match {
  readonly match: string;
  readonly start: number;
  readonly groups: readonly (string | undefined)[];
}

/** The matches of `re` in `text` as jsonata's evaluateRegex and its next() yield them. */
function* matchesOf(re: RegExp, text: string): Generator<Match> {
  re.lastIndex = 0;
  let found = re.exec(text);
  for (let first = true; found !== null; first = false) {
    if (!first && found[0] === '') bail(); // D1004: a zero-length match would never progress
    yield { match: found[0], start: found.index, groups: found.slice(1) };
    if (re.lastIndex >= text.length) return;
    found = re.exec(text);
  }
}

/** jsonata's replacement text: $0 the match, $n a group (as many digits as the group count has), $$ a dollar. */
function substitute(replacement: string, { match, groups }: Match): string {
  let result = '';
  let position = 0;
  let index = replacement.indexOf('$', position);
  while (index !== -1 && position < replacement.length) {
    result += replacement.substring(position, index);
    position = index + 1;
    const next = replacement.charAt(position);
    if (next === '$') {
      result += '$';
      position++;
    } else if (next === '0') {
      result += match;
      position++;
    } else {
      const maxDigits = groups.length === 0 ? 1 : Math.floor(Math.log(groups.length) * Math.LOG10E) + 1;
      let group = parseInt(replacement.substring(position, position + maxDigits), 10);
      if (maxDigits > 1 && group > groups.length) group = parseInt(replacement.substring(position, position + maxDigits - 1), 10);
      if (!isNaN(group)) {
        if (groups.length > 0) result += groups[group - 1] ?? '';
        position += group.toString().length;
      } else {
        result += '$';
      }
    }
    index = replacement.indexOf('$', position);
  }
  return result + replacement.substring(position);
}

type RegexFunction = (re: RegExp, first: unknown, rest: readonly unknown[]) => unknown;

const REGEX_FUNCTIONS: Readonly<Record<string, { readonly maxArgs: number; readonly fn: RegexFunction }>> = {
  // fn.contains: the first match decides.
  contains: {
    maxArgs: 2,
    fn: (re, value) => {
      const str = stringArg(value);
      if (str === undefined) return undefined;
      re.lastIndex = 0;
      return re.exec(str) !== null;
    },
  },
  // fn.replace with a string replacement (a function replacement is the interpreter's).
  replace: {
    maxArgs: 4,
    fn: (re, value, [replacement, limitValue]) => {
      const str = stringArg(value);
      if (typeof replacement !== 'string') bail();
      const limit = numberArg(limitValue);
      if (str === undefined) return undefined;
      if (limit !== undefined && limit < 0) bail(); // D3011
      if (limit !== undefined && !(limit > 0)) return str;
      let result = '';
      let position = 0;
      let count = 0;
      for (const found of matchesOf(re, str)) {
        if (limit !== undefined && count >= limit) break;
        result += str.substring(position, found.start) + substitute(replacement as string, found);
        position = found.start + found.match.length;
        count++;
      }
      return result + str.substring(position);
    },
  },
  // fn.match `<s-f<s:o>n?:a<o>>`: {match, index, groups} per match, at most `limit`; a sequence
  // (unwrapped at the call: one match is that object, none is undefined). An undefined string is
  // undefined before the limit is checked; like jsonata, the next match is sought after each one
  // taken, so a later empty match is D1004 even past the limit.
  match: {
    maxArgs: 3,
    fn: (re, value, [limitValue]) => {
      const str = stringArg(value);
      const limit = numberArg(limitValue);
      if (str === undefined) return undefined;
      if (limit !== undefined && limit < 0) bail(); // D3040
      const result = createSequence();
      if (limit !== undefined && !(limit > 0)) return result;
      let count = 0;
      for (const found of matchesOf(re, str)) {
        if (limit !== undefined && count >= limit) break;
        result.push({ match: found.match, index: found.start, groups: found.groups });
        count++;
      }
      return result;
    },
  },
  // fn.split: the pieces between matches, at most `limit`.
  split: {
    maxArgs: 3,
    fn: (re, value, [limitValue]) => {
      const str = stringArg(value);
      const limit = numberArg(limitValue);
      if (str === undefined) return undefined;
      if (limit !== undefined && limit < 0) bail(); // D3020
      if (limit !== undefined && !(limit > 0)) return [];
      const result: string[] = [];
      let start = 0;
      let count = 0;
      let matched = false;
      for (const found of matchesOf(re, str)) {
        if (limit !== undefined && count >= limit) break;
        matched = true;
        result.push(str.substring(start, found.start));
        start = found.start + found.match.length;
        count++;
      }
      if (!matched) return [str];
      if (limit === undefined || count < limit) result.push(str.substring(start));
      return result;
    },
  },
};

/** `$name(x, /re/, …)` with a regex literal second, or undefined when this call is not one of those. */
export function compileRegexCall(name: string, argNodes: readonly AstNode[], context: CompileContext): Evaluator | undefined {
  const pattern = argNodes[1];
  if (pattern?.type !== 'regex') return undefined;
  const spec = Object.hasOwn(REGEX_FUNCTIONS, name) ? REGEX_FUNCTIONS[name] : notInSubset();
  if (argNodes.length > spec.maxArgs || !(pattern.value instanceof RegExp)) notInSubset();
  // one RegExp per call site: evaluation is synchronous and every use starts from lastIndex 0
  const re = new RegExp(pattern.value);
  const first = context.compile(argNodes[0]);
  const rest = argNodes.slice(2).map((node) => context.compile(node));
  return (input, bindings) => {
    if (isBound(bindings, name)) bail();
    const value = first(input, bindings);
    return spec.fn(re, value, rest.map((evaluate) => evaluate(input, bindings)));
  };
}
