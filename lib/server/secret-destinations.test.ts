// node --import tsx --test lib/server/secret-destinations.test.ts
// A stored secret does not follow its component to a new destination unless it is entered again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MASKED, type AnyServiceSpec, type AnySpec } from '../../engine/sdk';
import { parseProperties } from '../../engine/flow/validate';
import { invokeHttpSpec } from '../../engine/processors/invoke-http/spec';
import { serviceSpecs } from '../../engine/services/specs';
import { postgresqlPoolSpec } from '../../engine/services/sql/postgresql/spec';
import { destinationKeys, keepSecrets, secretsLeftBehind, sensitiveKeys } from './secrets';

test('every type with a secret marks where it is sent', () => {
  const destinations = Object.fromEntries(serviceSpecs.filter((s) => sensitiveKeys(s.properties).size > 0).map((s) => [s.type, [...destinationKeys(s.properties)].sort()]));
  assert.deepEqual(destinations, {
    PostgreSQLPool: ['database', 'host', 'port', 'user'],
    MySQLPool: ['database', 'host', 'port', 'user'],
    PostgreSQLWarehouse: ['database', 'host', 'port', 'user'],
    KafkaCluster: ['brokers', 'username'],
  });
  assert.deepEqual([...destinationKeys(invokeHttpSpec.properties)], ['url']);
});

/** The check as FlowService runs it: on the properties as they would be saved. */
function check(spec: AnySpec | AnyServiceSpec, incoming: Record<string, unknown>, stored: Record<string, unknown>) {
  const parsed = parseProperties(spec, keepSecrets(spec, incoming, stored));
  assert.ok(parsed.ok);
  return secretsLeftBehind(spec, incoming, stored, parsed.data);
}

const pool = { host: 'db.eu', port: 5432, database: 'shop', user: 'reader', password: 'hunter2', maxConnections: 5, ssl: false };

test('a new host with the password masked or left out is refused, naming both', () => {
  for (const incoming of [{ ...pool, host: 'evil.example', password: MASKED }, { ...pool, host: 'evil.example', password: undefined }]) {
    const refused = check(postgresqlPoolSpec, incoming, pool);
    assert.ok(refused);
    assert.equal(refused.message, 'changing "host" would send the stored "password" to a new destination: enter it again with the change (or send "" to remove it)');
    assert.deepEqual(refused.issues.map((i) => i.property), ['host', 'password']);
  }
  const several = check(postgresqlPoolSpec, { ...pool, port: 6543, user: 'admin', password: MASKED }, pool);
  assert.match(several?.message ?? '', /^changing "port", "user" would send the stored "password"/);
  // a destination left out falls back to its default, which is a change too
  assert.ok(check(postgresqlPoolSpec, { database: 'shop', user: 'reader', password: MASKED }, pool));
});

test('the secret entered again, removed, or no destination changed: accepted', () => {
  assert.equal(check(postgresqlPoolSpec, { ...pool, host: 'db.us', password: 'hunter2' }, pool), undefined, 'the same secret, typed again');
  assert.equal(check(postgresqlPoolSpec, { ...pool, host: 'db.us', password: 'other' }, pool), undefined);
  assert.equal(check(postgresqlPoolSpec, { ...pool, host: 'db.us', password: '' }, pool), undefined, 'removed');
  assert.equal(check(postgresqlPoolSpec, { ...pool, maxConnections: 9, ssl: true, password: MASKED }, pool), undefined, 'not a destination');
  assert.equal(check(postgresqlPoolSpec, { ...pool, host: ' db.eu ', password: MASKED }, pool), undefined, 'the same host once parsed');
  assert.equal(check(postgresqlPoolSpec, { ...pool, host: 'db.us', password: MASKED }, { ...pool, password: '' }), undefined, 'no secret stored');
});

const http = invokeHttpSpec as unknown as AnySpec;

test("a processor's URL is a destination for its secret too", () => {
  const parsed = parseProperties(http, { url: 'https://api.example.com/x', authorization: 'Bearer abc' });
  assert.ok(parsed.ok);
  const stored = parsed.data;
  const refused = check(http, { ...stored, url: 'https://collector.example/x', authorization: MASKED }, stored);
  assert.deepEqual(refused?.issues.map((i) => i.property), ['url', 'authorization']);
  assert.equal(check(http, { ...stored, timeoutMs: 5, authorization: MASKED }, stored), undefined);
});
