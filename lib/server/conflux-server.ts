import { createServer } from 'node:http';
import next from 'next';
import { Server } from 'socket.io';
import type { ProcessorImplementation, ServiceImplementation } from '../../engine/sdk';
import { Engine } from '../../engine/runtime/engine';
import { Repository } from '../../engine/repository/repository';
import { FlowStore } from '../store/flow-store';
import { catalogOf } from './catalog';
import { setFlowService } from './context';
import { demoFlow } from './demo-flow';
import { FlowService } from './flow-service';
import { bridgeEngineToSockets, type LiveServer } from './live-bridge';

export interface ConfluxOptions {
  /** The project root, where Next finds its build. */
  dir: string;
  /** The processor and controller service types this server runs (server.ts: the registries). */
  processors: readonly ProcessorImplementation[];
  services: readonly ServiceImplementation[];
}

/** Where queued records and processor states are kept: CONFLUX_REPOSITORY, or next to the flow store. */
export const repositoryPath = () => process.env.CONFLUX_REPOSITORY ?? './data/repository';

/**
 * Conflux in one process: Next.js (editor + API), socket.io (live channel) and the engine, on one
 * HTTP server; configured by HOST, PORT, DATABASE_URL, CONFLUX_REPOSITORY, CONFLUX_NO_DEMO and
 * CONFLUX_SAFE_MODE (start with every processor stopped).
 *
 * The server listens before any processor starts: a processor stored RUNNING that hangs or floods
 * the engine cannot keep the editor and API from answering, where it can be stopped.
 */
export async function runConflux({ dir, processors, services }: ConfluxOptions): Promise<void> {
  const dev = process.argv.includes('--dev');
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000);

  const safeMode = process.env.CONFLUX_SAFE_MODE === '1';
  const store = await FlowStore.open(process.env.DATABASE_URL);
  const repository = await Repository.open(repositoryPath());
  const { records, problem } = repository.recovery;
  if (records > 0) console.log(`Recovered ${records} queued record(s) from ${repositoryPath()}`);
  if (problem) console.error(`The repository's journal was cut short at ${problem.segment}:${problem.offset}: ${problem.reason}`);
  const engine = new Engine({ processors, services, repository });
  const httpServer = createServer();
  const io: LiveServer = new Server(httpServer);
  const live = bridgeEngineToSockets(engine, io);
  const service = new FlowService(store, engine, live.notifyChanged, catalogOf(processors, services));
  if ((await store.listFlows()).length === 0 && process.env.CONFLUX_NO_DEMO !== '1') await service.importFlow(demoFlow());
  await service.load();
  setFlowService(service);

  const app = next({ dev, hostname: host, port, dir });
  await app.prepare();
  const handle = app.getRequestHandler();
  httpServer.on('request', (request, response) => {
    // socket.io answers its own path; everything else is Next's
    if (!request.url?.startsWith('/socket.io/')) void handle(request, response);
  });
  await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
  const address = httpServer.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`Conflux is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`);
  if (safeMode) console.log('CONFLUX_SAFE_MODE=1: every processor stays stopped until started by hand');
  else void service.resume().catch((error) => console.error('Restarting the processors that were running failed:', error));

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: stopping`);
    // Desired run states stay in the store, so the next start resumes what was running; queued
    // records stay in the repository, so they come back with them.
    await engine.shutdown();
    await repository.close();
    io.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
