import { implement } from '../../sdk';
import { compileExpression, describeJsonataError } from '../../expression/jsonata';
import { transformSpec } from './spec';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export default implement(transformSpec, ({ props }) => {
  const expression = compileExpression(props.expression);

  /** The new content, or a reason the record goes to failure. */
  function apply(content: unknown, result: unknown): { content: unknown } | { error: string } {
    if (result === undefined) return { error: 'the expression returned nothing' };
    if (props.mode === 'replace') return { content: result };
    if (!isObject(result)) return { error: 'merge mode needs the expression to return an object' };
    if (!isObject(content)) return { error: 'merge mode needs the record content to be an object' };
    return { content: { ...content, ...result } };
  }

  return {
    async onTrigger(batch, session) {
      for (const record of batch) {
        let outcome: { content: unknown } | { error: string };
        try {
          outcome = apply(record.content, await expression.evaluate(record.content));
        } catch (error) {
          outcome = { error: describeJsonataError(error) };
        }
        if ('error' in outcome) {
          session.fail(record, outcome.error);
        } else {
          session.transfer(session.update(record, { content: outcome.content }), 'success');
        }
      }
    },
  };
});
