/**
 * The store's servers version as a person runs it: the real server (server.ts, Next + socket.io +
 * engine, as `npm start` starts it, CONFLUX_SHOP_SERVERS=1) with the shipped flow exactly as shipped,
 * extracting the bench's shops on MariaDB and PostgreSQL (bench_shop_*, seeded by bench/shop.ts) into
 * its PostgreSQL warehouse (bench_shop_warehouse, emptied first). Started through the API; while it
 * loads, the flow's live status is read every 250 ms (as a script would) and the Questions page's
 * answers every 10 s (as the page does), each timed as a client sees it. Needs a current `next build`.
 * Usage: shop-server.ts <total rows (order lines + cart events)>
 */
import { readFileSync } from 'node:fs';
import { api, startConflux } from '../../e2e/server';
import { SHOP_SERVERS_FLOW_NAME } from '../../lib/shop/flow';
import { prepareWarehouse } from '../../lib/shop/seed-servers';
import { BENCH_SERVERS } from './shop-servers';
import { report } from './shared';

const total = Number(process.argv[2]);
await prepareWarehouse(BENCH_SERVERS, { reset: true });
const conflux = await startConflux({ env: { CONFLUX_SHOP_SERVERS: '1', CONFLUX_SHOP_PREFIX: BENCH_SERVERS.prefix! } });
try {
  const { flows } = (await api(conflux.url, 'GET', '/api/flows')).body as { flows: { id: string; name: string }[] };
  const flow = flows.find((f) => f.name === SHOP_SERVERS_FLOW_NAME);
  if (!flow) throw new Error(`the server did not add "${SHOP_SERVERS_FLOW_NAME}"`);
  // ids are the flow store's own: the loads are found by type
  const { flow: graph } = (await api(conflux.url, 'GET', `/api/flows/${flow.id}`)).body as { flow: { processors: { id: string; type: string }[] } };
  const loads = graph.processors.filter((p) => p.type === 'PutWarehouse').map((p) => p.id);
  const statusMs: number[] = [];
  const questionsMs: number[] = [];
  const lagP99: number[] = [];
  const timed = async (pathname: string, into: number[]) => {
    const started = performance.now();
    const answer = await api(conflux.url, 'GET', pathname);
    into.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`GET ${pathname}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  // each route is compiled at its first request: not the load's doing, so done before it
  for (const pathname of [`/api/flows/${flow.id}/status`, '/api/questions?period=all']) await api(conflux.url, 'GET', pathname);
  // the engine's event-loop lag is a p99 over windows of 10 s: one rolls over first, so the server's
  // own start (Next and Prisma warming up) is not counted as the load's
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  const started = performance.now();
  const run = await api(conflux.url, 'POST', `/api/flows/${flow.id}/run`, { action: 'start' });
  if (run.status !== 200) throw new Error(`starting the flow: ${run.status} ${JSON.stringify(run.body)}`);
  let firstAnswersMs: number | undefined;
  let nextQuestions = 0;
  let nextProgress = 10_000;
  for (;;) {
    const { status } = (await timed(`/api/flows/${flow.id}/status`, statusMs)) as { status: { processors: Record<string, { in: number }>; engine?: { eventLoopLagP99Ms: number } } };
    if (status.engine) lagP99.push(status.engine.eventLoopLagP99Ms);
    const loaded = loads.reduce((sum, id) => sum + (status.processors[id]?.in ?? 0), 0);
    if (loaded >= total) break;
    if (performance.now() - started > 30 * 60_000) throw new Error(`${loaded} of ${total} rows loaded after 30 minutes: ${JSON.stringify(status)}`);
    if (performance.now() >= nextProgress) {
      nextProgress = performance.now() + 10_000;
      process.stderr.write(`  ${loaded.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows loaded\n`);
    }
    if (performance.now() >= nextQuestions) {
      // as the Questions page asks while it is open
      nextQuestions = performance.now() + 10_000;
      const questions = (await timed('/api/questions?period=all', questionsMs)) as { answers?: { totalUnits: number } };
      if (firstAnswersMs === undefined && (questions.answers?.totalUnits ?? 0) > 0) firstAnswersMs = performance.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const seconds = (performance.now() - started) / 1000;
  // the server's own peak resident memory (VmHWM), not this client's
  const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${conflux.pid}/status`, 'utf8'));
  const p99 = (values: number[]) => Math.round([...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))] * 10) / 10;
  report({
    engine: 'server',
    records: total,
    seconds,
    recordsPerSec: total / seconds,
    peakRssMB: peak ? Math.round(Number(peak[1]) / 1024) : 0,
    // the engine's p99 over each 10-s window: at its worst, and the median window, during the load
    eventLoopLagP99Ms: Math.max(...lagP99),
    eventLoopLagP99MedianMs: [...lagP99].sort((a, b) => a - b)[Math.floor((lagP99.length - 1) / 2)],
    statusP99Ms: p99(statusMs),
    statusReads: statusMs.length,
    questionsP99Ms: p99(questionsMs),
    questionsReads: questionsMs.length,
    firstAnswersS: firstAnswersMs === undefined ? undefined : Math.round(firstAnswersMs / 100) / 10,
  });
} finally {
  await conflux.stop();
}
