import { connectionConfig, DEFAULT_FLOW_SETTINGS, processorConfig, serviceConfig } from '../../engine/flow/build';
import { DEFAULT_SCHEDULING, type ConnectionConfig, type FlowGraph, type ProcessorConfig, type ServiceConfig } from '../../engine/flow/schema';
import { REGION_INFO, REGIONS, USD_PER_UNIT, type Region } from './catalog';
import { SERVER_OF, shopDatabase, type ServerAddress, type ShopServers } from './seed-servers';
import { regionFile } from './seed-sqlite';
import { WAREHOUSE_TABLES } from './questions';

/**
 * The shipped flow, the seed's job built from the stock processors: per region, incremental
 * extraction of order lines and cart events (QueryDatabaseTable on a cron schedule, watermark on the
 * id), normalization (a Transform per region: its column names, its time type to UTC, its currency to
 * US dollars from the rate table), then loads merged on (region, id) into the warehouse, so a
 * re-delivery after a crash replaces rows instead of doubling them. Cart events also stream in near
 * real time through a webhook (ListenHTTP), deduplicated on their id.
 */

/**
 * How each region's rows become one shape: JSONata over a row of that region's database. Prices go
 * through $number: MariaDB and PostgreSQL decimals arrive as exact strings.
 */
const RATES = JSON.stringify(USD_PER_UNIT);
const NORMALIZE: Record<Region, { ordersTime: string; cartTime: string; orderId: string; quantity: string; price: string }> = {
  europe: { ordersTime: '$fromMillis($toMillis(ordered_at))', cartTime: '$fromMillis($toMillis(event_time))', orderId: '$string(order_id)', quantity: 'quantity', price: 'unit_price' },
  asia: { ordersTime: '$fromMillis(placed_at * 1000)', cartTime: '$fromMillis(event_time * 1000)', orderId: '$string(order_id)', quantity: 'qty', price: 'price' },
  africa: {
    ordersTime: '$fromMillis($toMillis($replace(ordered_at, " ", "T") & ":00"))',
    cartTime: '$fromMillis($toMillis($replace(event_time, " ", "T") & ":00"))',
    orderId: 'order_ref',
    quantity: 'quantity',
    price: 'unit_price',
  },
  'north-america': {
    ordersTime: '$fromMillis($toMillis($replace(created_at, " ", "T") & "Z"))',
    cartTime: '$fromMillis($toMillis($replace(event_time, " ", "T") & "Z"))',
    orderId: '$string(order_id)',
    quantity: 'quantity',
    price: 'unit_price',
  },
};

export function salesExpression(region: Region): string {
  const n = NORMALIZE[region];
  return `{
  "region": "${region}",
  "line_id": line_id,
  "order_id": ${n.orderId},
  "customer_id": customer_id,
  "ordered_at": ${n.ordersTime},
  "sku": sku,
  "product": product,
  "category": category,
  "shade": shade,
  "quantity": ${n.quantity},
  "currency": currency,
  "unit_price_local": $number(${n.price}),
  "unit_price_usd": $number(${n.price}) * $lookup(${RATES}, currency),
  "revenue_usd": ${n.quantity} * $number(${n.price}) * $lookup(${RATES}, currency),
  "loaded_at": $now()
}`;
}

export function cartExpression(region: Region): string {
  return `{
  "region": "${region}",
  "event_id": $string(event_id),
  "customer_id": customer_id,
  "event_at": ${NORMALIZE[region].cartTime},
  "sku": sku,
  "product": product,
  "shade": shade,
  "action": action,
  "loaded_at": $now()
}`;
}

/** Where the embedded regional shops live: CONFLUX_SHOP_DIR, or ./data/shop. */
export const shopDirectory = () => process.env.CONFLUX_SHOP_DIR ?? './data/shop';

/** A PostgreSQL database as the warehouse. */
export type WarehouseServer = ServerAddress & { readonly database: string };

export interface ShopFlowOptions {
  /** The warehouse: an embedded DuckDB file, or a database on a PostgreSQL server. */
  readonly warehouse: string | WarehouseServer;
  /** Where the regional shops are: the embedded SQLite files' folder, or the real servers (lib/shop/seed-servers.ts). */
  readonly shops: { readonly directory: string } | { readonly servers: ShopServers };
  /** The cron schedule of the extractions (default every 10 s: a full page reads on at once, so a backlog loads at full speed). */
  readonly cron?: string;
  /** The webhook's port (0 picks a free one). */
  readonly webhookPort?: number;
  /** Cart events also streamed through Kafka: JSON messages in the webhook's shape (simulator.ts, WebCartEvent). */
  readonly cartTopic?: { readonly brokers: string; readonly topic: string };
}

/** Canvas layout: a region's two extractions one above the other (a node is ~140 px tall). */
const ROW = 340;
const CART_OFFSET = 165;

/** Listed first among a new installation's flows (the list is by name). */
export const SHOP_FLOW_NAME = 'Online store: four regions → warehouse';
export const SHOP_SERVERS_FLOW_NAME = 'Online store on MariaDB + PostgreSQL → warehouse';
/** The Kafka topic the website's cart events stream to (the servers' version, with CONFLUX_SHOP_KAFKA). */
export const SHOP_CART_TOPIC = 'shop-cart-events';

/** A region's shop as a controller service: its SQLite file, or its database on MariaDB or PostgreSQL. */
function shopService(region: Region, shops: ShopFlowOptions['shops']): ServiceConfig {
  const name = `${REGION_INFO[region].label} shop`;
  if ('directory' in shops) return serviceConfig({ id: `shop-${region}`, type: 'SQLitePool', name, properties: { path: regionFile(shops.directory, region) } });
  const kind = SERVER_OF[region];
  const { host, port, user, password } = shops.servers[kind];
  return serviceConfig({
    id: `shop-${region}`,
    type: kind === 'mysql' ? 'MySQLPool' : 'PostgreSQLPool',
    name: `${name} (${kind === 'mysql' ? 'MariaDB' : 'PostgreSQL'})`,
    properties: { host, port, user, password, database: shopDatabase(shops.servers, region), maxConnections: 2, ssl: false },
  });
}

function warehouseService(warehouse: ShopFlowOptions['warehouse']): ServiceConfig {
  if (typeof warehouse === 'string') return serviceConfig({ id: 'warehouse', type: 'DuckDBWarehouse', name: 'Warehouse (embedded DuckDB)', properties: { path: warehouse } });
  const { host, port, user, password, database } = warehouse;
  return serviceConfig({ id: 'warehouse', type: 'PostgreSQLWarehouse', name: 'Warehouse (PostgreSQL)', properties: { host, port, user, password, database, schema: 'public' } });
}

export function shopFlow(options: ShopFlowOptions): Omit<FlowGraph, 'id'> {
  const cron = options.cron ?? '*/10 * * * * *';
  const scheduling = { ...DEFAULT_SCHEDULING, strategy: 'CRON' as const, cron };
  const services: ServiceConfig[] = [warehouseService(options.warehouse), ...REGIONS.map((region) => shopService(region, options.shops))];
  const processors: ProcessorConfig[] = [];
  const connections: ConnectionConfig[] = [];
  let c = 0;
  const connect = (sourceId: string, relationship: string, targetId: string) => connections.push(connectionConfig({ id: `c${++c}`, sourceId, relationship, targetId }));
  REGIONS.forEach((region, i) => {
    const label = REGION_INFO[region].label;
    const y = i * ROW;
    processors.push(
      processorConfig({
        id: `orders-${region}`,
        type: 'QueryDatabaseTable',
        name: `${label}: new order lines`,
        position: { x: 0, y },
        properties: { database: `shop-${region}`, table: 'order_lines', maxValueColumn: 'line_id' },
        scheduling,
      }),
      processorConfig({
        id: `normalize-${region}`,
        type: 'Transform',
        name: `${label}: to USD and UTC`,
        position: { x: 340, y },
        properties: { expression: salesExpression(region), mode: 'replace' },
        autoTerminated: ['failure'],
      }),
      processorConfig({
        id: `carts-${region}`,
        type: 'QueryDatabaseTable',
        name: `${label}: new cart events`,
        position: { x: 0, y: y + CART_OFFSET },
        properties: { database: `shop-${region}`, table: 'cart_events', maxValueColumn: 'event_id' },
        scheduling,
      }),
      processorConfig({
        id: `cart-normalize-${region}`,
        type: 'Transform',
        name: `${label}: cart events to UTC`,
        position: { x: 340, y: y + CART_OFFSET },
        properties: { expression: cartExpression(region), mode: 'replace' },
        autoTerminated: ['failure'],
      }),
    );
    connect(`orders-${region}`, 'success', `normalize-${region}`);
    connect(`normalize-${region}`, 'success', 'load-sales');
    connect(`carts-${region}`, 'success', `cart-normalize-${region}`);
    connect(`cart-normalize-${region}`, 'success', 'load-carts');
  });
  processors.push(
    processorConfig({
      id: 'webhook',
      type: 'ListenHTTP',
      name: 'Cart events (webhook, live)',
      position: { x: 0, y: REGIONS.length * ROW },
      properties: { port: options.webhookPort ?? 8081, basePath: '/cart' },
    }),
    processorConfig({
      id: 'dedupe-web',
      type: 'DeduplicateRecord',
      name: 'Drop re-sent events',
      position: { x: 340, y: REGIONS.length * ROW },
      properties: { fields: 'region, event_id' },
      autoTerminated: ['duplicate', 'failure'],
    }),
    processorConfig({
      id: 'load-sales',
      type: 'PutWarehouse',
      name: 'Load sales (merge on region, line)',
      position: { x: 760, y: 1.5 * ROW - CART_OFFSET },
      properties: { warehouse: 'warehouse', table: WAREHOUSE_TABLES.sales, mode: 'merge', keyColumns: 'region, line_id' },
      autoTerminated: ['success', 'failure'],
    }),
    processorConfig({
      id: 'load-carts',
      type: 'PutWarehouse',
      name: 'Load cart events (merge on region, event)',
      position: { x: 760, y: 2.5 * ROW },
      properties: { warehouse: 'warehouse', table: WAREHOUSE_TABLES.cart, mode: 'merge', keyColumns: 'region, event_id' },
      autoTerminated: ['success', 'failure'],
    }),
  );
  connect('webhook', 'success', 'dedupe-web');
  connect('dedupe-web', 'unique', 'load-carts');
  if (options.cartTopic) {
    const { brokers, topic } = options.cartTopic;
    services.push(serviceConfig({ id: 'kafka', type: 'KafkaCluster', name: 'Kafka (cart events)', properties: { brokers } }));
    processors.push(
      processorConfig({
        id: 'cart-stream',
        type: 'ConsumeKafka',
        name: 'Cart events (Kafka, live)',
        position: { x: 0, y: REGIONS.length * ROW + CART_OFFSET },
        // offsets are committed once the events are loaded or safely queued: a crash re-delivers, the dedupe and the merge absorb it
        properties: { cluster: 'kafka', topics: topic, groupId: 'conflux-shop-carts', fromBeginning: true, valueFormat: 'json' },
        autoTerminated: ['failure'],
      }),
    );
    connect('cart-stream', 'success', 'dedupe-web');
  }
  const name = 'servers' in options.shops ? SHOP_SERVERS_FLOW_NAME : SHOP_FLOW_NAME;
  return { name, settings: DEFAULT_FLOW_SETTINGS, services, processors, connections };
}
