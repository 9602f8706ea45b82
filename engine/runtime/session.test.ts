import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecord } from '../sdk/record';
import { applyCommit } from './commit';
import { Connection } from './connection';
import { StoreDurability } from './durability';
import { Session } from './session';
import { MemoryStateStore } from './state-store';

const open = { countThreshold: 1000, bytesThreshold: 1e9, prioritizer: 'FIFO', expirationMs: 0 } as const;
const durability = new StoreDurability(new MemoryStateStore());
/** Commit and apply, as the processor node does: the records reach their queues. */
function commit(session: Session) {
  const record = session.commit();
  applyCommit(record, undefined, Date.now(), durability, { flowId: 'f', processorId: 'p', sync: false, pure: false, acknowledge: (callbacks) => callbacks.forEach((c) => c()) });
  return record;
}
const connection = (id: string, relationship: string) => new Connection({ id, sourceId: 'p', relationship, targetId: 'q' }, open);

test('commit routes each record to its relationship', () => {
  const success = connection('s', 'success');
  const failure = connection('f', 'failure');
  const [a, b] = [createRecord({ n: 1 }), createRecord({ n: 2 })];
  const session = new Session([a, b], new Map([['success', [success]], ['failure', [failure]]]), Date.now());
  session.transfer(session.update(a, { content: { n: 10 } }), 'success');
  session.transfer(b, 'failure');
  const result = commit(session);
  assert.deepEqual(success.poll(10).records.map((r) => r.content), [{ n: 10 }]);
  assert.deepEqual(failure.poll(10).records.map((r) => r.id), [b.id]);
  assert.equal(result.out, 2);
});

test('commit fails when a record is neither transferred nor dropped, and nothing is delivered', () => {
  const success = connection('s', 'success');
  const [a, b] = [createRecord(1), createRecord(2)];
  const session = new Session([a, b], new Map([['success', [success]]]), Date.now());
  session.transfer(a, 'success');
  assert.throws(() => commit(session), /1 record\(s\) were neither transferred nor dropped/);
  assert.equal(success.size, 0);
});

test('an unknown relationship, a foreign record and a second routing are errors', () => {
  const a = createRecord(1);
  const session = new Session([a], new Map([['success', [connection('s', 'success')]]]), Date.now());
  assert.throws(() => session.transfer(a, 'nope'), /no relationship named "nope"/);
  assert.throws(() => session.transfer(createRecord(2), 'success'), /does not belong/);
  session.drop(a);
  assert.throws(() => session.transfer(a, 'success'), /already routed/);
});

test('a relationship with two connections clones; an auto-terminated one drops', () => {
  const left = connection('l', 'success');
  const right = connection('r', 'success');
  const a = createRecord({ k: 'v' });
  const b = createRecord({ k: 'w' });
  const session = new Session([a, b], new Map([['success', [left, right]], ['skipped', []]]), Date.now());
  session.transfer(a, 'success');
  session.transfer(b, 'skipped');
  const result = commit(session);
  const [l] = left.poll(10).records;
  const [r] = right.poll(10).records;
  assert.equal(l.id, a.id);
  assert.notEqual(r.id, a.id);
  assert.deepEqual(r.parents, [a.id]);
  assert.deepEqual(r.content, a.content);
  assert.equal(result.dropped, 1);
  assert.equal(result.out, 2);
});

test('created records must be routed too', () => {
  const success = connection('s', 'success');
  const session = new Session([], new Map([['success', [success]]]), Date.now());
  session.create({ x: 1 });
  assert.throws(() => commit(session), /neither transferred nor dropped/);
});

test('records routed out of order, updated and cloned all land once, in input order per relationship', () => {
  const out = connection('s', 'success');
  const inputs = [createRecord({ n: 0 }), createRecord({ n: 1 }), createRecord({ n: 2 }), createRecord({ n: 3 })];
  const session = new Session(inputs, new Map([['success', [out]]]), Date.now());
  session.transfer(inputs[3], 'success');
  const updated = session.update(inputs[1], { content: { n: 10 } });
  session.transfer(session.clone(inputs[0]), 'success');
  session.transfer(inputs[0], 'success');
  session.transfer(updated, 'success');
  session.drop(inputs[2]);
  commit(session);
  assert.deepEqual(out.poll(10).records.map((r) => (r.content as { n: number }).n), [0, 10, 3, 0]);
});

test('requeued inputs are listed by position and delivered nowhere; created records cannot be requeued', () => {
  const out = connection('s', 'success');
  const inputs = [createRecord(0), createRecord(1), createRecord(2)];
  const session = new Session(inputs, new Map([['success', [out]]]), Date.now());
  session.requeue(inputs[0]);
  session.transfer(inputs[1], 'success');
  session.requeue(inputs[2]);
  const made = session.create('new');
  assert.throws(() => session.requeue(made), /only input records can be requeued/);
  session.drop(made);
  const result = commit(session);
  assert.deepEqual(result.requeued, [0, 2]);
  assert.deepEqual(out.poll(10).records.map((r) => r.content), [1]);

  const all = new Session(inputs, new Map([['success', [out]]]), Date.now());
  for (const record of inputs) all.requeue(record);
  assert.deepEqual(commit(all).requeued, [0, 1, 2]);
});

test('update removes attributes before setting; create records its parents', () => {
  const out = connection('s', 'success');
  const a = createRecord({}, { keep: '1', gone: '2', reset: 'old' });
  const b = createRecord({});
  const session = new Session([a, b], new Map([['success', [out]]]), Date.now());
  const updated = session.update(a, { removeAttributes: ['gone', 'reset', 'absent'], attributes: { reset: 'new' } });
  assert.deepEqual(updated.attributes, { keep: '1', reset: 'new' });
  assert.equal(session.update(b, { removeAttributes: ['absent'] }).attributes, b.attributes, 'nothing to remove: same object');
  const merged = session.create([1, 2], {}, [a, b]);
  assert.deepEqual(merged.parents, [a.id, b.id]);
  for (const record of [updated, b, merged]) session.transfer(record, 'success');
  commit(session);
});

test('transferAll and dropAll route a whole batch at once; a record then routed again is an error', () => {
  const out = connection('s', 'success');
  const inputs = [createRecord(0), createRecord(1), createRecord(2)];
  const session = new Session(inputs.slice(), new Map([['success', [out]]]), Date.now());
  session.transferAll(inputs, 'success');
  assert.throws(() => session.drop(inputs[1]), /already routed/);
  assert.throws(() => session.transferAll([inputs[2]], 'success'), /already routed/);
  const made = session.create('late');
  session.dropAll([made]);
  const result = commit(session);
  assert.deepEqual(out.poll(10).records.map((r) => r.content), [0, 1, 2]);
  assert.deepEqual([result.out, result.dropped], [3, 1]);

  const sink = new Session(inputs, new Map(), Date.now());
  sink.dropAll(inputs);
  assert.equal(commit(sink).dropped, 3);
  assert.throws(() => new Session(inputs, new Map(), Date.now()).transferAll(inputs, 'nope'), /no relationship named "nope"/);
});

test('transferAll of records out of order, after others were routed, lands each once in input order', () => {
  const out = connection('s', 'success');
  const failure = connection('f', 'failure');
  const inputs = [createRecord(0), createRecord(1), createRecord(2), createRecord(3)];
  const session = new Session(inputs, new Map([['success', [out]], ['failure', [failure]]]), Date.now());
  session.transfer(inputs[1], 'failure');
  session.transferAll([inputs[3], session.update(inputs[0], { content: 10 }), inputs[2]], 'success');
  commit(session);
  assert.deepEqual(out.poll(10).records.map((r) => r.content), [10, 2, 3]);
  assert.deepEqual(failure.poll(10).records.map((r) => r.content), [1]);
});

test('createAll makes a source batch, after inputs too; a source routes it whole', () => {
  const out = connection('s', 'success');
  const source = new Session([], new Map([['success', [out]]]), 1234);
  const made = source.createAll([{ a: 1 }, { a: 2 }], { origin: 'test' });
  source.transferAll(made, 'success');
  commit(source);
  const delivered = out.poll(10).records;
  assert.deepEqual(delivered.map((r) => [r.content, r.attributes.origin, r.entryTime, r.parents.length]), [
    [{ a: 1 }, 'test', 1234, 0],
    [{ a: 2 }, 'test', 1234, 0],
  ]);
  assert.notEqual(delivered[0].id, delivered[1].id);

  const input = createRecord('in');
  const mixed = new Session([input], new Map([['success', [out]]]), Date.now());
  const extra = mixed.createAll(['x', 'y']);
  mixed.transferAll(extra, 'success');
  mixed.drop(input);
  const result = commit(mixed);
  assert.deepEqual([result.created, result.out, result.dropped], [2, 2, 1]);
  assert.deepEqual(out.poll(10).records.map((r) => r.content), ['x', 'y']);
});

test('updates leave the input batch as taken, for a rollback to requeue', () => {
  const inputs = [createRecord({ n: 1 }), createRecord({ n: 2 })];
  const taken = inputs.slice();
  const session = new Session(inputs, new Map([['success', [connection('s', 'success')]]]), Date.now());
  session.transferAll([session.update(inputs[0], { content: { n: 10 } }), session.update(inputs[1], { content: { n: 20 } })], 'success');
  // the processor threw here: nothing committed, and the batch is what the queue handed over
  assert.deepEqual(inputs, taken);
  assert.deepEqual(inputs.map((r) => r.content), [{ n: 1 }, { n: 2 }]);
});

test('in-order work (update then transferAll, or update and transfer each) never builds the id lookup', () => {
  // a regression guard for the hot path: the lookup is a map of the whole batch, built per trigger
  const inputs = Array.from({ length: 50 }, (_, n) => createRecord(n));
  const outputs = new Map([['success', [connection('s', 'success')]]]);
  const batchWise = new Session(inputs, outputs, Date.now());
  batchWise.transferAll(inputs.map((r) => batchWise.update(r, { content: 0 })), 'success');
  const recordWise = new Session(inputs, outputs, Date.now());
  for (const record of inputs) recordWise.transfer(recordWise.update(record, { content: 0 }), 'success');
  const lookup = (s: Session) => (s as unknown as { slotById?: Map<number, number> }).slotById;
  assert.equal(lookup(batchWise), undefined);
  assert.equal(lookup(recordWise), undefined);
  commit(batchWise);
  commit(recordWise);
});

test("createAll's array stays as returned: later creates and updates do not write into it", () => {
  const out = connection('s', 'success');
  const session = new Session([], new Map([['success', [out]]]), Date.now());
  const first = session.createAll([{ n: 1 }, { n: 2 }]);
  const second = session.createAll([{ n: 3 }]);
  session.update(first[0], { content: { n: 10 } });
  assert.deepEqual(first.map((r) => r.content), [{ n: 1 }, { n: 2 }]);
  session.transferAll(first, 'success');
  session.transferAll(second, 'success');
  commit(session);
  assert.deepEqual(out.poll(10).records.map((r) => r.content), [{ n: 10 }, { n: 2 }, { n: 3 }]);
});

test('a retry count is removed from every record leaving a processor, whoever set it', () => {
  const out = connection('s', 'success');
  const counted = createRecord(1, { 'retry.count': '2', keep: 'yes' });
  const session = new Session([counted], new Map([['success', [out]]]), Date.now());
  session.transferAll([counted], 'success');
  commit(session);
  assert.deepEqual(out.poll(10).records[0].attributes, { keep: 'yes' });
});
