import type { FlowService } from './flow-service';
import type { WarehouseReader } from './warehouse-reader';

/**
 * The server process (server.ts) creates one FlowService (store + engine) and puts it here; Next's
 * route handlers run in the same process but in separately bundled modules, so the handoff goes
 * through globalThis rather than a module-level variable.
 */
const KEY = Symbol.for('conflux.flow-service');
type Holder = { [KEY]?: FlowService };

export function setFlowService(service: FlowService): void {
  (globalThis as Holder)[KEY] = service;
}

export function flowService(): FlowService {
  const service = (globalThis as Holder)[KEY];
  if (!service) throw new Error('the Conflux engine is not running in this process: start the app with `npm start`');
  return service;
}

/** The warehouse reader (Questions page, SQL console) the server process made: the same handoff, for the same reason (one DuckDB instance per file per process). */
const READER = Symbol.for('conflux.warehouse-reader');
type ReaderHolder = { [READER]?: WarehouseReader };

export function setWarehouseReader(reader: WarehouseReader): void {
  (globalThis as ReaderHolder)[READER] = reader;
}

export function warehouseReader(): WarehouseReader {
  const reader = (globalThis as ReaderHolder)[READER];
  if (!reader) throw new Error('the Conflux engine is not running in this process: start the app with `npm start`');
  return reader;
}
