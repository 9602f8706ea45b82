/**
 * Conflux in one process: Next.js (editor + API), socket.io (live channel) and the engine, on one
 * HTTP server. `npm start` runs it on the embedded defaults (SQLite flow store in ./data).
 */
import { createServer } from 'node:http';
import next from 'next';
import { Server } from 'socket.io';
import { processorImplementations } from './engine/processors/runtimes';
import { Engine } from './engine/runtime/engine';
import { setFlowService } from './lib/server/context';
import { demoFlow } from './lib/server/demo-flow';
import { FlowService } from './lib/server/flow-service';
import { bridgeEngineToSockets, type LiveServer } from './lib/server/live-bridge';
import { FlowStore } from './lib/store/flow-store';

const dev = process.argv.includes('--dev');
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);

async function main() {
  const store = await FlowStore.open(process.env.DATABASE_URL);
  const engine = new Engine({ processors: processorImplementations });
  const httpServer = createServer();
  const io: LiveServer = new Server(httpServer);
  const live = bridgeEngineToSockets(engine, io);
  const service = new FlowService(store, engine, live.notifyChanged);
  if ((await store.listFlows()).length === 0 && process.env.CONFLUX_NO_DEMO !== '1') await store.importFlow(demoFlow);
  await service.boot();
  setFlowService(service);

  const app = next({ dev, hostname: host, port, dir: import.meta.dirname });
  await app.prepare();
  const handle = app.getRequestHandler();
  httpServer.on('request', (request, response) => {
    // socket.io answers its own path; everything else is Next's
    if (!request.url?.startsWith('/socket.io/')) void handle(request, response);
  });
  httpServer.listen(port, host, () => {
    const address = httpServer.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    console.log(`Conflux is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`);
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: stopping`);
    // Desired run states stay in the store, so the next start resumes what was running.
    await engine.shutdown();
    io.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error('Conflux failed to start:', error);
  process.exit(1);
});
