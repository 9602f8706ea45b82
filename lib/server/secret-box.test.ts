// node --import tsx --test lib/server/secret-box.test.ts
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SealedValueError, SecretBox, isSealed, keyIdOf, newKey, sealedKeyId } from './secret-box';
import { SecretKeyError, loadSecretBox, readKeyFile, writeKeyFile } from './secret-key';

const tempDir = () => fs.mkdtempSync(path.join(tmpdir(), 'conflux-secret-'));

test('a sealed value opens to the same text, and never shows it', () => {
  const box = new SecretBox([newKey()], 'test');
  for (const secret of ['hunter2', 'pässwörd "quoted" ✓', 'x'.repeat(10_000)]) {
    const sealed = box.seal(secret);
    assert.ok(isSealed(sealed), sealed);
    assert.match(sealed, new RegExp(`^enc:v1:${box.keyId}:[A-Za-z0-9_-]+$`));
    assert.ok(!sealed.includes(secret.slice(0, 7)));
    assert.equal(box.open(sealed), secret);
  }
  assert.notEqual(box.seal('same'), box.seal('same'), 'a fresh IV each time: equal secrets do not look equal');
});

test('a value altered in storage fails its integrity check instead of opening to something else', () => {
  const box = new SecretBox([newKey()], 'test');
  const sealed = box.seal('hunter2');
  const body = Buffer.from(sealed.split(':')[3], 'base64url');
  for (const offset of [0, 14, body.length - 1]) {
    const altered = Buffer.from(body);
    altered[offset] ^= 1;
    const tampered = `enc:v1:${box.keyId}:${altered.toString('base64url')}`;
    assert.throws(() => box.open(tampered), (e: Error) => e instanceof SealedValueError && /integrity check/.test(e.message));
  }
  assert.throws(() => box.open(`enc:v1:${box.keyId}:AAAA`), /integrity check/, 'too short to hold an IV and a tag');
});

test('a value sealed with another key names the key it needs and the one the server has', () => {
  const writer = new SecretBox([newKey()], 'old key');
  const reader = new SecretBox([newKey()], './data/secret.key');
  const sealed = writer.seal('hunter2');
  assert.equal(sealedKeyId(sealed), writer.keyId);
  assert.throws(
    () => reader.open(sealed),
    (e: Error) => e instanceof SealedValueError && e.keyId === writer.keyId && e.message.includes(`sealed with key ${writer.keyId}`) && e.message.includes(`has key ${reader.keyId} (from ./data/secret.key)`),
  );
  // relabelling a value with the reader's key id does not make it open: the header is authenticated
  assert.throws(() => reader.open(sealed.replace(writer.keyId, reader.keyId)), /integrity check/);
});

test('a key ring seals with its first key and opens with all of them', () => {
  const [older, current] = [newKey(), newKey()];
  const sealedBefore = new SecretBox([older], 'test').seal('hunter2');
  const ring = new SecretBox([current, older], 'test');
  assert.equal(ring.keyId, keyIdOf(current));
  assert.deepEqual(ring.keyIds, [keyIdOf(current), keyIdOf(older)]);
  assert.equal(ring.open(sealedBefore), 'hunter2');
  assert.equal(ring.sealsWithCurrentKey(sealedBefore), false);
  assert.equal(ring.sealsWithCurrentKey(ring.seal('x')), true);
});

test('the first start creates the key file, private (0600); later starts read the same key', () => {
  const file = path.join(tempDir(), 'nested', 'secret.key');
  const first = loadSecretBox({ CONFLUX_SECRET_KEY_FILE: file });
  assert.equal(first.created, file);
  assert.equal(first.warning, undefined);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['secret.key'], 'no temporary file left behind');
  const again = loadSecretBox({ CONFLUX_SECRET_KEY_FILE: file });
  assert.equal(again.created, undefined);
  assert.equal(again.box.keyId, first.box.keyId);
  assert.equal(again.box.open(first.box.seal('hunter2')), 'hunter2');

  fs.chmodSync(file, 0o644);
  assert.match(loadSecretBox({ CONFLUX_SECRET_KEY_FILE: file }).warning ?? '', /can be read by other users \(mode 644\): chmod 600/);
});

test('replacing the key file is atomic and keeps it private', () => {
  const file = path.join(tempDir(), 'secret.key');
  const keys = [newKey(), newKey()];
  writeKeyFile(file, keys);
  assert.deepEqual(readKeyFile(file), keys);
  writeKeyFile(file, [keys[0]]);
  assert.deepEqual(readKeyFile(file), [keys[0]]);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['secret.key']);
});

test('CONFLUX_SECRET_KEY wins over the file; a malformed key refuses with the reason, never the value', () => {
  const key = newKey();
  const fromEnv = loadSecretBox({ CONFLUX_SECRET_KEY: key.toString('base64'), CONFLUX_SECRET_KEY_FILE: path.join(tempDir(), 'unused.key') });
  assert.equal(fromEnv.box.keyId, keyIdOf(key));
  assert.equal(fromEnv.box.source, 'CONFLUX_SECRET_KEY');

  const short = Buffer.alloc(16, 7).toString('base64');
  assert.throws(
    () => loadSecretBox({ CONFLUX_SECRET_KEY: short }),
    (e: Error) => e instanceof SecretKeyError && /CONFLUX_SECRET_KEY is not a secret key: expected the base64 of 32 random bytes .*got 16 bytes/.test(e.message) && !e.message.includes(short),
  );
  assert.throws(() => loadSecretBox({ CONFLUX_SECRET_KEY: 'not base64!' }), /got text that is not base64/);

  const file = path.join(tempDir(), 'secret.key');
  fs.writeFileSync(file, '# a comment\nhunter2\n', { mode: 0o600 });
  assert.throws(() => loadSecretBox({ CONFLUX_SECRET_KEY_FILE: file }), (e: Error) => e instanceof SecretKeyError && e.message.includes(`line 1 of the secret key file ${file}`));
  fs.writeFileSync(file, '# only comments\n');
  assert.throws(() => loadSecretBox({ CONFLUX_SECRET_KEY_FILE: file }), /holds no key/);
});
