import { createServer, type Server as HttpServer } from 'node:http';
import next from 'next';
import { Server } from 'socket.io';
import type { ProcessorImplementation, ServiceImplementation } from '../../engine/sdk';
import { Engine } from '../../engine/runtime/engine';
import { Repository } from '../../engine/repository/repository';
import { AccountStore } from '../store/account-store';
import type { Prisma } from '../store/client';
import { openDatabase } from '../store/database';
import { FlowStore } from '../store/flow-store';
import { Accounts } from './auth/accounts';
import { accessGate } from './auth/gate';
import { setAccounts } from './auth/request-identity';
import { catalogOf, type Catalog } from './catalog';
import { setFlowService, setWarehouseReader } from './context';
import { installServersShowcase, installShowcase, simulateShowcase } from './showcase';
import { warehouseReaderOf } from './warehouse-reader';
import { FlowService } from './flow-service';
import { sealedProperties } from './sealed-properties';
import { loadSecretBox } from './secret-key';
import { bridgeEngineToSockets, type LiveServer } from './live-bridge';
import { DEFAULT_MAX_BODY_BYTES, SECURITY_HEADERS, refuse, requestGuard } from './request-guard';

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
 * HTTP server; configured by HOST, PORT, DATABASE_URL, CONFLUX_REPOSITORY, CONFLUX_NO_DEMO,
 * CONFLUX_PUBLIC_URL (the address people open it at: its host and origin are allowed besides
 * loopback), CONFLUX_MAX_BODY_BYTES (request bodies, default 1 MiB),
 * CONFLUX_SECRET_KEY or CONFLUX_SECRET_KEY_FILE (the key stored secrets are sealed with: ./secret-key)
 * and CONFLUX_SAFE_MODE (start with every processor stopped).
 *
 * The server listens before any processor starts: a processor stored RUNNING that hangs or floods
 * the engine cannot keep the editor and API from answering, where it can be stopped.
 */
export async function runConflux({ dir, processors, services }: ConfluxOptions): Promise<void> {
  const dev = process.argv.includes('--dev');
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000);

  const safeMode = process.env.CONFLUX_SAFE_MODE === '1';
  const types = catalogOf(processors, services);
  const database = await openDatabase(process.env.DATABASE_URL);
  const store = await openSealedStore(database, types);
  const accounts = new Accounts(new AccountStore(database));
  const setupToken = await accounts.prepare();
  setAccounts(accounts);
  const repository = await Repository.open(repositoryPath());
  const { records, problem } = repository.recovery;
  if (records > 0) console.log(`Recovered ${records} queued record(s) from ${repositoryPath()}`);
  if (problem) console.error(`The repository's journal was cut short at ${problem.segment}:${problem.offset}: ${problem.reason}`);
  const engine = new Engine({ processors, services, repository });
  const httpServer = createServer();
  const guard = requestGuard({ publicUrl: process.env.CONFLUX_PUBLIC_URL, maxBodyBytes: bodyLimit(), port: () => listeningPort(httpServer, port) });
  const io: LiveServer = new Server(httpServer, {
    maxHttpBufferSize: guard.maxBodyBytes,
    // the live channel streams a flow's stats and records: only to Conflux's own pages
    allowRequest: (request, answer) => {
      const refused = guard.checkHandshake(request);
      answer(refused?.error ?? null, refused === undefined);
    },
  });
  const live = bridgeEngineToSockets(engine, io, accounts);
  const service = new FlowService(store, engine, live.notifyChanged, types);
  if ((await store.listFlows()).length === 0 && process.env.CONFLUX_NO_DEMO !== '1') await installShowcase(service);
  await installServersShowcase(service);
  await service.load();
  setFlowService(service);
  setWarehouseReader(warehouseReaderOf(service));

  const app = next({ dev, hostname: host, port, dir });
  await app.prepare();
  const handle = app.getRequestHandler();
  const admit = accessGate(accounts);
  // socket.io answers its own path, before this listener and sometimes at once (its handshake has its own check)
  io.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, SECURITY_HEADERS));
  httpServer.on('request', (request, response) => {
    if (request.url?.startsWith('/socket.io/')) return;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const refused = guard.check(request);
    if (refused) return refuse(request, response, refused);
    void admit(request, response).then((admitted) => {
      if (admitted) void handle(request, response);
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
  const actualPort = listeningPort(httpServer, port);
  console.log(`Conflux is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(host) && !process.env.CONFLUX_PUBLIC_URL) {
    console.log(`Listening on ${host}, but only requests for localhost are served: set CONFLUX_PUBLIC_URL to the address people open Conflux at`);
  }
  if (setupToken) {
    const origin = process.env.CONFLUX_PUBLIC_URL?.replace(/\/$/, '') ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`;
    console.log(`No user yet: create the first admin at ${origin}/setup?token=${setupToken} (the link works once)`);
  }
  if (safeMode) console.log('CONFLUX_SAFE_MODE=1: every processor stays stopped until started by hand');
  else void service.resume().catch((error) => console.error('Restarting the processors that were running failed:', error));
  const stopSimulator = await simulateShowcase(service);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: stopping`);
    stopSimulator?.();
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

/**
 * The flow store with its secrets sealed under the server's key (a malformed key stops the start
 * here, with the reason); secrets still in clear from an older release, or sealed with a key a
 * rotation is retiring, are re-sealed before anything reads them.
 */
async function openSealedStore(database: Prisma, types: Catalog): Promise<FlowStore> {
  const { box, created, warning } = loadSecretBox();
  if (created) console.log(`Created the secret key file ${created} (key ${box.keyId}): back it up apart from the database, the stored secrets cannot be read without it`);
  if (warning) console.warn(warning);
  const store = FlowStore.over(database, { vault: sealedProperties(types, box) });
  const resealed = await store.resealSecrets();
  if (resealed > 0) console.log(`Sealed the secrets of ${resealed} processor(s) and service(s) with key ${box.keyId}`);
  if (box.keyIds.length > 1) console.log(`${box.source} still lists older keys (${box.keyIds.slice(1).join(', ')}): run \`npm run rotate-key\` to finish the rotation`);
  return store;
}

function listeningPort(server: HttpServer, fallback: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

/** CONFLUX_MAX_BODY_BYTES, or 1 MiB: the largest request body (a flow of thousands of processors fits). */
function bodyLimit(): number {
  const value = Number(process.env.CONFLUX_MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`CONFLUX_MAX_BODY_BYTES must be a positive number of bytes, not "${process.env.CONFLUX_MAX_BODY_BYTES}"`);
  return value;
}
