/**
 * $toMillis(text, picture) and $fromMillis(millis, picture [, timezone]) with XPath picture strings,
 * run by jsonata's own implementation (datetime.js: parseDateTime / formatDateTime), so every picture
 * means exactly what it means to the interpreter. The forms without a picture are builtins.ts's.
 *
 * jsonata exports no module but the jsonata() factory. Its built-in functions live in the
 * environment every expression evaluates in, and the __evaluate_entry hook (which jsonata.ts uses
 * for the budget) is called with that environment synchronously, at the start of evaluate(): one
 * evaluation of a throwaway expression hands over the records jsonata binds for $toMillis and
 * $fromMillis, whose `implementation` is datetime.js's function.
 */
import jsonata from 'jsonata';
import { notInSubset, type AstNode, type CompileContext, type Evaluator } from './ast';
import type { Clock } from './builtins';
import { bail, isBound, numberArg, stringArg } from './values';

type Implementation = (this: unknown, ...args: unknown[]) => unknown;

interface DateTimeImplementations {
  readonly toMillis: Implementation;
  readonly fromMillis: Implementation;
}

let captured: DateTimeImplementations | null | undefined;

/** jsonata's datetime functions, taken once; null if this jsonata does not hand them over (then: not in the subset). */
function dateTimeImplementations(): DateTimeImplementations | null {
  if (captured !== undefined) return captured;
  let found: Partial<Record<keyof DateTimeImplementations, Implementation>> = {};
  const probe = jsonata('0');
  probe.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, (_expression: unknown, _input: unknown, environment: { lookup(name: string): unknown }) => {
    found = { toMillis: implementationOf(environment.lookup('toMillis')), fromMillis: implementationOf(environment.lookup('fromMillis')) };
  });
  // The hook has run by the time evaluate() returns its promise (which settles later, to 0).
  probe.evaluate(undefined).catch(() => undefined);
  captured = found.toMillis && found.fromMillis ? { toMillis: found.toMillis, fromMillis: found.fromMillis } : null;
  return captured;
}

function implementationOf(definition: unknown): Implementation | undefined {
  const implementation = (definition as { implementation?: unknown } | undefined)?.implementation;
  return typeof implementation === 'function' ? (implementation as Implementation) : undefined;
}

/** A call into jsonata's code: anything it throws (D3110, D3132…D3137, …) is the interpreter's to raise. */
function invoke(implementation: Implementation, self: unknown, a0: unknown, a1: unknown, a2?: unknown): unknown {
  try {
    return implementation.call(self, a0, a1, a2);
  } catch {
    return bail();
  }
}

/** `$toMillis(…, picture)` / `$fromMillis(…, picture…)`, or undefined when this call is not one of them. */
export function compileDateTimeCall(name: string, argNodes: readonly AstNode[], context: CompileContext): Evaluator | undefined {
  if ((name !== 'toMillis' && name !== 'fromMillis') || argNodes.length < 2) return undefined;
  const implementations = dateTimeImplementations() ?? notInSubset();
  if (name === 'toMillis') {
    if (argNodes.length > 2) notInSubset();
    return compileToMillis(implementations.toMillis, argNodes, context);
  }
  if (argNodes.length > 3) notInSubset();
  return compileFromMillis(implementations.fromMillis, argNodes, context);
}

/**
 * fn.toMillis `<s-s?:n>`: both arguments strings or undefined (else T0410). parseDateTime fills the
 * leading components a picture leaves out from the evaluation's timestamp (`this.environment`), the
 * one $now() and $millis() give: the clock's.
 */
function compileToMillis(toMillis: Implementation, argNodes: readonly AstNode[], context: CompileContext): Evaluator {
  const [text, picture] = argNodes.map((node) => context.compile(node));
  const focus = { environment: evaluationTimestamp(context.clock) };
  return (input, bindings) => {
    if (isBound(bindings, 'toMillis')) bail();
    const value = stringArg(text(input, bindings));
    const pattern = stringArg(picture(input, bindings));
    if (value === undefined) return undefined;
    return invoke(toMillis, focus, value, pattern);
  };
}

function evaluationTimestamp(clock: Clock): { readonly timestamp: Date } {
  return clock.use({
    get timestamp() {
      return new Date(clock.millis());
    },
  });
}

/**
 * fn.fromMillis `<n-s?s?:s>`: a number or undefined, then strings or undefined (else T0410). With a
 * literal picture (and timezone), results are remembered (see memoizedFormat).
 */
function compileFromMillis(fromMillis: Implementation, argNodes: readonly AstNode[], context: CompileContext): Evaluator {
  const [millisNode, pictureNode, zoneNode] = argNodes;
  const millis = context.compile(millisNode);
  const picture = context.compile(pictureNode);
  const zone = zoneNode ? context.compile(zoneNode) : () => undefined;
  const format = (ms: number, pattern: string | undefined, timezone: string | undefined) => invoke(fromMillis, undefined, ms, pattern, timezone);
  const literalZone = zoneNode === undefined || zoneNode.type === 'string';
  const memo = pictureNode.type === 'string' && literalZone ? memoizedFormat(format, pictureNode.value as string, zoneNode?.value as string | undefined) : undefined;
  return (input, bindings) => {
    if (isBound(bindings, 'fromMillis')) bail();
    const ms = numberArg(millis(input, bindings));
    const pattern = stringArg(picture(input, bindings));
    const timezone = stringArg(zone(input, bindings));
    if (ms === undefined) return undefined;
    return memo ? memo(ms) : format(ms, pattern, timezone);
  };
}

/** Beyond ±8.64e15 ms a Date is invalid (and every component NaN). */
const MAX_TIME = 8.64e15;
/** Results kept per call site; the memo starts over when full. */
const MEMO_SIZE = 4096;

/**
 * jsonata re-analyses the picture on every call, four fifths of what a call costs. What it prints
 * depends only on the instant it formats, `new Date(millis + offset)`, through the components the
 * picture names (getDateTimeFragment): so for a picture that cannot name a time-of-day component —
 * the letters H h P m s f appear nowhere in it, not even in literal text — two instants on the same
 * UTC day give the same text; one that can name hours but not minutes, the same hour; and so on down
 * to seconds (a picture that can name `f` is not remembered). The offset is computed as jsonata does
 * (parseInt of the timezone, hours and minutes); the Date truncates the sum to whole milliseconds.
 */
function memoizedFormat(
  format: (millis: number, picture: string, timezone: string | undefined) => unknown,
  picture: string,
  timezone: string | undefined,
): ((millis: number) => unknown) | undefined {
  const unit = sameTextWithin(picture);
  const offset = offsetMillis(timezone);
  if (unit === undefined || !Number.isFinite(offset)) return undefined;
  const memo = new Map<number, unknown>();
  return (millis) => {
    const shifted = millis + offset;
    if (!(Math.abs(shifted) <= MAX_TIME)) return format(millis, picture, timezone);
    const bucket = Math.floor(Math.trunc(shifted) / unit);
    let text = memo.get(bucket);
    if (text === undefined) {
      text = format(millis, picture, timezone);
      if (memo.size >= MEMO_SIZE) memo.clear();
      memo.set(bucket, text);
    }
    return text;
  };
}

/** The span of time (ms) within which the picture prints the same text, if it can be told from its letters. */
function sameTextWithin(picture: string): number | undefined {
  if (picture.includes('f')) return undefined;
  if (picture.includes('s')) return 1000;
  if (picture.includes('m')) return 60_000;
  if (/[HhP]/.test(picture)) return 3_600_000;
  return 86_400_000;
}

/** formatDateTime's offset: `parseInt(timezone)` read as ±hhmm. NaN when it is not a number. */
function offsetMillis(timezone: string | undefined): number {
  if (timezone === undefined) return 0;
  const offset = parseInt(timezone);
  const hours = Math.floor(offset / 100);
  const minutes = offset % 100;
  return (60 * hours + minutes) * 60 * 1000;
}
