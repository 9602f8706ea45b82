import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { requestGuard } from './request-guard';

const PORT = 3000;
const message = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;
const json = { 'content-type': 'application/json', 'content-length': '2' };

test('hosts: loopback names and the public URL; anything else is refused, whatever the method', () => {
  const guard = requestGuard({ port: () => PORT, publicUrl: 'https://conflux.example.com' });
  for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST', 'conflux.example.com']) {
    assert.equal(guard.check(message('GET', { host })), undefined, host);
  }
  for (const host of ['evil.example:3000', 'conflux.example.com.evil.example', '127.0.0.2:3000', '']) {
    assert.equal(guard.check(message('GET', { host }))?.status, 421, host);
  }
  assert.equal(guard.check(message('GET', {}))?.status, 421, 'no Host at all');
});

test("origins: this server's own (loopback on its port, or the public URL's origin), or none", () => {
  const guard = requestGuard({ port: () => PORT, publicUrl: 'https://conflux.example.com' });
  const post = (origin?: string) => guard.check(message('POST', { host: 'localhost:3000', ...json, ...(origin && { origin }) }))?.status;
  assert.equal(post(), undefined, 'a script sends no Origin');
  assert.equal(post('http://localhost:3000'), undefined);
  assert.equal(post('http://127.0.0.1:3000'), undefined);
  assert.equal(post('https://conflux.example.com'), undefined);
  assert.equal(post('http://conflux.example.com'), 403, 'the public URL with another scheme');
  assert.equal(post('http://localhost:8081'), 403, 'another app on this machine');
  assert.equal(post('http://evil.example'), 403);
  assert.equal(post('null'), 403, 'a sandboxed page or a file');
  // reads are not state-changing: a foreign page cannot read the answer anyway (no CORS)
  assert.equal(guard.check(message('GET', { host: 'localhost:3000', origin: 'http://evil.example' })), undefined);
});

test('bodies: JSON only, with a declared length within the limit', () => {
  const guard = requestGuard({ port: () => PORT, maxBodyBytes: 100 });
  const post = (headers: Record<string, string>) => guard.check(message('POST', { host: 'localhost', ...headers }))?.status;
  assert.equal(post(json), undefined);
  assert.equal(post({ 'content-type': 'application/json; charset=utf-8', 'content-length': '100' }), undefined);
  assert.equal(post({ 'content-type': 'application/json', 'content-length': '101' }), 413);
  assert.equal(post({ 'content-type': 'text/plain', 'content-length': '2' }), 415);
  assert.equal(post({ 'content-length': '2' }), 415);
  assert.equal(post({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }), 411);
  assert.equal(post({ 'content-length': '0' }), undefined, 'an empty POST (start, stop) needs no type');
  assert.equal(post({}), undefined, 'nor does one without a body');
});
