import { implement } from '../../sdk';
import { compileExpression, evaluateEach } from '../../expression/jsonata';
import { generateRecordsSpec } from './spec';

const EMPTY = Object.freeze({});

export default implement(generateRecordsSpec, ({ props, batchSize }) => {
  const template = compileExpression(props.template);
  let generated = 0;
  // Token bucket: a stall (back pressure) does not turn into a burst larger than one batch.
  const burst = Math.max(1, Math.min(batchSize, props.rate));
  let tokens = 0;
  let last = Date.now();

  /** How many records this trigger may create: the batch, the limit and the rate all bound it. */
  function allowance(): number {
    const remaining = props.limit > 0 ? props.limit - generated : Infinity;
    let count = Math.min(batchSize, remaining);
    if (props.rate > 0) {
      const now = Date.now();
      tokens = Math.min(tokens + ((now - last) * props.rate) / 1000, burst);
      last = now;
      count = Math.min(count, Math.floor(tokens));
      tokens -= count;
    }
    return count;
  }

  return {
    onTrigger(_batch, session) {
      const count = allowance();
      if (count <= 0) {
        const limitReached = props.limit > 0 && generated >= props.limit;
        return session.yield(limitReached ? 1000 : Math.ceil(((1 - tokens) * 1000) / props.rate));
      }
      const first = generated;
      // a template that fails for a record is a configuration error: the session rolls back, the
      // bulletin shows it, and the numbering resumes where it was
      const rewind = (error: unknown): never => {
        generated = first;
        throw error;
      };
      try {
        const pending = evaluateEach(
          count,
          (n) => template.evaluate(EMPTY, { i: first + n }),
          (_n, value) => {
            session.transfer(session.create(value), 'success');
            generated++;
          },
          (n, message) => {
            throw new Error(`template failed for record ${first + n}: ${message}`);
          },
        );
        return pending?.catch(rewind);
      } catch (error) {
        return rewind(error);
      }
    },
  };
});
