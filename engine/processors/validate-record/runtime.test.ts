import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcessor } from '../../testing/run-processor';
import { describeErrors } from './json-schema';
import validateRecord from './runtime';
import { validateRecordSpec } from './spec';

const orders = JSON.stringify({
  type: 'object',
  required: ['orderId', 'qty'],
  properties: { orderId: { type: 'integer' }, qty: { type: 'integer', minimum: 1 }, status: { enum: ['new', 'paid'] } },
  additionalProperties: false,
});

test('valid records to valid, invalid ones to invalid with the first reason', async () => {
  const run = await runProcessor(validateRecord)
    .props({ schema: orders })
    .enqueue([{ orderId: 1, qty: 2 }, { orderId: 2, qty: 0 }, { qty: 'x', extra: true }])
    .run();
  assert.deepEqual(run.routed('valid').map((r) => (r.content as { orderId: number }).orderId), [1]);
  const invalid = run.routed('invalid');
  assert.deepEqual(invalid.map((r) => r.attributes['validation.errors']), ["/qty must be >= 1", "record must have required property 'orderId'"]);
});

test('allErrors lists every problem, naming extra properties and allowed values', async () => {
  const run = await runProcessor(validateRecord).props({ schema: orders, allErrors: true }).enqueue([{ qty: 'x', extra: true, status: 'lost' }]).run();
  assert.equal(
    run.routed('invalid')[0].attributes['validation.errors'],
    'record must have required property \'orderId\'; record must NOT have additional properties (extra); /qty must be integer; /status must be equal to one of the allowed values ("new", "paid")',
  );
});

test('coercion is off by default; on, valid records carry the converted values', async () => {
  const strict = await runProcessor(validateRecord).props({ schema: orders }).enqueue([{ orderId: '7', qty: '2' }]).run();
  assert.equal(strict.routed('invalid').length, 1);
  const input = { orderId: '7', qty: '2' };
  const coerced = await runProcessor(validateRecord).props({ schema: orders, coerceTypes: true }).enqueue([input]).run();
  assert.deepEqual(coerced.routed('valid')[0].content, { orderId: 7, qty: 2 });
  assert.deepEqual(input, { orderId: '7', qty: '2' }, 'the input record is not modified');
});

test('draft 2020-12 by default (prefixItems), draft-07 when $schema says so; formats are checked', async () => {
  const tuple = JSON.stringify({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false });
  const run = await runProcessor(validateRecord).props({ schema: tuple }).enqueue([['PF-110', 2], ['PF-110', 'two'], ['a', 1, 'extra']]).run();
  assert.equal(run.routed('valid').length, 1);
  assert.equal(run.routed('invalid').length, 2);
  const draft7 = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { at: { type: 'string', format: 'date-time' }, mail: { format: 'email' } } });
  const dated = await runProcessor(validateRecord)
    .props({ schema: draft7 })
    .enqueue([{ at: '2026-11-25T10:00:00Z', mail: 'ops@example.com' }, { at: '2026-02-30T10:00:00Z' }, { mail: 'nobody' }])
    .run();
  assert.equal(dated.routed('valid').length, 1);
  assert.deepEqual(dated.routed('invalid').map((r) => r.attributes['validation.errors']), ['/at must match format "date-time"', '/mail must match format "email"']);
});

test('a schema that does not compile is an error on the schema property', () => {
  const problems = (schema: string) => {
    const parsed = validateRecordSpec.properties.safeParse({ schema });
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  assert.deepEqual(problems(orders), []);
  assert.match(problems('{"type": "object",')[0], /^schema: JSON Schema: not JSON: /);
  assert.match(problems('{"type": "strin"}')[0], /^schema: JSON Schema: schema is invalid: data\/type must be equal to one of the allowed values/);
  assert.match(problems('{"$ref": "#/$defs/order"}')[0], /can't resolve reference #\/\$defs\/order/);
  assert.match(problems('{"type": "string", "format": "emial"}')[0], /unknown format "emial"/);
  assert.match(problems('{"$schema": "http://json-schema.org/draft-04/schema#"}')[0], /draft-04.* is not supported: use draft 2020-12/);
  assert.match(problems('[1]')[0], /a JSON Schema is an object/);
});

test('the reasons are bounded: cut at a whole problem, with how many were left out', () => {
  const errors = Array.from({ length: 200 }, (_, i) => ({ instancePath: `/items/${i}/qty`, schemaPath: '', keyword: 'minimum', params: {}, message: 'must be >= 1' }));
  const text = describeErrors(errors, 200);
  assert.ok(text.length <= 200, `${text.length} characters`);
  assert.match(text, /^\/items\/0\/qty must be >= 1; .*\/qty must be >= 1; … and \d+ more$/);
  assert.equal(describeErrors(errors.slice(0, 2), 200), '/items/0/qty must be >= 1; /items/1/qty must be >= 1');
});
