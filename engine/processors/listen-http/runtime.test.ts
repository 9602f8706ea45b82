import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { connectionConfig, flowGraph, processorConfig } from '../../flow/build';
import { defineProcessor, implement, type FlowRecord } from '../../sdk';
import { runProcessor, type ProcessorTestRunner } from '../../testing/run-processor';
import { testEngines } from '../../testing/test-engines';
import { until } from '../../testing/until';
import listenHttp, { type ListenHttpView } from './runtime';
import { isLoopbackAddress, listenHttpSpec } from './spec';

const viewOf = (run: ProcessorTestRunner) => run.status.view as ListenHttpView;

async function started(props: Record<string, unknown> = {}, implementation = listenHttp) {
  const run = await runProcessor(implementation).props({ port: 0, host: '127.0.0.1', ...props }).run();
  return { run, port: viewOf(run).port };
}

interface Answer {
  status: number;
  retryAfter: string | null;
  challenge: string | null;
  body: { accepted?: number; error?: string; status?: string };
}

async function send(port: number, body: string, contentType = 'application/json', path = '/', headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body, headers: { 'content-type': contentType, ...headers } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), challenge: res.headers.get('www-authenticate'), body: await res.json() };
}

const ids = (records: FlowRecord[]) => records.map((r) => (r.content as { id: number }).id).sort((a, b) => a - b);

test('JSON and NDJSON bodies become one record per object with request attributes; 200 comes only after the commit', async () => {
  const { run, port } = await started({ basePath: '/hooks/', headerAttributes: 'X-Event, x-absent' });
  let answered = false;
  const one = send(port, '{"id": 1}', 'application/json', '/hooks/orders?source=eu', { 'x-event': 'created' }).finally(() => (answered = true));
  const array = send(port, '[{"id": 2}, {"id": 3}]', 'application/json; charset=utf-8', '/hooks');
  const ndjson = send(port, '{"id": 4}\r\n\n{"id": 5}\n', 'application/x-ndjson', '/hooks');
  await until(() => viewOf(run).buffered === 5);
  await sleep(100); // nothing may answer the callers until a trigger commits their records
  assert.equal(answered, false, 'no answer before the records are in the flow');
  assert.equal(run.routed('success').length, 0);

  await run.run();
  assert.deepEqual(await Promise.all([one, array, ndjson]).then((a) => a.map((x) => [x.status, x.body.accepted])), [[200, 1], [200, 2], [200, 2]]);
  const records = run.routed('success');
  assert.deepEqual(ids(records), [1, 2, 3, 4, 5]);
  const byId = new Map(records.map((r) => [(r.content as { id: number }).id, r.attributes]));
  const first = byId.get(1)!;
  assert.equal(first['http.method'], 'POST');
  assert.equal(first['http.path'], '/hooks/orders');
  assert.equal(first['http.query'], 'source=eu');
  assert.equal(first['http.header.x-event'], 'created');
  assert.equal('http.header.x-absent' in first, false);
  assert.equal(first['http.content.type'], 'application/json');
  assert.match(first['http.remote.address'], /127\.0\.0\.1/);
  assert.equal(byId.get(2)!['http.request.id'], byId.get(3)!['http.request.id'], 'records of one request share its id');
  assert.notEqual(byId.get(1)!['http.request.id'], byId.get(2)!['http.request.id']);
  assert.equal(byId.get(4)!['http.content.type'], 'application/x-ndjson');
  assert.deepEqual(viewOf(run).answers, { 200: 3 });
  await run.stop();
});

/** ListenHTTP whose first trigger with records fails after creating them, as a full disk would. */
const failingOnce = implement(listenHttpSpec, async (ctx) => {
  const inner = await listenHttp.create(ctx);
  let failures = 1;
  return {
    ...inner,
    onTrigger(batch, session) {
      const waiting = (inner.view!() as ListenHttpView).buffered;
      inner.onTrigger(batch, session);
      if (waiting > 0 && failures-- > 0) throw new Error('disk full');
    },
  };
});

test('a session that rolls back answers 500 and delivers nothing; the resent request is then accepted once', async () => {
  const { run, port } = await started({}, failingOnce);
  const first = send(port, '[{"id": 1}, {"id": 2}]');
  await until(() => viewOf(run).buffered === 2);
  await run.run();
  const answer = await first;
  assert.equal(answer.status, 500);
  assert.match(answer.body.error!, /nothing from this request was accepted/);
  assert.equal(run.routed('success').length, 0, 'the rolled-back records are not in the flow');
  assert.equal(viewOf(run).buffered, 0, 'and not kept for later either: the caller resends');

  const again = send(port, '[{"id": 1}, {"id": 2}]');
  await until(() => viewOf(run).buffered === 2);
  await run.run();
  assert.equal((await again).status, 200);
  assert.deepEqual(ids(run.routed('success')), [1, 2]);
  await run.stop();
});

test('a malformed body is refused with its line and nothing from it is accepted; other refusals say why', async () => {
  const { run, port } = await started({ basePath: '/in', maxBodyBytes: 64, bearerToken: 's3cret' });
  const auth = { authorization: 'Bearer s3cret' };
  const json = await send(port, '{"id": 1,\n  "name": "x",\n  oops}', 'application/json', '/in', auth);
  assert.equal(json.status, 400);
  assert.match(json.body.error!, /invalid JSON at line 3, column 3/);
  const ndjson = await send(port, '{"id": 1}\n{"id": 2}\n{"id": 3,}\n{"id": 4}', 'application/x-ndjson', '/in', auth);
  assert.equal(ndjson.status, 400);
  assert.match(ndjson.body.error!, /invalid JSON on line 3/);
  const notObject = await send(port, '[{"id": 1}, 2]', 'application/json', '/in', auth);
  assert.match(notObject.body.error!, /element 2 of the array is a number, not an object/);

  assert.equal((await send(port, '{"id": 1}', 'application/json', '/in')).status, 401, 'no token');
  assert.equal((await send(port, '{"id": 1}', 'application/json', '/in', { authorization: 'Bearer wrong' })).status, 401);
  const text = await send(port, 'id=1', 'text/plain', '/in', auth);
  assert.equal(text.status, 415);
  assert.match(text.body.error!, /application\/x-ndjson/);
  assert.equal((await send(port, JSON.stringify({ id: 1, pad: 'x'.repeat(100) }), 'application/json', '/in', auth)).status, 413);
  assert.equal((await send(port, '{"id": 1}', 'application/json', '/elsewhere', auth)).status, 404);
  assert.equal((await send(port, '{"id": 1}', 'application/json', '/inside', auth)).status, 404, 'a prefix is not a sub-path');
  const health = await fetch(`http://127.0.0.1:${port}/in`);
  assert.deepEqual([health.status, await health.json()], [200, { status: 'ok' }]);

  await run.run();
  assert.equal(run.routed('success').length, 0);
  const good = send(port, '{"id": 9}', 'application/json', '/in/sub', auth);
  await until(() => viewOf(run).buffered === 1);
  await run.run();
  assert.equal((await good).status, 200);
  assert.deepEqual(ids(run.routed('success')), [9]);
  await run.stop();
});

test('stop answers waiting callers 503 (nothing accepted) and closes the port', async () => {
  const { run, port } = await started();
  const waiting = send(port, '{"id": 1}');
  await until(() => viewOf(run).buffered === 1);
  await run.stop();
  const answer = await waiting;
  assert.equal(answer.status, 503);
  assert.equal(answer.retryAfter, '1');
  await assert.rejects(fetch(`http://127.0.0.1:${port}/`), /fetch failed/);
});

test('stop waits for a request still sending its body, and answers it 503', async () => {
  const { run, port } = await started();
  const answer = new Promise<number>((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-type': 'application/x-ndjson' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.write('{"id": 1}\n');
    setTimeout(() => req.end('{"id": 2}\n'), 300);
  });
  await sleep(100); // the request has reached the server
  let stopped = false;
  const stopping = run.stop().then(() => (stopped = true));
  await sleep(100);
  assert.equal(stopped, false, 'the stop waits for the request in flight');
  assert.equal(await answer, 503);
  await stopping;
});

test('a caller that hangs up before its records enter the flow takes them back (it will resend them)', async () => {
  const { run, port } = await started();
  const hangUp = new AbortController();
  const gone = fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{"id": 1}', headers: { 'content-type': 'application/json' }, signal: hangUp.signal });
  await until(() => viewOf(run).buffered === 1);
  hangUp.abort();
  await assert.rejects(gone, /aborted/);
  await until(() => viewOf(run).buffered === 0);
  await run.run();
  assert.equal(run.routed('success').length, 0);
  await run.stop();
});

test('start fails clearly when the port is taken', async () => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const { port } = squatter.address() as AddressInfo;
  try {
    await assert.rejects(
      runProcessor(listenHttp).props({ port, host: '127.0.0.1' }).run(),
      new RegExp(`start failed: port ${port} on 127.0.0.1 is already in use`),
    );
  } finally {
    squatter.close();
  }
});

// ---- in an engine: back pressure from a stopped downstream ----

const collected: unknown[] = [];
const collectSpec = defineProcessor({
  type: 'TestCollect',
  version: 1,
  category: 'Sinks',
  summary: 'test only: keeps every record content',
  input: 'required',
  properties: z.object({}),
  relationships: [],
});
const collect = implement(collectSpec, () => ({
  onTrigger(batch, session) {
    for (const record of batch) {
      collected.push(record.content);
      session.drop(record);
    }
  },
}));
const newEngine = testEngines([listenHttp, collect]);

test('under back pressure callers get 503 with Retry-After; every record answered 200 is delivered exactly once', async () => {
  const engine = newEngine();
  const listen = processorConfig({ id: 'listen', type: 'ListenHTTP', properties: { port: 0, host: '127.0.0.1', maxBuffered: 20 }, batchSize: 10 });
  const sink = processorConfig({ id: 'sink', type: 'TestCollect' });
  const queue = connectionConfig({ id: 'q', sourceId: 'listen', relationship: 'success', targetId: 'sink', countThreshold: 10 });
  engine.load(flowGraph({ id: 'listen-bp', processors: [listen, sink], connections: [queue] }));
  await engine.start('listen-bp', ['listen']);
  const view = () => engine.stats('listen-bp').processors.listen.view as ListenHttpView;

  let busyAnswers = 0;
  let acceptedBeforeSinkStarted = -1;
  const acceptedRecords: string[] = [];
  /** A well-behaved webhook sender: resend on 503 until 200. */
  async function deliver(request: number): Promise<void> {
    const body = JSON.stringify([{ id: `${request}-a` }, { id: `${request}-b` }]);
    for (;;) {
      const answer = await send(view().port, body);
      if (answer.status === 200) return void acceptedRecords.push(`${request}-a`, `${request}-b`);
      assert.equal(answer.status, 503);
      assert.equal(answer.retryAfter, '1');
      busyAnswers++;
      await sleep(20);
    }
  }
  const senders = Array.from({ length: 30 }, (_, i) => deliver(i));
  await until(() => busyAnswers > 0);
  acceptedBeforeSinkStarted = acceptedRecords.length;
  assert.equal(acceptedBeforeSinkStarted, engine.queued('listen-bp', 'q'), 'exactly the queued records were answered 200');
  assert.ok(view().buffered <= 20, 'the buffer stays within its bound');

  await engine.start('listen-bp', ['sink']);
  await Promise.all(senders);
  await until(() => collected.length === 60);
  const expected = Array.from({ length: 30 }, (_, i) => [`${i}-a`, `${i}-b`]).flat().sort();
  assert.deepEqual(collected.map((c) => (c as { id: string }).id).sort(), expected, 'each record once');
  assert.deepEqual(acceptedRecords.sort(), expected);
  await engine.stop('listen-bp');
});

test('bodies in flight are bounded over all callers: one that would go beyond gets 503 before its body is read', { timeout: 10_000 }, async () => {
  const { run, port } = await started({ maxBodyBytes: 100, maxBytesInFlight: 100 });
  const body = JSON.stringify({ id: 1, pad: 'x'.repeat(60) });
  // a caller declares 71 bytes, sends a few and takes its time with the rest
  const slow = new Promise<number>((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.write(body.slice(0, 10));
    setTimeout(() => req.end(body.slice(10)), 300);
  });
  await sleep(100);
  const declared = await send(port, JSON.stringify({ id: 2, pad: 'y'.repeat(30) }));
  assert.equal(declared.status, 503);
  assert.equal(declared.retryAfter, '1');
  assert.match(declared.body.error!, /too many request bodies are being received at once: nothing was accepted/);
  // a chunked body (no length declared) is counted as it arrives
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-type': 'application/x-ndjson' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end(`{"id": 3, "pad": "${'z'.repeat(40)}"}\n`);
  });
  assert.equal(chunked, 503);

  await until(() => viewOf(run).buffered === 1);
  await run.run();
  assert.equal(await slow, 200);
  // its bytes were given back: the next caller is read
  const next = send(port, JSON.stringify({ id: 2, pad: 'y'.repeat(30) }));
  await until(() => viewOf(run).buffered === 1);
  await run.run();
  assert.equal((await next).status, 200);
  assert.deepEqual(ids(run.routed('success')), [1, 2]);
  await run.stop();
});

test('bodies in flight must allow at least one largest body', () => {
  const props = listenHttpSpec.properties.parse({ maxBodyBytes: 1000, maxBytesInFlight: 999 });
  assert.match(listenHttpSpec.validate!(props)[0].message, /must be at least Max body \(1000 bytes\)/);
  assert.deepEqual(listenHttpSpec.validate!(listenHttpSpec.properties.parse({})), []);
});

test('by default only callers on this machine reach it; every interface must be chosen', async (t) => {
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
  if (!outside) return t.skip('this machine has no address besides loopback');
  // a TCP connection is enough: a request would wait for a trigger to take its records
  const reachable = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, outside, () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
  assert.equal(listenHttpSpec.properties.parse({}).host, '127.0.0.1');
  const loopback = await runProcessor(listenHttp).props({ port: 0 }).run();
  assert.equal(await reachable(viewOf(loopback).port), false, `not reachable at ${outside}`);
  await loopback.stop();
  const everywhere = await started({ host: '0.0.0.0' });
  assert.equal(await reachable(everywhere.port), true, `reachable at ${outside} once 0.0.0.0 is chosen`);
  await everywhere.run.stop();
});

test('without a listen address it binds the loopback address', async () => {
  const run = await runProcessor(listenHttp).props({ port: 0 }).run();
  assert.equal(viewOf(run).address, '127.0.0.1');
  await run.stop();
});

test('basic auth: the right user name and password are accepted, anything else gets 401 with a Basic challenge', async () => {
  const { run, port } = await started({ basicUsername: 'ingest', basicPassword: 'pä:ss word' });
  const basic = (credentials: string, scheme = 'Basic') => ({ authorization: `${scheme} ${Buffer.from(credentials).toString('base64')}` });
  for (const headers of [{}, basic('ingest:wrong'), basic('other:pä:ss word'), basic('ingest:pä:ss wor'), { authorization: 'Bearer pä:ss word' }, { authorization: 'Basic not base64!' }]) {
    const refused = await send(port, '{"id": 0}', 'application/json', '/', headers);
    assert.equal(refused.status, 401, JSON.stringify(headers));
    assert.equal(refused.challenge, 'Basic realm="ListenHTTP", charset="UTF-8"');
    assert.match(refused.body.error!, /missing or wrong basic auth user name or password/);
  }
  const accepted = [send(port, '{"id": 1}', 'application/json', '/', basic('ingest:pä:ss word')), send(port, '{"id": 2}', 'application/json', '/', basic('ingest:pä:ss word', 'basic'))];
  await until(() => viewOf(run).buffered === 2);
  await run.run();
  assert.deepEqual((await Promise.all(accepted)).map((a) => a.status), [200, 200]);
  assert.deepEqual(ids(run.routed('success')), [1, 2]);
  await run.stop();
});

test('listening beyond loopback needs a bearer token or basic auth, or unauthenticated callers allowed explicitly', () => {
  const issues = (props: Record<string, unknown>) => listenHttpSpec.validate!(listenHttpSpec.properties.parse(props));
  assert.deepEqual(issues({ host: '0.0.0.0' }), [
    { property: 'host', message: '0.0.0.0 accepts callers from other machines: set a bearer token or basic auth, or turn on "Accept unauthenticated callers from other machines"' },
  ]);
  assert.equal(issues({ host: '192.168.1.20' }).length, 1);
  assert.equal(issues({ host: 'example.internal' }).length, 1, 'a name other than localhost may lead anywhere');
  assert.deepEqual(issues({ host: '0.0.0.0', bearerToken: 't' }), []);
  assert.deepEqual(issues({ host: '0.0.0.0', basicUsername: 'u', basicPassword: 'p' }), []);
  assert.deepEqual(issues({ host: '::', allowUnauthenticated: true }), []);
  assert.deepEqual(issues({}), [], 'loopback by default: no credentials needed');
  assert.deepEqual(issues({ host: '0.0.0.0', basicUsername: 'u' }), [{ property: 'basicPassword', message: 'basic auth needs both a user name and a password' }]);
  assert.deepEqual(issues({ basicUsername: 'u', basicPassword: 'p', bearerToken: 't' }), [
    { property: 'basicUsername', message: 'choose one way to authenticate: a bearer token or basic auth, not both' },
  ]);
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST']) assert.ok(isLoopbackAddress(host), host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.com', 'localhost.example.com']) assert.ok(!isLoopbackAddress(host), host);
});
