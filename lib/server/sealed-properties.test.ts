// node --import tsx --test lib/server/sealed-properties.test.ts
// The flow store with the server's vault, on a temporary SQLite file and a fresh PostgreSQL
// database: secrets are sealed in the rows, clear everywhere else; clear rows of an older release
// are read and sealed at start; a rotation re-seals everything, types it does not know included.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { defineProcessor, defineService, implement, implementService } from '../../engine/sdk';
import { flowStoreTargets } from '../../e2e/store-targets';
import { FlowStore } from '../store/flow-store';
import { catalogOf } from './catalog';
import { sealedProperties } from './sealed-properties';
import { SealedValueError, SecretBox, isSealed, newKey, sealedKeyId } from './secret-box';

const vaultSpec = defineService({
  type: 'Vaulted',
  kind: 'sql',
  summary: 'test only',
  properties: z.object({ host: z.string(), password: z.string().default('').meta({ sensitive: true }) }),
});
const callerSpec = defineProcessor({
  type: 'Caller',
  version: 1,
  category: 'Utility',
  summary: 'test only',
  input: 'forbidden',
  properties: z.object({ url: z.string(), token: z.string().default('').meta({ sensitive: true }) }),
  relationships: [],
});
const types = catalogOf(
  [implement(callerSpec, () => ({ onTrigger: () => {} }))],
  [implementService(vaultSpec, async () => ({ kind: 'sql' as const, close: async () => {} }))],
);
const position = { x: 0, y: 0 };

for (const target of flowStoreTargets()) {
  describe(`sealed secrets in the ${target.name} flow store`, () => {
    let url: string;
    const key = newKey();
    const open = (keys: Buffer[] = [key]) => FlowStore.open(url, { vault: sealedProperties(types, new SecretBox(keys, 'test key')) });
    /** The rows as stored: a store without the vault reads them as they are. */
    const raw = async (flowId: string) => {
      const store = await FlowStore.open(url);
      try {
        return (await store.getFlow(flowId))!;
      } finally {
        await store.close();
      }
    };

    before(async () => {
      url = await target.create();
    });
    after(() => target.drop());

    test('every write seals the secrets the spec names; every read opens them', async () => {
      const password = `hunter2-${randomBytes(6).toString('hex')}`;
      const store = await open();
      try {
        const flow = await store.createFlow('Sealed');
        const service = await store.addService(flow.id, { type: 'Vaulted', name: 'db', properties: { host: 'db-1', password } });
        assert.equal(service.properties.password, password, 'the caller gets it clear');
        const processor = await store.addProcessor(flow.id, { type: 'Caller', name: 'call', position, properties: { url: 'https://a', token: '' }, autoTerminated: [] });
        await store.updateProcessor(flow.id, processor.id, { properties: { url: 'https://a', token: 'tok-1' } });
        await store.updateService(flow.id, service.id, { properties: { host: 'db-2', password: `${password}-new` } });
        const imported = await store.importFlow({
          name: 'Imported',
          services: [{ type: 'Vaulted', name: 'db', properties: { host: 'db-3', password } }],
          processors: [{ type: 'Caller', name: 'call', position, properties: { url: 'https://b', token: 'tok-2' }, autoTerminated: [] }],
          connections: [],
        });

        const read = (await store.getFlow(flow.id))!;
        assert.deepEqual(read.services[0].properties, { host: 'db-2', password: `${password}-new` });
        assert.deepEqual(read.processors[0].properties, { url: 'https://a', token: 'tok-1' });
        assert.deepEqual(imported.services[0].properties, { host: 'db-3', password });

        const stored = await raw(flow.id);
        assert.ok(isSealed(stored.services[0].properties.password) && isSealed(stored.processors[0].properties.token));
        assert.equal(stored.services[0].properties.host, 'db-2', 'only secrets are sealed');
        const storedImport = await raw(imported.id);
        assert.ok(isSealed(storedImport.services[0].properties.password) && isSealed(storedImport.processors[0].properties.token));
        assert.ok(!JSON.stringify([stored, storedImport]).includes(password));
        assert.equal(await store.resealSecrets(), 0, 'nothing to re-seal: every secret is sealed with the current key');
      } finally {
        await store.close();
      }
    });

    test('secrets stored in clear by an older release are read, then sealed at start', async () => {
      const legacy = await FlowStore.open(url);
      const flow = await legacy.createFlow('Legacy');
      await legacy.addService(flow.id, { type: 'Vaulted', name: 'old', properties: { host: 'db', password: 'clear-1' } });
      await legacy.addService(flow.id, { type: 'Vaulted', name: 'no password', properties: { host: 'db', password: '' } });
      await legacy.close();

      const store = await open();
      try {
        assert.equal((await store.getFlow(flow.id))!.services[0].properties.password, 'clear-1', 'read as it is');
        assert.equal(await store.resealSecrets(), 1, 'the empty password stays empty');
        const stored = await raw(flow.id);
        assert.ok(isSealed(stored.services[0].properties.password));
        assert.equal(stored.services[1].properties.password, '');
        assert.equal((await store.getFlow(flow.id))!.services[0].properties.password, 'clear-1');
      } finally {
        await store.close();
      }
    });

    test('another key cannot read them and names the key they need; a rotation re-seals every sealed value', async () => {
      const store = await open();
      const flow = await store.createFlow('Rotated');
      await store.addService(flow.id, { type: 'Vaulted', name: 'db', properties: { host: 'db', password: 'rotate-me' } });
      await store.close();
      // a type this server does not know: only the sealed form says its value is a secret
      const legacy = await FlowStore.open(url);
      const foreign = new SecretBox([key], 'test key').seal('plugin-secret');
      await legacy.addService(flow.id, { type: 'PluginService', name: 'plugin', properties: { token: foreign, note: 'plain' } });
      await legacy.close();

      const stranger = await open([newKey()]);
      try {
        await assert.rejects(
          stranger.getFlow(flow.id),
          (e: Error) => e instanceof SealedValueError && e.message.includes('the secret "password" of service "db" (Vaulted)') && e.message.includes(`sealed with key ${new SecretBox([key], '').keyId}`),
        );
      } finally {
        await stranger.close();
      }

      const next = newKey();
      const rotating = await open([next, key]);
      try {
        assert.equal(await rotating.resealSecrets(), 4 + 1 + 2, 'every row holding a secret: 4 of the first test, 1 of the second, 2 here');
      } finally {
        await rotating.close();
      }
      const nextId = new SecretBox([next], '').keyId;
      const stored = await raw(flow.id);
      assert.equal(sealedKeyId(stored.services[0].properties.password), nextId);
      assert.equal(sealedKeyId(stored.services[1].properties.token), nextId);
      assert.equal(stored.services[1].properties.note, 'plain');
      const rotated = await open([next]);
      try {
        assert.equal((await rotated.getFlow(flow.id))!.services[0].properties.password, 'rotate-me', 'the new key alone reads everything');
        assert.equal(new SecretBox([next], '').open((await rotated.getFlow(flow.id))!.services[1].properties.token as string), 'plugin-secret');
      } finally {
        await rotated.close();
      }
    });
  });
}
