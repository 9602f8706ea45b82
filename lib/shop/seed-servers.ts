import mysql from 'mysql2/promise';
import pg from 'pg';
import { REGIONS, type Region } from './catalog';
import { shopDays, type StoreOptions } from './generate';
import { cartEventsTable, createTableSql, orderLinesTable, type Dialect } from './regional-tables';

/** The store on real servers: Europe and Asia on MariaDB, Africa and North America on PostgreSQL, as regional teams chose. */
export const SERVER_OF: Record<Region, Exclude<Dialect, 'sqlite'>> = { europe: 'mysql', asia: 'mysql', africa: 'postgresql', 'north-america': 'postgresql' };

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

export interface ShopServers {
  readonly mysql: ServerAddress;
  readonly postgresql: ServerAddress;
  /** Databases are named `${prefix}${region}` (north_america for north-america). */
  readonly prefix?: string;
}

export const shopDatabase = (servers: Pick<ShopServers, 'prefix'>, region: Region) => `${servers.prefix ?? 'shop_'}${region.replace('-', '_')}`;

/** The warehouse of the servers' version: a database beside the shops on the PostgreSQL server. */
export const warehouseOf = (servers: ShopServers) => ({ ...servers.postgresql, database: `${servers.prefix ?? 'shop_'}warehouse` });

/** Create the warehouse database when missing; `reset` empties it (its tables are the flow's to make). */
export async function prepareWarehouse(servers: ShopServers, { reset = false } = {}): Promise<void> {
  const { database, ...address } = warehouseOf(servers);
  await ensurePostgresDatabase(address, database);
  if (!reset) return;
  const client = new pg.Client({ ...address, database });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS sales, cart_events');
  } finally {
    await client.end();
  }
}

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters and MariaDB's packet size. */
const BATCH = 2_000;

/**
 * Write the store into one database per region on the real servers (created when missing; `reset`
 * drops the tables first). Multi-row INSERTs in batches, a day's rows at a time.
 */
export async function seedServers(servers: ShopServers, options: StoreOptions, { reset = false } = {}): Promise<{ region: Region; lines: number; events: number }[]> {
  const seeded = [];
  for (const region of REGIONS) {
    const writer = await shopWriter(servers, region);
    try {
      const lines = orderLinesTable(region);
      const events = cartEventsTable(region);
      if (reset) for (const table of [lines, events]) await writer.exec(`DROP TABLE IF EXISTS ${table.name}`);
      await writer.exec(createTableSql(lines, SERVER_OF[region]));
      await writer.exec(createTableSql(events, SERVER_OF[region]));
      if (await writer.hasRows('order_lines')) {
        seeded.push({ region, lines: 0, events: 0 });
        continue;
      }
      let lineCount = 0;
      let eventCount = 0;
      const pendingLines: unknown[][] = [];
      const pendingEvents: unknown[][] = [];
      // BATCH rows per INSERT, however many a day brings (a big region's day is more than one statement may bind)
      const flush = async (all: boolean) => {
        while (pendingLines.length >= BATCH || (all && pendingLines.length > 0)) await writer.insert('order_lines', lines.columns.length, pendingLines.splice(0, BATCH));
        while (pendingEvents.length >= BATCH || (all && pendingEvents.length > 0)) await writer.insert('cart_events', events.columns.length, pendingEvents.splice(0, BATCH));
      };
      for (const day of shopDays(region, options)) {
        for (const line of day.lines) pendingLines.push(lines.values(line));
        for (const event of day.events) pendingEvents.push(events.values(event));
        lineCount += day.lines.length;
        eventCount += day.events.length;
        await flush(false);
      }
      await flush(true);
      seeded.push({ region, lines: lineCount, events: eventCount });
    } finally {
      await writer.close();
    }
  }
  return seeded;
}

/** A connection to a region's shop database (created when missing), to write rows into it. */
export function shopWriter(servers: ShopServers, region: Region): Promise<Writer> {
  const database = shopDatabase(servers, region);
  return SERVER_OF[region] === 'mysql' ? mysqlWriter(servers.mysql, database) : postgresWriter(servers.postgresql, database);
}

export interface Writer {
  exec(sql: string): Promise<void>;
  hasRows(table: string): Promise<boolean>;
  insert(table: string, columns: number, rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

async function mysqlWriter(address: ServerAddress, database: string): Promise<Writer> {
  const admin = await mysql.createConnection({ ...address });
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
  await admin.end();
  const connection = await mysql.createConnection({ ...address, database });
  return {
    exec: async (sql) => void (await connection.query(sql)),
    hasRows: async (table) => ((await connection.query(`SELECT 1 FROM \`${table}\` LIMIT 1`))[0] as unknown[]).length > 0,
    // mysql2 expands a nested array into (…), (…) for VALUES ?
    insert: async (table, _columns, rows) => void (await connection.query(`INSERT INTO \`${table}\` VALUES ?`, [rows])),
    close: () => connection.end(),
  };
}

async function ensurePostgresDatabase(address: ServerAddress, database: string): Promise<void> {
  const admin = new pg.Client({ ...address, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    // 42P04: it exists; 23505: created by someone else at the same moment
    if (!rowCount) await admin.query(`CREATE DATABASE "${database}"`).catch((e: { code?: string }) => (['42P04', '23505'].includes(e.code ?? '') ? undefined : Promise.reject(e)));
  } finally {
    await admin.end();
  }
}

async function postgresWriter(address: ServerAddress, database: string): Promise<Writer> {
  await ensurePostgresDatabase(address, database);
  const client = new pg.Client({ ...address, database });
  await client.connect();
  return {
    exec: async (sql) => void (await client.query(sql)),
    hasRows: async (table) => ((await client.query(`SELECT 1 FROM "${table}" LIMIT 1`)).rowCount ?? 0) > 0,
    insert: async (table, columns, rows) => {
      const values = rows.map((_, r) => `(${Array.from({ length: columns }, (_c, c) => `$${r * columns + c + 1}`).join(', ')})`);
      await client.query(`INSERT INTO "${table}" VALUES ${values.join(', ')}`, rows.flat());
    },
    close: () => client.end(),
  };
}

/** A server address from a URL: mysql://user:password@host:port, postgresql://user:password@host:port. */
function addressOf(url: string, fallbackPort: number): ServerAddress {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || fallbackPort), user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
}

/**
 * The servers of the store: CONFLUX_SHOP_MYSQL_URL and CONFLUX_SHOP_POSTGRES_URL, by default this
 * machine's MariaDB and PostgreSQL; CONFLUX_SHOP_PREFIX names the databases (shop_ by default).
 */
export function shopServersFromEnv(env: NodeJS.ProcessEnv = process.env): ShopServers {
  return {
    mysql: addressOf(env.CONFLUX_SHOP_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306', 3306),
    postgresql: addressOf(env.CONFLUX_SHOP_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432', 5432),
    ...(env.CONFLUX_SHOP_PREFIX && { prefix: env.CONFLUX_SHOP_PREFIX }),
  };
}
