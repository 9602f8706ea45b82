import { implement, type FlowRecord } from '../../sdk';
import { compileExpression, describeJsonataError, evaluateEach, type CompiledExpression } from '../../expression/jsonata';
import { namesToDelete, updateAttributeSpec } from './spec';

interface Assignment {
  readonly name: string;
  readonly expression: CompiledExpression;
}

export default implement(updateAttributeSpec, ({ props }) => {
  const assignments: Assignment[] = Object.entries(props.set).map(([name, source]) => ({ name, expression: compileExpression(source) }));
  const removeAttributes = namesToDelete(props.delete);

  return {
    // synchronous while every expression answers on the compiled fast path
    onTrigger: (batch, session) =>
      evaluateEach(
        batch.length,
        (i) => attributesOf(assignments, batch[i]),
        (i, attributes) => session.transfer(session.update(batch[i], { attributes: attributes as Record<string, string>, removeAttributes }), 'success'),
        (i, message) => session.fail(batch[i], message),
      ),
  };
});

/**
 * The attributes to set on a record: one evaluation per assignment, synchronous until one needs
 * jsonata's interpreter, from which point the rest are awaited in order. Throws (or rejects) with
 * the attribute's name in the message when an expression fails.
 */
function attributesOf(assignments: readonly Assignment[], record: FlowRecord, from = 0, into: Record<string, string> = {}): Record<string, string> | Promise<Record<string, string>> {
  const bindings = { attributes: record.attributes };
  for (let i = from; i < assignments.length; i++) {
    const { name, expression } = assignments[i];
    let value: unknown;
    try {
      value = expression.evaluate(record.content, bindings);
    } catch (error) {
      throw new Error(`attribute "${name}": ${describeJsonataError(error)}`);
    }
    if (value instanceof Promise) {
      return value.then(
        (resolved) => {
          assign(into, name, resolved);
          return attributesOf(assignments, record, i + 1, into);
        },
        (error: unknown) => {
          throw new Error(`attribute "${name}": ${describeJsonataError(error)}`);
        },
      );
    }
    assign(into, name, value);
  }
  return into;
}

/** Strings as they are, other values as JSON; nothing (undefined) sets nothing. */
function assign(into: Record<string, string>, name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value === 'string') into[name] = value;
  else if (typeof value === 'function') throw new Error(`attribute "${name}": the expression gave a function, not a value`);
  else into[name] = JSON.stringify(value);
}
