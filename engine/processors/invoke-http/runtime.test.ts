import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseProperties } from '../../flow/validate';
import type { AnySpec } from '../../sdk';
import { runProcessor } from '../../testing/run-processor';
import invokeHttp from './runtime';
import { invokeHttpSpec } from './spec';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (seen: Seen, res: ServerResponse) => void | Promise<void>;

/** A real HTTP API on loopback: records what it was sent and answers with `handler`. */
async function api(handler: Handler) {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
    seen.push(request);
    await handler(request, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { seen, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const contents = (records: { content: unknown }[]) => records.map((r) => r.content);

test('per-record GET fills the URL template with URL-encoded values and merges the JSON response', async () => {
  const server = await api((_, res) => json(res, 200, { tier: 'gold' }));
  const run = await runProcessor(invokeHttp)
    .props({
      url: `${server.base}/customers/{id}?region={address.region}`,
      headers: { 'x-tenant': 'shop-eu' },
      authorization: 'Bearer t0ken',
    })
    .enqueue([{ id: 'a b/c?d&e', address: { region: 'eu west' } }, { id: 42, address: { region: 'us' } }, { name: 'no id' }, { id: { nested: 1 } }])
    .run();

  assert.deepEqual(server.seen.map((s) => s.url).sort(), ['/customers/42?region=us', '/customers/a%20b%2Fc%3Fd%26e?region=eu%20west']);
  const sent = server.seen[0];
  assert.equal(sent.method, 'GET');
  assert.equal(sent.body, '', 'a GET has no body');
  assert.equal(sent.headers.authorization, 'Bearer t0ken');
  assert.equal(sent.headers['x-tenant'], 'shop-eu');
  assert.match(sent.headers.accept!, /application\/json/);

  const responses = run.routed('response');
  assert.deepEqual(contents(responses), [
    { id: 'a b/c?d&e', address: { region: 'eu west' }, tier: 'gold' },
    { id: 42, address: { region: 'us' }, tier: 'gold' },
  ]);
  assert.equal(responses[1].attributes['http.status.code'], '200');
  assert.equal(responses[1].attributes['http.url'], `${server.base}/customers/42?region=us`);
  assert.equal(responses[1].attributes['http.response.content.type'], 'application/json');
  const originals = run.routed('original');
  assert.deepEqual(contents(originals), [{ id: 'a b/c?d&e', address: { region: 'eu west' } }, { id: 42, address: { region: 'us' } }]);
  assert.equal(originals[0].attributes['http.status.code'], '200');
  assert.deepEqual(responses[0].parents, [originals[0].id], 'the response descends from its record');

  const failed = run.routed('failure');
  assert.equal(failed.length, 2);
  assert.match(failed[0].attributes['error.message'], /\{id\}: the record has no value for id/);
  assert.match(failed[1].attributes['error.message'], /\{id\}: id is an object or array/);
});

test('POST and PUT send the record as JSON; replace and field modes, text answers kept as text', async () => {
  const server = await api((seen, res) => {
    if (seen.url === '/text') return void res.end('created');
    json(res, 201, { saved: JSON.parse(seen.body).sku });
  });
  const replaced = await runProcessor(invokeHttp).props({ url: `${server.base}/items`, method: 'POST', responseMode: 'replace' }).enqueue([{ sku: 'PF-110' }]).run();
  assert.deepEqual(contents(replaced.routed('response')), [{ saved: 'PF-110' }]);
  assert.equal(server.seen[0].headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(server.seen[0].body), { sku: 'PF-110' });

  const field = await runProcessor(invokeHttp).props({ url: `${server.base}/items`, method: 'PUT', responseMode: 'field', responseField: 'api' }).enqueue([{ sku: 'PF-490' }]).run();
  assert.deepEqual(contents(field.routed('response')), [{ sku: 'PF-490', api: { saved: 'PF-490' } }]);
  assert.equal(server.seen[1].method, 'PUT');

  const text = await runProcessor(invokeHttp).props({ url: `${server.base}/text`, method: 'POST' }).enqueue([{ sku: 'PF-150' }]).run();
  assert.deepEqual(contents(text.routed('response')), [{ sku: 'PF-150', response: 'created' }], 'merge puts a non-object answer in the field');
});

test('per-batch POSTs the whole batch as one JSON array or as NDJSON and emits one response record', async () => {
  const server = await api((seen, res) => json(res, 200, { received: seen.body.length > 0 }));
  const orders = [{ orderId: 1 }, { orderId: 2 }, { orderId: 3 }];
  const array = await runProcessor(invokeHttp).props({ url: `${server.base}/bulk`, method: 'POST', mode: 'per-batch' }).enqueue(orders).run();
  assert.equal(server.seen.length, 1, 'one request for the batch');
  assert.deepEqual(JSON.parse(server.seen[0].body), orders);
  assert.equal(server.seen[0].headers['content-type'], 'application/json');
  assert.deepEqual(contents(array.routed('original')), orders);
  const [response] = array.routed('response');
  assert.deepEqual(response.content, { received: true });
  assert.equal(response.attributes['http.batch.size'], '3');
  assert.equal(response.attributes['http.status.code'], '200');

  await runProcessor(invokeHttp).props({ url: `${server.base}/bulk`, method: 'POST', mode: 'per-batch', batchFormat: 'ndjson' }).enqueue(orders).run();
  assert.equal(server.seen[1].body, '{"orderId":1}\n{"orderId":2}\n{"orderId":3}\n');
  assert.equal(server.seen[1].headers['content-type'], 'application/x-ndjson');
});

test('routes by status: 2xx response, 4xx no.retry, 5xx, 429 and timeouts retry; a refused connection retries', async () => {
  const server = await api(async (seen, res) => {
    const path = seen.url.slice(1);
    if (path === 'ok') return json(res, 200, { ok: true });
    if (path === 'missing') return json(res, 404, { error: 'no such customer' });
    if (path === 'busy') return json(res, 429, { error: 'slow down' });
    if (path === 'down') return json(res, 503, { error: 'maintenance' });
    await sleep(2_000); // 'slow': longer than the timeout
    json(res, 200, {});
  });
  const run = await runProcessor(invokeHttp)
    .props({ url: `${server.base}/{path}`, timeoutMs: 300 })
    .enqueue(['ok', 'missing', 'busy', 'down', 'slow'].map((path) => ({ path })))
    .run();
  const paths = (relationship: string) => run.routed(relationship).map((r) => (r.content as { path: string }).path);
  assert.deepEqual(paths('response'), ['ok']);
  assert.deepEqual(paths('no.retry'), ['missing']);
  assert.deepEqual(paths('retry'), ['busy', 'down', 'slow']);
  const [missing] = run.routed('no.retry');
  assert.equal(missing.attributes['http.status.code'], '404');
  assert.match(missing.attributes['http.response.body'], /no such customer/);
  const [busy, down, slow] = run.routed('retry');
  assert.equal(busy.attributes['http.status.code'], '429');
  assert.equal(down.attributes['http.status.code'], '503');
  assert.equal(slow.attributes['http.error'], 'no answer within 300 ms');
  assert.equal('http.status.code' in slow.attributes, false);

  // an answer over Max response is not read: no.retry, saying why (declared length, then streamed)
  const big = await api(async (seen, res) => {
    if (seen.url === '/declared') return json(res, 200, { blob: 'x'.repeat(5_000) });
    res.writeHead(200, { 'content-type': 'application/json' });
    for (let i = 0; i < 10; i++) res.write(`${'y'.repeat(1_000)}`);
    res.end();
  });
  const capped = await runProcessor(invokeHttp)
    .props({ url: `${big.base}/{path}`, maxResponseBytes: 2_000 })
    .enqueue([{ path: 'declared' }, { path: 'streamed' }])
    .run();
  assert.equal(capped.routed('no.retry').length, 2);
  for (const record of capped.routed('no.retry')) assert.match(record.attributes['http.error'], /larger than 2000 bytes/);

  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const refused = await runProcessor(invokeHttp).props({ url: `http://127.0.0.1:${port}/x` }).enqueue([{ a: 1 }]).run();
  assert.match(refused.routed('retry')[0].attributes['http.error'], /ECONNREFUSED/);
});

test('per-record mode keeps at most `concurrency` requests in flight', async () => {
  let inFlight = 0;
  let peak = 0;
  const server = await api(async (_, res) => {
    peak = Math.max(peak, ++inFlight);
    await sleep(30);
    inFlight--;
    json(res, 200, {});
  });
  const run = await runProcessor(invokeHttp)
    .props({ url: `${server.base}/{n}`, concurrency: 3 })
    .enqueue(Array.from({ length: 10 }, (_, n) => ({ n })))
    .run();
  assert.equal(run.routed('response').length, 10);
  assert.equal(peak, 3);
});

test('with the engine retry policy on `retry`, a 503 is resent with backoff and then succeeds', async () => {
  let calls = 0;
  const server = await api((_, res) => (calls++ === 0 ? json(res, 503, {}) : json(res, 200, { status: 'shipped' })));
  const run = runProcessor(invokeHttp)
    .props({ url: `${server.base}/orders/{id}` })
    .retry({ relationships: ['retry'], maxRetries: 2, backoffMs: 0 })
    .enqueue([{ id: 7 }]);
  await run.run();
  assert.equal(run.routed('retry').length, 0, 'the record went back to the input queue instead');
  assert.equal(run.queued, 1);
  await run.run();
  assert.deepEqual(contents(run.routed('response')), [{ id: 7, status: 'shipped' }]);
  assert.equal(calls, 2);
});

test('the spec refuses host placeholders, per-batch URLs with placeholders or without a body, and a plain Authorization header', () => {
  const issues = (props: Record<string, unknown>) => {
    const parsed = parseProperties(invokeHttpSpec as AnySpec, props);
    return parsed.ok ? [] : parsed.issues.map((i) => `${i.property}: ${i.message}`);
  };
  assert.deepEqual(issues({ url: 'https://api.example.com/customers/{id}' }), []);
  assert.match(issues({ url: 'https://{tenant}.example.com/x' })[0], /url: placeholders cannot be in the host/);
  assert.match(issues({ url: 'https://api.example.com/{bad field}' })[0], /not a field name/);
  assert.match(issues({ url: 'ftp://example.com/' })[0], /must start with http/);
  assert.deepEqual(issues({ url: 'https://api.example.com/bulk/{id}', mode: 'per-batch', method: 'GET' }), [
    'method: per-batch sends the records as the request body: use POST, PUT or PATCH',
    'url: per-batch sends many records to one URL: remove the {placeholders} or use per-record',
  ]);
  assert.match(issues({ headers: { Authorization: 'Bearer x' } })[0], /headers: put the Authorization value in the Authorization property/);
  assert.equal(invokeHttpSpec.properties.shape.authorization.meta()?.sensitive, true);
});
