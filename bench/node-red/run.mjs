#!/usr/bin/env node
// Node-RED side of the Conflux throughput benchmark.
//
//   node bench/node-red/run.mjs <N> [timeoutSeconds=600]
//
// Embeds Node-RED (RED.init(server, settings) + RED.start(), temporary userDir, no editor/admin
// API, no HTTP nodes, telemetry off) and deploys, through a flows file in that userDir:
//
//   inject (once) -> function "generate N" (node.send per record)
//                 -> change "set msg.payload.total = payload.qty * payload.price" (JSONata)
//                 -> function "count" (context counter; calls bench.finished() at N)
//
// Prints exactly one JSON line on stdout:
//   {"engine":"node-red","version":"...","records":N,"seconds":...,"recordsPerSec":...,"peakRssMB":...}
// Timing: from the moment the inject node sends its message (runtime "onSend" hook, removed after
// it fires once) to the moment the counter sees record N. Every record is verified (count, sum of
// orderIds, sum of totals, and no extra record afterwards); anything else exits non-zero.
// Everything that is not the result line (Node-RED warnings/errors, diagnostics) goes to stderr.

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import RED from 'node-red';

// ---------------------------------------------------------------- arguments
const [nArg, timeoutArg] = process.argv.slice(2);
const N = Number(nArg);
const TIMEOUT_S = timeoutArg === undefined ? 600 : Number(timeoutArg);
if (!Number.isSafeInteger(N) || N < 1 || !(TIMEOUT_S > 0)) {
  process.stderr.write('usage: node bench/node-red/run.mjs <N: positive integer> [timeoutSeconds > 0, default 600]\n');
  process.exit(2);
}

// Keep stdout for the single result line, whatever a library may console.log.
console.log = console.info = console.debug = (...a) => console.error(...a);
const note = (s) => process.stderr.write(`[bench/node-red] ${s}\n`);

// ---------------------------------------------------------------- expected results
const PRICE = 39;
let expectedTotal = 0;
for (let i = 0; i < N; i++) expectedTotal += (1 + (i % 4)) * PRICE;
const expectedIdSum = (N * (N - 1)) / 2; // exact below 2^53 for any sane N

// ---------------------------------------------------------------- state shared with the flow
let userDir;
let exiting = false;
let tStart = null; // performance.now() when the inject fired
let tGenerated = null; // when the generator's loop returned
let countedWhenGenerated = null; // records the counter had seen at that moment
let tEnd = null; // when the counter saw record N
let finalStats = null;

async function fail(message, code = 1) {
  if (exiting) return;
  exiting = true;
  note(`FAIL: ${message}`);
  await shutdown();
  process.exit(code);
}

async function shutdown() {
  try {
    await Promise.race([RED.stop(), new Promise((r) => setTimeout(r, 3000).unref())]);
  } catch (e) {
    note(`RED.stop() failed: ${e?.message ?? e}`);
  }
  if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
}

function counterStats() {
  try {
    return RED.nodes.getNode('bench-count')?.context().get('stats') ?? null;
  } catch {
    return null;
  }
}

// Exposed to the function nodes as global.get('bench') (functionGlobalContext keeps the reference).
const bench = {
  // One call, after the generator's loop: instrumentation only, to report queueing on stderr.
  generated() {
    tGenerated = performance.now();
    countedWhenGenerated = counterStats()?.count ?? 0;
  },
  finished(stats) {
    if (tEnd !== null) return;
    tEnd = performance.now();
    finalStats = stats;
    setImmediate(verifyAndReport);
  },
};

async function verifyAndReport() {
  const seconds = (tEnd - tStart) / 1000;
  const peakRssMB = process.resourceUsage().maxRSS / 1024; // maxRSS is KiB
  const { count, idSum, total } = { ...finalStats };
  // Give any stray extra message a chance to show up before declaring success.
  await new Promise((r) => setTimeout(r, 200));
  const after = counterStats();
  if (tStart === null) return fail('counter finished but the inject start was never observed');
  if (count !== N) return fail(`counter reported ${count} records, expected ${N}`);
  if (idSum !== expectedIdSum) return fail(`sum of orderIds ${idSum} != expected ${expectedIdSum} (lost or duplicated records)`);
  if (total !== expectedTotal) return fail(`sum of totals ${total} != expected ${expectedTotal} (change node did not set total on every record)`);
  if (after && after.count !== N) return fail(`counter kept receiving records: ${after.count} > ${N}`);

  if (tGenerated !== null) {
    note(`generator loop returned ${((tGenerated - tStart) / 1000).toFixed(3)} s after the inject fired, ` +
      `when the counter had seen ${countedWhenGenerated} of ${N} records ` +
      `(${N - countedWhenGenerated} queued in memory: node.send has no back pressure)`);
  }
  const version = typeof RED.version === 'function' ? RED.version() : RED.version;
  exiting = true;
  await shutdown();
  const line = JSON.stringify({
    engine: 'node-red',
    version,
    records: N,
    seconds: Number(seconds.toFixed(4)),
    recordsPerSec: Math.round(N / seconds),
    peakRssMB: Number(peakRssMB.toFixed(1)),
  });
  process.stdout.write(line + '\n', () => process.exit(0));
}

// ---------------------------------------------------------------- the flow
const TAB = 'bench-tab';
const flows = [
  {
    id: TAB, type: 'tab', label: 'bench', disabled: false, info: '',
    env: [{ name: 'N', value: String(N), type: 'num' }],
  },
  {
    id: 'bench-inject', type: 'inject', z: TAB, name: 'start',
    props: [{ p: 'payload' }], payload: '', payloadType: 'date',
    repeat: '', crontab: '', once: true, onceDelay: 0.1, topic: '',
    wires: [['bench-generate']],
  },
  {
    id: 'bench-generate', type: 'function', z: TAB, name: 'generate N orders',
    func: [
      "const N = env.get('N');",
      "const SKUS = ['PF-110', 'PF-490', 'PF-150'];",
      'for (let i = 0; i < N; i++) {',
      '    node.send({ payload: { orderId: i, sku: SKUS[i % 3], qty: 1 + (i % 4), price: 39 } });',
      '}',
      "global.get('bench').generated(); // benchmark instrumentation (one call)",
      'node.done();',
      'return null;',
    ].join('\n'),
    outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
    wires: [['bench-total']],
  },
  {
    id: 'bench-total', type: 'change', z: TAB, name: 'total = qty * price',
    rules: [{ t: 'set', p: 'payload.total', pt: 'msg', to: 'payload.qty * payload.price', tot: 'jsonata' }],
    action: '', property: '', from: '', to: '', reg: false,
    wires: [['bench-count']],
  },
  {
    id: 'bench-count', type: 'function', z: TAB, name: 'count',
    func: [
      "const stats = context.get('stats') || { count: 0, idSum: 0, total: 0 };",
      'stats.count += 1;',
      'stats.idSum += msg.payload.orderId;',
      'stats.total += msg.payload.total;',
      "context.set('stats', stats);",
      "if (stats.count === env.get('N')) {",
      "    global.get('bench').finished(stats); // records the end time",
      '}',
      'return null;',
    ].join('\n'),
    outputs: 0, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
    wires: [],
  },
];

// ---------------------------------------------------------------- settings + start
userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-bench-node-red-'));
fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));

const LEVEL_NAMES = { 10: 'fatal', 20: 'error', 30: 'warn', 40: 'info', 50: 'debug', 60: 'trace' };
const settings = {
  userDir,
  flowFile: 'flows.json',
  credentialSecret: false, // no credentials in this flow; avoids generating a key
  editorTheme: { projects: { enabled: false } },
  httpAdminRoot: false, // no editor, no admin API
  httpNodeRoot: false, // no HTTP-in nodes
  disableEditor: true,
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false, ui: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
  functionExternalModules: false,
  functionGlobalContext: { bench },
  // No "console" logger: a single handler, warn and above, to stderr. An error raised by a node
  // (msg.id set) means records will be dropped: fail at once rather than wait for the timeout.
  logging: {
    stderr: {
      level: 'warn', metrics: false, audit: false,
      handler: () => (msg) => {
        const where = msg.type ? `[${msg.type}:${msg.name || msg.id}] ` : '';
        const text = msg.msg instanceof Error ? msg.msg.stack : typeof msg.msg === 'string' ? msg.msg : JSON.stringify(msg.msg);
        process.stderr.write(`[node-red ${LEVEL_NAMES[msg.level] ?? msg.level}] ${where}${text}\n`);
        if (msg.level <= 20 && msg.id) fail(`node ${msg.type}:${msg.id} raised an error`);
      },
    },
  },
};

// Timing starts when the inject node sends: an onSend hook that removes itself on first use, so
// the per-message path carries no hook afterwards.
RED.hooks.add('onSend.conflux-bench', (events) => {
  if (tStart === null && events.some((e) => e.source?.id === 'bench-inject')) {
    tStart = performance.now();
    setImmediate(() => RED.hooks.remove('onSend.conflux-bench'));
  }
});

const timer = setTimeout(() => {
  const s = counterStats();
  fail(`timeout after ${TIMEOUT_S} s: counter saw ${s ? s.count : 0} of ${N} records` +
    (tStart === null ? ' (the inject never fired)' : ''));
}, TIMEOUT_S * 1000);

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => fail(`killed by ${sig}`, 130));
process.on('unhandledRejection', (e) => fail(`unhandled rejection: ${e?.stack ?? e}`));

try {
  // Documented embedding API. The server is never listened on: with httpAdminRoot/httpNodeRoot
  // false nothing is mounted on it.
  RED.init(http.createServer(), settings);
  await RED.start();
} catch (e) {
  await fail(`Node-RED failed to start: ${e?.stack ?? e}`);
}
