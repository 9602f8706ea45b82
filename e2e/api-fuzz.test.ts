import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FlowGraph } from '../engine/flow/schema';
import { processorSpecs } from '../engine/processors/specs';
import { adminAuth, api, startConflux, type RunningConflux } from './server';

/**
 * Hostile input against the real server, bounded and on loopback: every route and method with ids
 * real and forged, payloads of the right shape with one part wrong, random JSON, deep nesting, huge
 * strings, malformed JSON and processor properties that are garbage (expressions included). Every
 * answer must be a 4xx with a message or a success, never a 5xx, and the server must stay up and
 * quick. Seeded (CONFLUX_FUZZ_SEED, CONFLUX_FUZZ_REQUESTS), so a failure can be replayed.
 */

const SEED = Number(process.env.CONFLUX_FUZZ_SEED ?? 20261205);
const REQUESTS = Number(process.env.CONFLUX_FUZZ_REQUESTS ?? 1200);

/** mulberry32: small, seeded, good enough to pick cases. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}
const rng = random(SEED);

const STRINGS = ['', ' ', 'a', '********', '../../etc/passwd', '%00', '\u0000', '<script>alert(1)</script>', "'; DROP TABLE flows; --", '$', '{', '$i', '$sum(', '💥'.repeat(50), 'x'.repeat(10_000)];
const NUMBERS = [0, -1, 1, 1.5, -0, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, Number.MIN_VALUE];

function anyValue(depth = 0): unknown {
  switch (rng.int(depth > 3 ? 5 : 8)) {
    case 0:
      return rng.pick(STRINGS);
    case 1:
      return rng.pick(NUMBERS);
    case 2:
      return rng.pick([true, false, null]);
    case 3:
      return 'y'.repeat(rng.int(3) === 0 ? 900_000 : rng.int(200)); // near the body limit, or small
    case 4:
      return rng.int(2) ? [] : {};
    case 5:
      return Array.from({ length: rng.int(5) }, () => anyValue(depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(5) }, () => [rng.pick(['name', 'type', 'properties', 'x', '__proto__', 'constructor', 'id', rng.pick(STRINGS).slice(0, 20)]), anyValue(depth + 1)]));
  }
}

/** [[[[…]]]] or {"a":{"a":…}} as text: deeper than any recursive walk should go. */
const deeplyNested = (depth: number) => (rng.int(2) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

/** A payload of roughly the right shape for the route, with one part replaced by anything. */
function mutate(shape: Record<string, unknown>): Record<string, unknown> {
  const out = { ...shape };
  const keys = Object.keys(out);
  if (keys.length && rng.int(3)) out[rng.pick(keys)] = anyValue();
  else out[rng.pick(['extra', 'properties', 'scheduling', 'retry', 'position'])] = anyValue();
  return out;
}

/** Send strings as they are (malformed JSON), anything else as JSON; the answer's JSON, if it is JSON. */
async function call(method: string, pathname: string, body: unknown): Promise<{ status: number; answer?: { error?: unknown } }> {
  try {
    const text = typeof body === 'string' || body === undefined ? body : JSON.stringify(body);
    const response = await fetch(server.url + pathname, { method, headers: { ...adminAuth(server.url), ...(text === undefined ? {} : { 'content-type': 'application/json' }) }, body: text });
    const answer = await response.text();
    try {
      return { status: response.status, answer: answer ? JSON.parse(answer) : undefined };
    } catch {
      return { status: response.status };
    }
  } catch (error) {
    return { status: -1, answer: { error: String(error) } };
  }
}

let server: RunningConflux;
let ids: { flow: string; processor: string; connection: string; service: string; record: string };
before(async () => {
  server = await startConflux();
  const flow = (await api(server.url, 'GET', '/api/flows')).body.flows[0].id as string;
  const graph = (await api(server.url, 'GET', `/api/flows/${flow}`)).body.flow as FlowGraph;
  ids = { flow, processor: graph.processors[0].id, connection: graph.connections[0].id, service: graph.services[0].id, record: '1' };
});
after(() => server?.stop());

test('hostile input: never a 5xx, always a message, and the server stays up', async () => {
  const types = processorSpecs.map((s) => s.type);
  const forged = () => rng.pick(['nope', '..', '%2e%2e', 'x'.repeat(300), '0', "1' OR '1'='1", ids.flow + 'x']);
  const id = (real: string) => (rng.int(4) === 0 ? forged() : real);
  const routes: { path: () => string; methods: string[]; shape?: () => Record<string, unknown> }[] = [
    { path: () => '/api/flows', methods: ['GET', 'POST'], shape: () => ({ name: 'fuzz' }) },
    { path: () => `/api/flows/${id(ids.flow)}`, methods: ['GET', 'PATCH', 'DELETE'], shape: () => ({ name: 'renamed', sync: 'os', countThreshold: 100 }) },
    {
      path: () => `/api/flows/${id(ids.flow)}/processors`,
      methods: ['POST'],
      shape: () => ({ type: rng.int(5) ? rng.pick(types) : rng.pick(STRINGS), position: { x: rng.int(500), y: rng.int(500) }, name: 'p' }),
    },
    {
      path: () => `/api/flows/${id(ids.flow)}/processors/${id(ids.processor)}`,
      methods: ['PATCH', 'DELETE'],
      shape: () => ({ properties: { template: rng.pick(['{"a":', '$sum(', '$x := function(){$x()}; $x()', '{"n": $i}', '']), rate: anyValue() }, batchSize: anyValue() }),
    },
    { path: () => `/api/flows/${id(ids.flow)}/processors/${id(ids.processor)}/state`, methods: ['GET', 'DELETE'] },
    { path: () => `/api/flows/${id(ids.flow)}/services`, methods: ['GET', 'POST'], shape: () => ({ type: rng.pick(['PostgreSQLPool', 'MySQLPool', 'KafkaCluster', 'DuckDBWarehouse', 'Nope']), name: 's', properties: {} }) },
    { path: () => `/api/flows/${id(ids.flow)}/services/${id(ids.service)}`, methods: ['PATCH', 'DELETE'], shape: () => ({ name: 's', properties: { path: anyValue() } }) },
    {
      path: () => `/api/flows/${id(ids.flow)}/connections`,
      methods: ['POST'],
      shape: () => ({ sourceId: id(ids.processor), relationship: rng.pick(['success', 'failure', 'nope']), targetId: id(ids.processor), countThreshold: anyValue() }),
    },
    { path: () => `/api/flows/${id(ids.flow)}/connections/${id(ids.connection)}`, methods: ['PATCH', 'DELETE'], shape: () => ({ countThreshold: 10, prioritizer: 'FIFO', expirationMs: 0 }) },
    { path: () => `/api/flows/${id(ids.flow)}/connections/${id(ids.connection)}/empty`, methods: ['POST'] },
    { path: () => `/api/flows/${id(ids.flow)}/connections/${id(ids.connection)}/queue`, methods: ['GET'] },
    { path: () => `/api/flows/${id(ids.flow)}/connections/${id(ids.connection)}/queue/${rng.pick(['1', '-1', 'abc', '1e99'])}`, methods: ['GET'] },
    { path: () => `/api/flows/${id(ids.flow)}/status`, methods: ['GET'] },
    { path: () => `/api/flows/${id(ids.flow)}/history/${id(ids.processor)}`, methods: ['GET'] },
    { path: () => `/api/flows/${id(ids.flow)}/run`, methods: ['POST'], shape: () => ({ action: rng.pick(['start', 'stop', 'explode']), processorId: id(ids.processor) }) },
  ];

  const byStatus = new Map<number, number>();
  const failures: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const route = rng.pick(routes);
    const method = rng.pick(route.methods);
    const pathname = route.path();
    let body: unknown;
    if (method !== 'GET' && method !== 'DELETE') {
      const kind = rng.int(10);
      if (kind < 5 && route.shape) body = mutate(route.shape());
      else if (kind < 7) body = anyValue();
      else if (kind < 8) body = deeplyNested(rng.pick([100, 5_000, 50_000]));
      else if (kind < 9) body = rng.pick(['{not json', '', '{"a":1}{', '\u0000', 'null']);
      else body = route.shape?.();
    }
    const { status, answer } = await call(method, pathname, body);
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    const described = `#${i} ${method} ${pathname.slice(0, 120)} ${typeof body === 'string' ? body.slice(0, 80) : JSON.stringify(body)?.slice(0, 120)}`;
    if (status >= 500 || status < 0) failures.push(`${status} ${described} → ${JSON.stringify(answer).slice(0, 300)}`);
    // Next answers a path no route matches (a forged id with a slash) with its own 404 page
    else if (status >= 400 && !(typeof answer?.error === 'string' && answer.error.length > 0) && !(status === 404 && answer === undefined)) {
      failures.push(`${status} without a message: ${described}`);
    }
  }
  const counts = [...byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`);
  process.stdout.write(`# fuzz seed ${SEED}, ${REQUESTS} requests, answers by status: ${counts.join(', ')}\n`);

  // still up, still quick
  const started = performance.now();
  assert.equal((await api(server.url, 'GET', '/api/flows')).status, 200);
  assert.ok(performance.now() - started < 2_000, 'the flow list answers within 2 s after the fuzzing');
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} bad answers (seed ${SEED})`);
});
