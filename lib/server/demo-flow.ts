import { connectionConfig, DEFAULT_FLOW_SETTINGS, processorConfig, serviceConfig } from '../../engine/flow/build';
import type { FlowGraph } from '../../engine/flow/schema';

const ORDER_TEMPLATE = `{
  "orderId": $i,
  "region": $pick(["asia", "europe", "africa", "north-america"]),
  "product": "PRO FILT'R HYDRATING LONGWEAR FOUNDATION",
  "shade": $pick(["#110", "#150", "#160", "#255", "#490"]),
  "qty": $randomInt(1, 4),
  "price": 40,
  "event": $pick(["purchase", "purchase", "purchase", "add_to_cart", "remove_from_cart"]),
  "at": $now()
}`;

const processor = (id: string, type: string, name: string, x: number, y: number, properties: Record<string, unknown>, extra = {}) =>
  processorConfig({ id, type, name, position: { x, y }, properties, batchSize: 100, ...extra });
const connection = (id: string, sourceId: string, relationship: string, targetId: string, countThreshold = 10_000) =>
  connectionConfig({ id, sourceId, relationship, targetId, countThreshold });

/** Where the demo's embedded warehouse lives: CONFLUX_WAREHOUSE, or a DuckDB file next to the flow store. */
export const demoWarehousePath = () => process.env.CONFLUX_WAREHOUSE ?? './data/warehouse.duckdb';

/**
 * The flow a new installation opens on: the seed's online store in miniature. Synthetic orders from
 * four regions get a total; big orders are kept for inspection; the rest pass a deliberately slow
 * step, whose small queue shows back pressure within seconds of pressing Start, and are loaded into
 * the embedded DuckDB warehouse (table `orders`), ready to query.
 */
export const demoFlow = (): Omit<FlowGraph, 'id'> => ({
  name: 'Sandbox: back pressure (synthetic orders)',
  settings: DEFAULT_FLOW_SETTINGS,
  services: [serviceConfig({ id: 'warehouse', type: 'DuckDBWarehouse', name: 'Embedded warehouse', properties: { path: demoWarehousePath() } })],
  processors: [
    processor('gen', 'GenerateRecords', 'Orders (all regions)', 0, 120, { template: ORDER_TEMPLATE, rate: 500, limit: 0 }),
    processor('total', 'Transform', 'Order total', 300, 120, { expression: '{"total": qty * price}', mode: 'merge' }, { autoTerminated: ['failure'] }),
    processor('route', 'RouteOnField', 'Big orders?', 600, 120, { routes: { big: 'total >= 120' }, strategy: 'first' }, { autoTerminated: ['failure'] }),
    processor('inspect', 'Inspect', 'Big orders', 900, 0, { keep: 10 }),
    processor('slow', 'Delay', 'Slow step (back pressure)', 900, 240, { delayMs: 200 }, { batchSize: 20 }),
    processor('load', 'PutWarehouse', 'Load into warehouse', 1200, 240, { warehouse: 'warehouse', table: 'orders' }, { autoTerminated: ['failure'] }),
    processor('count', 'Count', 'Loaded', 1500, 240, {}),
  ],
  connections: [
    connection('c1', 'gen', 'success', 'total'),
    connection('c2', 'total', 'success', 'route'),
    connection('c3', 'route', 'big', 'inspect'),
    connection('c4', 'route', 'unmatched', 'slow', 1_000),
    connection('c5', 'slow', 'success', 'load'),
    connection('c6', 'load', 'success', 'count'),
  ],
});
