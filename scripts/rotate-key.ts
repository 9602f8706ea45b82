/*
 * npm run rotate-key     re-seal every secret in the flow store with a new key, then retire the old key
 *
 * Stop Conflux first: a running server keeps sealing with the key it started with.
 * Uses the server's settings: DATABASE_URL (SQLite or PostgreSQL) and CONFLUX_SECRET_KEY_FILE
 * (default ./data/secret.key). In three steps, each of which leaves every secret readable if the
 * process dies right after it:
 *   1. the key file becomes [new key, old keys] (written aside, renamed over: atomic);
 *   2. every stored secret is re-sealed with the new key, in one transaction;
 *   3. the key file becomes [new key].
 * A server started after a crash between 1 and 3 reads everything (the file has both keys); running
 * this again finishes the job.
 *
 * With CONFLUX_SECRET_KEY instead of a file, there is no file to rewrite: pass the new key first and
 * the old one after a comma (CONFLUX_SECRET_KEY=new,old npm run rotate-key), then give the server
 * the new key alone.
 */
import { FlowStore } from '../lib/store/flow-store';
import { registeredTypes } from '../lib/server/catalog';
import { sealedProperties } from '../lib/server/sealed-properties';
import { SecretBox, keyIdOf, newKey } from '../lib/server/secret-box';
import { SecretKeyError, keyFilePath, keysFromEnv, readKeyFile, writeKeyFile } from '../lib/server/secret-key';

/** Re-seal every stored secret with the first key of the box; returns how many rows changed. */
async function resealAll(box: SecretBox): Promise<number> {
  // registered types say which clear values are secrets; whatever is sealed is re-sealed, type known or not
  const store = await FlowStore.open(process.env.DATABASE_URL, { vault: sealedProperties(registeredTypes, box) });
  try {
    return await store.resealSecrets();
  } finally {
    await store.close();
  }
}

async function rotateEnvKey(value: string): Promise<void> {
  const keys = keysFromEnv(value);
  if (keys.length < 2) {
    throw new SecretKeyError(
      'CONFLUX_SECRET_KEY is set, so there is no key file to rotate: run CONFLUX_SECRET_KEY=<new key>,<old key> npm run rotate-key ' +
        '(a new key: `openssl rand -base64 32`), then start Conflux with CONFLUX_SECRET_KEY=<new key>',
    );
  }
  const rows = await resealAll(new SecretBox(keys, 'CONFLUX_SECRET_KEY'));
  console.log(`Re-sealed the secrets of ${rows} processor(s) and service(s) with key ${keyIdOf(keys[0])}.`);
  console.log('Now start Conflux with CONFLUX_SECRET_KEY set to the new key alone (the first one).');
}

async function rotateKeyFile(file: string): Promise<void> {
  const old = readKeyFile(file);
  const key = newKey();
  writeKeyFile(file, [key, ...old]);
  const rows = await resealAll(new SecretBox([key, ...old], file));
  writeKeyFile(file, [key]);
  const retired = old.map(keyIdOf).join(', ');
  console.log(`Re-sealed the secrets of ${rows} processor(s) and service(s) with key ${keyIdOf(key)}; ${file} now holds it alone (retired: ${retired}).`);
}

const rotation = process.env.CONFLUX_SECRET_KEY ? rotateEnvKey(process.env.CONFLUX_SECRET_KEY) : rotateKeyFile(keyFilePath());
rotation.catch((error) => {
  // a person reads this: the reason, not a stack (SecretKeyError, or a secret no key here opens)
  console.error(`rotate-key failed, nothing was lost (the key file keeps every key still needed): ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
