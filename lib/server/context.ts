import type { FlowService } from './flow-service';
import type { WarehouseReader } from './warehouse-reader';

/**
 * What the server process (server.ts) makes once and Next's route handlers use. The handlers run in
 * the same process but in separately bundled modules, so the handoff goes through globalThis rather
 * than a module-level variable (a second copy of the module would hold nothing, or, for the
 * warehouse reader, open a second DuckDB instance of a file this process already has open).
 */
function processSlot<T>(name: string) {
  const key = Symbol.for(`conflux.${name}`);
  const slots = globalThis as { [slot: symbol]: T | undefined };
  return {
    set: (value: T): void => {
      slots[key] = value;
    },
    get: (): T => {
      const value = slots[key];
      if (value === undefined) throw new Error('the Conflux engine is not running in this process: start the app with `npm start`');
      return value;
    },
  };
}

const flowServiceSlot = processSlot<FlowService>('flow-service');
const warehouseReaderSlot = processSlot<WarehouseReader>('warehouse-reader');

export const setFlowService = flowServiceSlot.set;
export const flowService = flowServiceSlot.get;
/** The Questions page's and SQL console's reader of the store's warehouse. */
export const setWarehouseReader = warehouseReaderSlot.set;
export const warehouseReader = warehouseReaderSlot.get;
