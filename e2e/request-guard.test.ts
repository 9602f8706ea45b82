import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import { adminAuth, api, startConflux, type RunningConflux } from './server';

/**
 * A raw HTTP request with any headers (fetch will not send a foreign Host); status, headers and body.
 * An upload the server cut off without an answer reads as status 0. `body: 'headers only'` sends the
 * headers and waits for the answer before any byte of the body.
 */
function send(base: string, method: string, pathname: string, headers: Record<string, string | number>, body?: string | Buffer | 'headers only') {
  const url = new URL(pathname, base);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const call = request({ host: url.hostname, port: url.port, method, path: url.pathname, headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
    });
    // a refused upload is cut off: the answer has come already, or the socket closes
    call.on('error', (error) => (/EPIPE|ECONNRESET/.test(String(error)) ? resolve({ status: 0, headers: {}, body: '' }) : reject(error)));
    if (body === 'headers only') call.flushHeaders();
    else call.end(body);
  });
}

const rssMB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

describe('the request guard: host, origin, content type, body size, headers', () => {
  let server: RunningConflux;
  let host: string;
  const flowCount = async () => (await api(server.url, 'GET', '/api/flows')).body.flows.length as number;
  const json = JSON.stringify({ name: 'from elsewhere' });

  before(async () => {
    server = await startConflux({ env: { CONFLUX_NO_DEMO: '1' } });
    host = new URL(server.url).host;
  });
  after(() => server?.stop());

  test("a page on another site cannot change anything: foreign Origin, cross-site fetch, a form's text/plain", async () => {
    const before = await flowCount();
    const base = { host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...adminAuth(server.url) };
    const foreign = await send(server.url, 'POST', '/api/flows', { ...base, origin: 'http://evil.example' }, json);
    assert.equal(foreign.status, 403);
    assert.match(JSON.parse(foreign.body).error, /evil\.example.*refused/);
    // another app on this machine is another origin too
    const otherPort = await send(server.url, 'POST', '/api/flows', { ...base, origin: 'http://127.0.0.1:1' }, json);
    assert.equal(otherPort.status, 403);
    const crossSite = await send(server.url, 'POST', '/api/flows', { ...base, 'sec-fetch-site': 'cross-site' }, json);
    assert.equal(crossSite.status, 403);
    const plain = await send(server.url, 'POST', '/api/flows', { ...base, 'content-type': 'text/plain' }, json);
    assert.equal(plain.status, 415);
    assert.match(JSON.parse(plain.body).error, /application\/json/);
    const form = await send(server.url, 'POST', '/api/flows', { ...base, 'content-type': 'application/x-www-form-urlencoded', 'content-length': 6 }, 'name=x');
    assert.equal(form.status, 415);
    assert.equal(await flowCount(), before, 'no flow was created');

    // Conflux's own page (its origin) and a script (no Origin) may
    const own = await send(server.url, 'POST', '/api/flows', { ...base, origin: new URL(server.url).origin, 'sec-fetch-site': 'same-origin' }, json);
    assert.equal(own.status, 201);
    assert.equal((await api(server.url, 'POST', '/api/flows', { name: 'from a script' })).status, 201);
    assert.equal(await flowCount(), before + 2);
  });

  test('a foreign Host is not served (DNS rebinding), not even a GET', async () => {
    const rebound = await send(server.url, 'GET', '/api/flows', { host: `evil.example:${new URL(server.url).port}` });
    assert.equal(rebound.status, 421);
    assert.match(JSON.parse(rebound.body).error, /evil\.example.*CONFLUX_PUBLIC_URL/);
    assert.equal((await send(server.url, 'GET', '/', { host: 'evil.example' })).status, 421);
    assert.equal((await send(server.url, 'GET', '/api/flows', { host: `localhost:${new URL(server.url).port}`, ...adminAuth(server.url) })).status, 200);
  });

  test('a body past the limit is refused before it is read (413), and the server does not grow', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const headers = { host, 'content-type': 'application/json', 'content-length': big.length };
    // a 200 MB upload is answered from its headers alone: not a byte of the body is read
    const huge = await send(server.url, 'POST', '/api/flows', { ...headers, 'content-length': 200 * 1024 * 1024 }, 'headers only');
    assert.equal(huge.status, 413);
    assert.match(JSON.parse(huge.body).error, /\(209715200 bytes\) is larger than the limit of 1048576 bytes/);
    // a 2 MB one is read and thrown away first, so that fetch, which cannot read while it uploads, gets the message
    const viaFetch = await fetch(`${server.url}/api/flows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    assert.equal(viaFetch.status, 413);
    assert.match((await viaFetch.json()).error, /larger than the limit/);
    const rssBefore = rssMB(server.pid);
    for (let i = 0; i < 40; i++) assert.equal((await send(server.url, 'POST', '/api/flows', headers, big)).status, 413);
    const grown = rssMB(server.pid) - rssBefore;
    assert.ok(grown < 40, `80 MB of refused bodies grew the server by ${grown.toFixed(0)} MB`);
    // a body with no declared length cannot be bounded before it is read
    const chunked = await send(server.url, 'POST', '/api/flows', { host, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, json);
    assert.equal(chunked.status, 411);
  });

  test('every answer carries the security headers', async () => {
    for (const pathname of ['/', '/api/flows']) {
      const { headers } = await send(server.url, 'GET', pathname, { host });
      assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.equal(headers['x-content-type-options'], 'nosniff');
      assert.equal(headers['x-frame-options'], 'DENY');
      assert.equal(headers['referrer-policy'], 'same-origin');
    }
  });

  test('the live channel refuses a handshake from another origin', async () => {
    const connect = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = io(server.url, { transports: ['websocket'], reconnection: false, extraHeaders: { origin }, auth: { token: server.token } });
        socket.on('connect', () => {
          socket.close();
          resolve('connected');
        });
        socket.on('connect_error', (error) => {
          socket.close();
          resolve(`refused: ${error.message}`);
        });
      });
    assert.match(await connect('http://evil.example'), /^refused/);
    assert.equal(await connect(new URL(server.url).origin), 'connected');
  });
});
