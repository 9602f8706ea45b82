import { randomUUID } from 'node:crypto';
import { implement, type FlowRecord, type ProcessSession } from '../../sdk';
import { compileExpression, evaluateEach } from '../../expression/jsonata';
import { FRAGMENT_ATTRIBUTES, splitRecordSpec } from './spec';

export default implement(splitRecordSpec, ({ props }) => {
  // `$` is the content itself: no expression to evaluate (and jsonata's slow path for array inputs avoided)
  const whole = props.array.trim() === '$';
  const expression = whole ? undefined : compileExpression(props.array);
  const what = whole ? 'the record content' : `the array \`${props.array}\``;

  function notAnArray(value: unknown): string {
    if (value === undefined) return `${what} gave nothing (a missing field, or nothing matched)`;
    // the JSONata gotcha: a path or filter with one match gives the element, not a one-element array
    const hint = whole ? '' : `; if it matched one element, write \`${props.array}[]\` to always get an array`;
    return `${what} is not an array but ${describe(value)}${hint}`;
  }

  function split(record: FlowRecord, value: unknown, session: ProcessSession<'split' | 'original' | 'failure'>): void {
    if (!Array.isArray(value)) return session.fail(record, notAnArray(value));
    const pieces = chunk(value, props.chunkSize);
    const identifier = randomUUID();
    const count = String(pieces.length);
    for (let index = 0; index < pieces.length; index++) {
      const attributes = { [FRAGMENT_ATTRIBUTES.identifier]: identifier, [FRAGMENT_ATTRIBUTES.index]: String(index), [FRAGMENT_ATTRIBUTES.count]: count };
      // a clone: new id, the original as parent, its attributes and entry time
      session.transfer(session.update(session.clone(record), { content: pieces[index], attributes }), 'split');
    }
    const attributes = { [FRAGMENT_ATTRIBUTES.identifier]: identifier, [FRAGMENT_ATTRIBUTES.count]: count };
    session.transfer(session.update(record, { attributes }), 'original');
  }

  return {
    onTrigger(batch, session) {
      if (!expression) {
        for (const record of batch) split(record, record.content, session);
        return;
      }
      return evaluateEach(
        batch.length,
        (i) => expression.evaluate(batch[i].content),
        (i, value) => split(batch[i], value, session),
        (i, message) => session.fail(batch[i], `${what}: ${message}`),
      );
    },
  };
});

/** The elements themselves for size 1, else arrays of `size` elements (plain arrays, not jsonata sequences). */
function chunk(values: readonly unknown[], size: number): readonly unknown[] {
  if (size === 1) return values;
  const chunks: unknown[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${String(JSON.stringify(value) ?? value).slice(0, 40)})`;
}
