import jsonata from 'jsonata';
import { randomUUID } from 'node:crypto';
import { BAIL, compileFast, type FastExpression, type FunctionSpec } from './compile';

/**
 * A compiled JSONata expression, evaluated against a record's content. `evaluate` answers
 * synchronously when the compiled fast path handles the input, and with a promise (jsonata's own
 * interpreter) otherwise; the answer is the same either way.
 */
export interface CompiledExpression {
  readonly source: string;
  /** Whether the expression is inside the compiled subset (it may still fall back per input). */
  readonly compiled: boolean;
  evaluate(input: unknown, bindings?: Readonly<Record<string, unknown>>): unknown;
}

/** Functions every Conflux expression can call beyond JSONata's own: one table for both evaluators. */
export const EXTENSIONS: Readonly<Record<string, FunctionSpec>> = {
  randomInt: { implementation: (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1)), signature: '<nn:n>' },
  pick: { implementation: (values: unknown[]) => values[Math.floor(Math.random() * values.length)], signature: '<a:x>' },
  uuid: { implementation: () => randomUUID(), signature: '<:s>' },
};

const NO_BINDINGS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * What one record's evaluation by jsonata's interpreter may cost. An expression can run away (a
 * recursive function without a base case, an endless loop): past the budget the record fails with
 * a reason, instead of hanging the engine. The compiled fast path cannot recurse and loops only over
 * the arrays in the record ($map, $filter, aggregates), so it needs none.
 */
export const EXPRESSION_BUDGET = {
  /** Wall time for one record, including the pauses below. */
  timeMs: 500,
  /** Nesting of evaluations (each function call adds a few): deep recursion fails fast. */
  depth: 10_000,
  /** Continuous interpreter work before it pauses for the event loop (HTTP, socket.io, other processors). */
  sliceMs: 10,
} as const;

/** The binding that carries a record's budget: no JSONata variable can be named like it. */
const BUDGET = 'conflux.budget';
const ENTRY = Symbol.for('jsonata.__evaluate_entry') as unknown as string;
const EXIT = Symbol.for('jsonata.__evaluate_exit') as unknown as string;

interface Budget {
  depth: number;
  steps: number;
  readonly deadline: number;
  sliceEnd: number;
}

type Environment = { lookup(name: string): unknown };

/** jsonata awaits its entry hook: it checks the budget, and now and then lets the event loop run. */
function onEntry(_expression: unknown, _input: unknown, environment: Environment): void | Promise<void> {
  const budget = environment.lookup(BUDGET) as Budget | undefined;
  if (!budget) return;
  if (++budget.depth > EXPRESSION_BUDGET.depth) {
    throw { code: 'U1001', message: `the expression nests deeper than ${EXPRESSION_BUDGET.depth} levels for this record (runaway recursion?)` };
  }
  if ((++budget.steps & 63) !== 0) return;
  const now = performance.now();
  if (now > budget.deadline) {
    throw { code: 'U1002', message: `the expression ran longer than ${EXPRESSION_BUDGET.timeMs} ms for this record (an endless loop?)` };
  }
  if (now > budget.sliceEnd) {
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        budget.sliceEnd = performance.now() + EXPRESSION_BUDGET.sliceMs;
        resolve();
      }),
    );
  }
}

function onExit(_expression: unknown, _input: unknown, environment: Environment): void {
  const budget = environment.lookup(BUDGET) as Budget | undefined;
  if (budget) budget.depth--;
}

function withBudget(bindings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const now = performance.now();
  const budget: Budget = { depth: 0, steps: 0, deadline: now + EXPRESSION_BUDGET.timeMs, sliceEnd: now + EXPRESSION_BUDGET.sliceMs };
  return { ...bindings, [BUDGET]: budget };
}

/**
 * Compile once per processor start, evaluate per record. Throws an Error naming the expression's
 * position when it does not parse, so configuration mistakes surface at start, not per record.
 */
export function compileExpression(source: string): CompiledExpression {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source);
  } catch (error) {
    throw new Error(`invalid JSONata expression: ${describeJsonataError(error)}`, { cause: error });
  }
  for (const [name, { implementation, signature }] of Object.entries(EXTENSIONS)) {
    expression.registerFunction(name, implementation as (...args: unknown[]) => unknown, signature);
  }
  expression.assign(ENTRY, onEntry);
  expression.assign(EXIT, onExit);
  const fast: FastExpression | undefined = compileFast(expression.ast(), EXTENSIONS);
  const interpret = (input: unknown, bindings: Readonly<Record<string, unknown>> = NO_BINDINGS) => expression.evaluate(input, withBudget(bindings));
  return {
    source,
    compiled: fast !== undefined,
    evaluate: fast
      ? (input, bindings = NO_BINDINGS) => {
          const result = fast(input, bindings);
          return result === BAIL ? interpret(input, bindings) : result;
        }
      : interpret,
  };
}

/**
 * Evaluate for indexes 0..count-1 and hand each value (or error message) over, in order:
 * synchronously while the fast path answers, switching to awaiting at the first index that needs the
 * interpreter. Returns a promise only in that case, so a processor stays synchronous when it can.
 *
 * Convenient, not fastest: V8 keeps one type feedback for this loop whatever processor calls it, so
 * the callbacks are not inlined, and a loop in a closure made per trigger is slow to optimise. The
 * hot processors (Transform, GenerateRecords) loop in onTrigger itself and call evaluateRest at the
 * first promise; that cut the engine bench's time by about 5 %.
 */
export function evaluateEach(
  count: number,
  evaluate: (index: number) => unknown,
  onValue: (index: number, value: unknown) => void,
  onError: (index: number, message: string) => void,
): void | Promise<void> {
  for (let i = 0; i < count; i++) {
    let result: unknown;
    try {
      result = evaluate(i);
    } catch (error) {
      onError(i, describeJsonataError(error));
      continue;
    }
    if (isPromise(result)) return evaluateRest(count, i, result, evaluate, onValue, onError);
    onValue(i, result);
  }
}

/**
 * The asynchronous rest of an evaluation loop: `pending` is index `from`'s answer; every later index
 * is evaluated and awaited in turn (a synchronous answer simply resolves at once).
 */
export async function evaluateRest(
  count: number,
  from: number,
  pending: Promise<unknown>,
  evaluate: (index: number) => unknown,
  onValue: (index: number, value: unknown) => void,
  onError: (index: number, message: string) => void,
): Promise<void> {
  for (let i = from; i < count; i++) {
    let value: unknown;
    try {
      value = await (i === from ? pending : evaluate(i));
    } catch (error) {
      onError(i, describeJsonataError(error));
      continue;
    }
    onValue(i, value);
  }
}

export function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Promise<unknown>).then === 'function';
}

/** JSONata errors are plain objects with a message and a character position. */
export function describeJsonataError(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) {
    const { message, position } = error as { message: string; position?: number };
    return position === undefined ? message : `${message} (at character ${position})`;
  }
  return String(error);
}
