import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcessor } from '../../testing/run-processor';
import convert from './runtime';

test('parse CSV text into one typed record per row, keeping attributes; a bad row fails alone with its line', async () => {
  const text = 'id,name,paid\n1,"Ada, Countess",true\n2,Bob\n3,"multi\nline",false\n';
  const run = await runProcessor(convert).props({ operation: 'parse', format: 'csv' }).enqueue([text], { source: 'upload' }).run();
  assert.deepEqual(run.routed('success').map((r) => r.content), [
    { id: 1, name: 'Ada, Countess', paid: true },
    { id: 3, name: 'multi\nline', paid: false },
  ]);
  assert.deepEqual(run.routed('success')[1].attributes, { source: 'upload', 'record.index': '2' });
  const [bad] = run.routed('failure');
  assert.equal(bad.content, '2,Bob\n');
  assert.equal(bad.attributes['record.line'], '3');
  assert.match(bad.attributes['error.message'], /^line 3: the row has 2 field\(s\), the header has 3$/);
  assert.ok(run.routed('success').every((r) => r.parents.length === 1), 'rows descend from the text record');
});

test('parse JSON lines held in a field into an array in place; text that does not parse fails the record', async () => {
  const run = await runProcessor(convert)
    .props({ operation: 'parse', format: 'jsonl', rows: 'array', field: 'body' })
    .enqueue([{ status: 200, body: '{"a":1}\n{"a":2}\n' }, { status: 200, body: '{"a":1}\nnope\n' }, { status: 204 }])
    .run();
  assert.deepEqual(run.routed('success').map((r) => r.content), [{ status: 200, body: [{ a: 1 }, { a: 2 }] }]);
  assert.deepEqual(run.routed('failure').map((r) => r.attributes['error.message'].slice(0, 30)), ['line 2: not JSON: Unexpected t', 'the field "body" is not text (']);
});

test('serialize a batch of records into one CSV text, and parse it back to the same records', async () => {
  const rows = [
    { id: 1, name: 'say "hi"', price: 39.5, code: '007', note: null },
    { id: 2, name: 'a,b\nc', price: 2, code: '42', extra: true },
  ];
  const out = await runProcessor(convert).props({ operation: 'serialize', format: 'csv' }).enqueue([...rows, 5]).run();
  const [text] = out.routed('success');
  assert.equal(out.routed('failure').length, 1, 'a non-object cannot be a CSV row');
  assert.equal(text.attributes['record.count'], '2');
  assert.equal(text.attributes['mime.type'], 'text/csv');
  assert.equal((text.content as string).split('\n')[0], 'id,name,price,code,note,extra');
  const back = await runProcessor(convert).props({ operation: 'parse', format: 'csv' }).enqueue([text.content]).run();
  assert.deepEqual(back.routed('success').map((r) => r.content), [
    { ...rows[0], extra: null },
    { ...rows[1], note: null },
  ]);
});

test('serialize an array of rows in a field into JSON text in place', async () => {
  const run = await runProcessor(convert)
    .props({ operation: 'serialize', format: 'json', rows: 'array', field: 'items' })
    .enqueue([{ order: 7, items: [{ sku: 'a' }, 2] }, { order: 8, items: 'x' }])
    .run();
  const [done] = run.routed('success');
  assert.deepEqual(JSON.parse((done.content as { items: string }).items), [{ sku: 'a' }, 2]);
  assert.equal((done.content as { order: number }).order, 7);
  assert.match(run.routed('failure')[0].attributes['error.message'], /not an array of rows/);
});
