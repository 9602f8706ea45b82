import jsonata from 'jsonata';
import { randomUUID } from 'node:crypto';

/** A compiled JSONata expression, evaluated against a record's content. */
export interface CompiledExpression {
  readonly source: string;
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
}

/** Functions every Conflux expression can call, beyond JSONata's own. */
function registerExtensions(expression: jsonata.Expression): void {
  expression.registerFunction('randomInt', (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1)), '<nn:n>');
  expression.registerFunction('pick', (values: unknown[]) => values[Math.floor(Math.random() * values.length)], '<a:x>');
  expression.registerFunction('uuid', () => randomUUID(), '<:s>');
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
  registerExtensions(expression);
  return {
    source,
    evaluate: (input, bindings) => expression.evaluate(input, bindings),
  };
}

/** JSONata errors are plain objects with a message and a character position. */
export function describeJsonataError(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) {
    const { message, position } = error as { message: string; position?: number };
    return position === undefined ? message : `${message} (at character ${position})`;
  }
  return String(error);
}
