import { implement } from '../../sdk';
import { compileExpression, describeJsonataError, evaluateRest, isPromise } from '../../expression/jsonata';
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
      // the numbers are taken now and given back if the template fails: the session then rolls
      // back, the bulletin shows why, and the numbering resumes where it was (unless a concurrent
      // trigger took later numbers meanwhile: a gap, never a number twice)
      const first = generated;
      generated += count;
      const failed = (n: number, message: string): never => {
        if (generated === first + count) generated = first;
        throw new Error(`template failed for record ${first + n}: ${message}`);
      };
      // contents first, then one createAll and transferAll: the cheap way to route a whole batch
      const contents = new Array<unknown>(count);
      const emit = () => session.transferAll(session.createAll(contents), 'success');
      // the loop is onTrigger's own, not evaluateEach's (see there)
      for (let n = 0; n < count; n++) {
        let value: unknown;
        try {
          value = template.evaluate(EMPTY, { i: first + n });
        } catch (error) {
          return failed(n, describeJsonataError(error));
        }
        if (isPromise(value)) {
          const evaluate = (k: number) => template.evaluate(EMPTY, { i: first + k });
          return evaluateRest(count, n, value, evaluate, (k, result) => (contents[k] = result), failed).then(emit);
        }
        contents[n] = value;
      }
      emit();
    },
  };
});
