import { implement } from '../../sdk';
import { compileExpression, describeJsonataError, evaluateRest, isPromise } from '../../expression/jsonata';
import { generateRecordsSpec } from './spec';

const EMPTY = Object.freeze({});

/** GenerateRecords' state: how many records it has generated, committed with them. */
interface Generated {
  readonly next: number;
}

/**
 * Acknowledges nothing upstream (it has no upstream); its record number is state committed with
 * the records, so after a crash it resumes after the last number durably queued: a number is never
 * produced twice, and `limit` counts across restarts.
 */
export default implement(generateRecordsSpec, ({ props, batchSize, state }) => {
  const template = compileExpression(props.template);
  let generated = (state() as Generated | undefined)?.next ?? 0;
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
      // the numbers are taken now and given back if the session rolls back (the template failed,
      // say: the bulletin shows why), so the numbering resumes where it was (triggers never overlap)
      const first = generated;
      generated += count;
      session.onRolledBack(() => (generated = first));
      const failed = (n: number, message: string): never => {
        throw new Error(`template failed for record ${first + n}: ${message}`);
      };
      // contents first, then one createAll and transferAll: the cheap way to route a whole batch
      const contents = new Array<unknown>(count);
      const emit = () => {
        session.transferAll(session.createAll(contents), 'success');
        session.setState({ next: first + count } satisfies Generated);
      };
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
