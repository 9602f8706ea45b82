import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferSchema, mergeSchemas, typeOfValue } from './schema';

test('infers types, widening integer to double and mixed scalars to string', () => {
  const schema = inferSchema([
    { id: 1, price: 39, sku: 'PF-110', paid: true, at: '2026-08-01T10:00:00Z', tags: ['a'] },
    { id: 2, price: 39.5, sku: 110, paid: false, at: '2026-08-01 10:00:01', tags: null },
  ]);
  assert.deepEqual(schema.fields, [
    { name: 'id', type: 'integer', nullable: false },
    { name: 'price', type: 'double', nullable: false },
    { name: 'sku', type: 'string', nullable: false },
    { name: 'paid', type: 'boolean', nullable: false },
    { name: 'at', type: 'timestamp', nullable: false },
    { name: 'tags', type: 'json', nullable: true },
  ]);
});

test('fields missing from some records, or only null, are nullable', () => {
  const schema = inferSchema([{ a: 1 }, { b: 'x' }, { a: 2, c: null }]);
  assert.deepEqual(schema.fields, [
    { name: 'a', type: 'integer', nullable: true },
    { name: 'b', type: 'string', nullable: true },
    { name: 'c', type: 'string', nullable: true },
  ]);
});

test('a date-like string that is not a valid date stays a string', () => {
  assert.equal(typeOfValue('2026-13-45T99:00:00Z'), 'string');
  assert.equal(typeOfValue(new Date()), 'timestamp');
});

test('merging schemas widens shared fields and makes one-sided fields nullable', () => {
  const merged = mergeSchemas(inferSchema([{ id: 1, qty: 2 }]), inferSchema([{ id: 1.5, region: 'EU' }]));
  assert.deepEqual(merged.fields, [
    { name: 'id', type: 'double', nullable: false },
    { name: 'qty', type: 'integer', nullable: true },
    { name: 'region', type: 'string', nullable: true },
  ]);
});
