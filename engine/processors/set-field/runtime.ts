import { implement, type FlowRecord } from '../../sdk';
import { setFieldSpec } from './spec';

type Operand = (content: Record<string, unknown>) => unknown;

/** A number literal stands for itself; anything else names a field (dotted path). */
function operandOf(source: string): Operand {
  const trimmed = source.trim();
  const literal = Number(trimmed);
  if (trimmed !== '' && Number.isFinite(literal)) return () => literal;
  const path = trimmed.split('.');
  if (path.length === 1) return (content) => content[trimmed];
  return (content) => path.reduce<unknown>((value, key) => (isObject(value) ? value[key] : undefined), content);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Copy along the path (records are immutable): a new object at every level that changes. */
function withField(content: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  // Object.assign, not spread: V8 builds spread copies of unknown shapes ~8× slower (bench/)
  const [head, ...rest] = path;
  const copy = Object.assign({}, content);
  if (rest.length === 0) copy[head] = value;
  else copy[head] = withField(isObject(content[head]) ? (content[head] as Record<string, unknown>) : {}, rest, value);
  return copy;
}

const arithmetic = {
  add: (a: number, b: number) => a + b,
  subtract: (a: number, b: number) => a - b,
  multiply: (a: number, b: number) => a * b,
  divide: (a: number, b: number) => a / b,
} as const;

export default implement(setFieldSpec, ({ props }) => {
  const path = props.field.split('.');
  const left = operandOf(props.left);
  const right = operandOf(props.right);

  /** The new value, or a SetFieldError saying why there is none. */
  const compute = ((): ((content: Record<string, unknown>) => unknown) => {
    switch (props.operation) {
      case 'constant': {
        const value = JSON.parse(props.left) as unknown;
        return () => value;
      }
      case 'copy':
        return left;
      case 'concat':
        return (content) => `${left(content) ?? ''}${right(content) ?? ''}`;
      default: {
        const op = arithmetic[props.operation];
        return (content) => {
          const a = left(content);
          const b = right(content);
          if (typeof a !== 'number' || typeof b !== 'number') return new SetFieldError(`${props.operation} needs numbers, got ${typeof a} and ${typeof b}`);
          const result = op(a, b);
          return Number.isFinite(result) ? result : new SetFieldError(`${props.operation} gave ${result}`);
        };
      }
    }
  })();

  return {
    onTrigger(batch, session) {
      // successes are routed together at the end (transferAll), failures as they come
      const updated: FlowRecord[] = [];
      for (const record of batch) {
        const content = record.content;
        const value = isObject(content) ? compute(content) : new SetFieldError('the record content is not an object');
        if (value instanceof SetFieldError) session.fail(record, value.message);
        else updated.push(session.update(record, { content: withField(content as Record<string, unknown>, path, value) }));
      }
      session.transferAll(updated, 'success');
    },
  };
});

class SetFieldError {
  constructor(readonly message: string) {}
}
