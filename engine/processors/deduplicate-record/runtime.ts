import { implement, valueAtPath, type FlowRecord } from '../../sdk';
import { compileExpression, evaluateEach } from '../../expression/jsonata';
import { SeenKeys } from './seen-keys';
import { deduplicateRecordSpec, keyFields } from './spec';

/** Saving every key on every trigger would cost O(keys) per batch: the snapshot is saved at most this often. */
const SAVE_EVERY_MS = 1_000;

/** What DeduplicateRecord keeps as processor state. */
interface SavedKeys {
  readonly keys: [string, number][];
}

export interface DeduplicateView {
  readonly unique: number;
  readonly duplicates: number;
  readonly remembered: number;
}

export default implement(deduplicateRecordSpec, ({ props, state }) => {
  const seenKeys = new SeenKeys(props.maxEntries, props.windowSeconds * 1_000);
  const saved = state() as SavedKeys | undefined;
  if (props.persist && Array.isArray(saved?.keys)) seenKeys.restore(saved.keys, Date.now());
  const keyOf = props.keyFrom === 'fields' ? fieldsKey(keyFields(props.fields)) : expressionKey(props.expression);
  const totals = { unique: 0, duplicates: 0 };
  let savedAt = 0;

  return {
    onTrigger(batch, session) {
      const now = Date.now();
      const added: string[] = [];
      let duplicates = 0;
      const route = (record: FlowRecord, key: unknown) => {
        if (typeof key !== 'string') return session.fail(record, 'the key expression gave nothing');
        if (seenKeys.seen(key, now)) {
          duplicates++;
          return session.transfer(record, 'duplicate');
        }
        added.push(key);
        session.transfer(record, 'unique');
      };
      // keys are remembered as the records are routed (a key twice in one batch is a duplicate), and
      // forgotten again if the session rolls back, since those records will come again
      session.onRolledBack(() => seenKeys.forget(added));
      const finish = () => {
        // counters for the view: nobody waits for them
        session.onCommitted(
          () => {
            totals.unique += added.length;
            totals.duplicates += duplicates;
          },
          { waiting: false },
        );
        if (props.persist && added.length > 0 && now - savedAt >= SAVE_EVERY_MS) {
          // kept only if this session commits, so the saved keys never run ahead of the records passed on
          session.setState({ keys: seenKeys.snapshot() } satisfies SavedKeys);
          session.onCommitted(() => (savedAt = now), { waiting: false });
        }
      };
      const pending = evaluateEach(
        batch.length,
        (i) => keyOf(batch[i]),
        (i, key) => route(batch[i], key),
        (i, message) => session.fail(batch[i], message),
      );
      return pending ? pending.then(finish) : finish();
    },
    view: (): DeduplicateView => ({ ...totals, remembered: seenKeys.size }),
  };
});

/** The key of the listed fields: their values as JSON, so 1 and "1" differ; a missing field is an error. */
function fieldsKey(fields: readonly string[]): (record: FlowRecord) => string {
  const paths = fields.map((field) => field.split('.'));
  return (record) => {
    const values = paths.map((path, i) => {
      const value = valueAtPath(record.content, path);
      if (value === undefined) throw new Error(`key field ${fields[i]} is missing`);
      return value;
    });
    return JSON.stringify(values);
  };
}

/** The key from a JSONata expression, as JSON text (a promise when the interpreter is needed). */
function expressionKey(source: string): (record: FlowRecord) => unknown {
  const expression = compileExpression(source);
  const toKey = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));
  return (record) => {
    const value = expression.evaluate(record.content, { attributes: record.attributes });
    return value instanceof Promise ? value.then(toKey) : toKey(value);
  };
}
