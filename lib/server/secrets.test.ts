// node --import tsx --test lib/server/secrets.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { MASKED } from '../../engine/sdk';
import { flowGraph, processorConfig, serviceConfig } from '../../engine/flow/build';
import { catalogOf } from './catalog';
import { keepSecrets, maskGraph, maskProperties, sensitiveKeys } from './secrets';

const pool = {
  properties: z.object({
    url: z.string(),
    password: z.string().default('').meta({ sensitive: true }),
    // the meta inside a wrapper counts too: the form sees it there as well
    token: z.string().meta({ sensitive: true }).optional(),
    port: z.number().default(5432),
  }),
};

test('sensitive keys come from the meta, wherever it sits in the property schema', () => {
  assert.deepEqual([...sensitiveKeys(pool.properties)].sort(), ['password', 'token']);
});

test('masking replaces set secrets only, and every value of a type nobody knows', () => {
  const stored = { url: 'postgresql://db/shop', password: 's3cret', token: '', port: 5432 };
  assert.deepEqual(maskProperties(pool, stored), { url: 'postgresql://db/shop', password: MASKED, token: '', port: 5432 });
  assert.deepEqual(stored.password, 's3cret', 'the stored object is left alone');
  assert.deepEqual(maskProperties(undefined, { url: 'x', n: 3, empty: '' }), { url: MASKED, n: MASKED, empty: '' });
});

test('a secret sent back MASKED or left out keeps the stored value; an empty string removes it', () => {
  const stored = { url: 'a', password: 's3cret', token: 't0ken' };
  assert.deepEqual(keepSecrets(pool, { url: 'b', password: MASKED, token: MASKED }, stored), { url: 'b', password: 's3cret', token: 't0ken' });
  assert.deepEqual(keepSecrets(pool, { url: 'b' }, stored), { url: 'b', password: 's3cret', token: 't0ken' });
  assert.deepEqual(keepSecrets(pool, { url: 'b', password: 'new', token: '' }, stored), { url: 'b', password: 'new', token: '' });
  assert.deepEqual(keepSecrets(pool, { url: 'b', password: MASKED }, { url: 'a' }), { url: 'b' }, 'MASKED with nothing stored is no value');
});

test('a graph is masked in its processors and its services, by their own specs', () => {
  const serviceSpec = { type: 'Pool', kind: 'sql' as const, summary: '', properties: pool.properties };
  const processorSpec = {
    type: 'Reader',
    version: 1,
    category: 'Sources' as const,
    summary: '',
    input: 'forbidden' as const,
    properties: z.object({ apiKey: z.string().meta({ sensitive: true }), db: z.string() }),
    relationships: [],
  };
  const types = catalogOf([{ spec: processorSpec }], [{ spec: serviceSpec }]);
  const graph = flowGraph({
    id: 'f',
    processors: [processorConfig({ id: 'p', type: 'Reader', properties: { apiKey: 'k', db: 's' } })],
    connections: [],
    services: [serviceConfig({ id: 's', type: 'Pool', properties: { url: 'u', password: 'pw' } })],
  });
  const masked = maskGraph(graph, types);
  assert.deepEqual(masked.processors[0].properties, { apiKey: MASKED, db: 's' });
  assert.deepEqual(masked.services[0].properties, { url: 'u', password: MASKED });
  assert.equal(graph.services[0].properties.password, 'pw', 'the engine\'s copy keeps the secret');
});
