import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as Wasm from '@prisma/schema-engine-wasm';
import type { SchemaEngine, MigrationList, SchemaFilter, DiagnoseMigrationHistoryOutput } from '@prisma/schema-engine-wasm';
import { PrismaPg } from '@prisma/adapter-pg';
import { adapterFor, providerOf, redact, type Provider } from './client';

/*
 * Prisma migrations without the schema-engine binary (it cannot be downloaded here): the same engine,
 * compiled to wasm, driven through our driver adapters. Migrations stay in Prisma's own format and
 * _prisma_migrations table, so the real `prisma migrate` CLI can take over wherever it is available.
 * Paths are relative to the process's cwd (the project root), as Next.js also assumes.
 */

export const MIGRATIONS_DIRS: Record<Provider, string> = {
  sqlite: 'prisma/migrations',
  postgresql: 'prisma/postgresql/migrations',
};

/** We own every table in the database: nothing to exclude. */
export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

let wasmPromise: Promise<typeof Wasm> | undefined;

/*
 * The engine arms timeouts (e.g. 10 s around PostgreSQL's migration advisory lock) and never clears
 * them, which kept every migrating process alive 10 s after its work was done. Track them, and clear
 * the leftovers after each operation: operations run one at a time (engineQueue), so by then no
 * engine future can still be waiting on one.
 */
const engineTimers = new Set<ReturnType<typeof setTimeout>>();
let engineQueue: Promise<unknown> = Promise.resolve();

function engineSetTimeout(callback: () => void, ms: number) {
  const timer = setTimeout(() => {
    engineTimers.delete(timer);
    callback();
  }, ms >>> 0);
  engineTimers.add(timer);
  return timer;
}

/**
 * Loaded once per process, on first use (5 MB of wasm). The package's own entry imports the .wasm as an
 * ES module, which Node cannot do; so instantiate it by hand with the bindings module as its imports.
 */
export function loadSchemaEngine(): Promise<typeof Wasm> {
  wasmPromise ??= (async () => {
    // the wasm glue reports Rust panics through this global (the prisma CLI installs the same object)
    const registry = { message: '', set_message(m: string) { registry.message = `RuntimeError: ${m}`; }, get: () => registry.message };
    (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY ??= registry;
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as typeof Wasm & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const bytes = fs.readFileSync(path.join(path.dirname(bgPath), 'schema_engine_bg.wasm'));
    const imports: WebAssembly.ModuleImports = { ...(bg as unknown as WebAssembly.ModuleImports) };
    for (const name of Object.keys(imports)) if (name.startsWith('__wbg_setTimeout_')) imports[name] = engineSetTimeout;
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  wasmPromise.catch(() => (wasmPromise = undefined)); // a failed load may be retried
  return wasmPromise;
}

/** The migrations folder as the engine wants it: every migration.sql, already read. */
export function readMigrations(provider: Provider): MigrationList {
  const baseDir = path.resolve(MIGRATIONS_DIRS[provider]);
  const lockPath = path.join(baseDir, 'migration_lock.toml');
  const dirs = fs.existsSync(baseDir)
    ? fs.readdirSync(baseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => {
      const file = path.join(baseDir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: fs.existsSync(file) ? { tag: 'ok', value: fs.readFileSync(file, 'utf8') } : { tag: 'error', value: `${file} not found` },
        },
      };
    }),
  };
}

type Factory = SqlMigrationAwareDriverAdapterFactory;

/**
 * Shadow-database workarounds, needed only by operations that replay migrations (diff from the
 * migrations folder), not by deploy or status.
 */
function withShadowFixes(factory: Factory, databaseUrl: string): Factory {
  if (factory instanceof PrismaPg) {
    // adapter-pg 7.10 drops its shadow database while its own pool still holds a connection to it
    // ("is being accessed by other users"): close the shadow pool first, then drop.
    factory.connectToShadowDb = async () => {
      const main = await new PrismaPg({ connectionString: databaseUrl }).connect();
      const database = `prisma_shadow_${process.pid}_${Date.now()}`;
      await main.executeScript(`CREATE DATABASE "${database}"`);
      const url = new URL(databaseUrl);
      url.pathname = `/${database}`;
      const drop = async () => {
        await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
        await main.dispose();
      };
      const shadow = await new PrismaPg({ connectionString: url.toString() }).connect().catch(async (e) => {
        await drop();
        throw e;
      });
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await drop();
      };
      return patchCharOid(shadow);
    };
    return factory;
  }
  // The engine replays each migration.sql on the shadow database through executeRaw, which
  // better-sqlite3 runs as ONE prepared statement (the rest of the file is silently ignored):
  // send parameterless raw SQL through executeScript instead.
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => {
    const shadow = await connectToShadowDb();
    const executeRaw = shadow.executeRaw.bind(shadow);
    shadow.executeRaw = async (q) => (q.args.length === 0 ? (await shadow.executeScript(q.sql), 0) : executeRaw(q));
    return shadow;
  };
  return factory;
}

/**
 * adapter-pg has no mapping for OID 18 ("char"), which pg_catalog columns the engine introspects use:
 * "Column type 'char' could not be deserialized". Only diff needs it (it describes the shadow database;
 * deploy and status do not): report it as text (OID 25) on the shadow connection only, so no other
 * adapter in the process is touched.
 */
function patchCharOid<T extends object>(queryable: T): T {
  type IO = (q: unknown) => Promise<{ fields?: { dataTypeID: number }[] }>;
  const target = queryable as T & { performIO: IO; startTransaction?: (...a: unknown[]) => Promise<object> };
  const performIO = target.performIO.bind(target);
  target.performIO = async (q) => {
    const result = await performIO(q);
    for (const field of result?.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  };
  if (target.startTransaction) {
    const start = target.startTransaction.bind(target);
    target.startTransaction = async (...a) => patchCharOid(await start(...a));
  }
  return queryable;
}

/**
 * The engine never disposes the connections it opens, and on SQLite it takes them in
 * `locking_mode=EXCLUSIVE`: left open, they would lock the application out of its own database.
 * So record every connection (main and shadow) and dispose each exactly once after the engine is done.
 */
function trackConnections(factory: Factory, opened: { dispose(): Promise<void> }[]): Factory {
  for (const method of ['connect', 'connectToShadowDb'] as const) {
    const open = factory[method].bind(factory);
    factory[method] = async () => {
      const conn = await open();
      const dispose = conn.dispose.bind(conn);
      let disposed: Promise<void> | undefined;
      conn.dispose = () => (disposed ??= dispose());
      opened.push(conn);
      return conn;
    };
  }
  return factory;
}

export interface EngineOptions {
  /** The schema(s) the engine is given; not needed to deploy or diagnose. */
  datamodels?: [path: string, content: string][];
  /** Install the shadow-database workarounds (operations that replay migrations). */
  shadow?: boolean;
}

/**
 * Run `fn` with a schema engine connected to the database; always frees the engine. Operations are
 * queued, one at a time per process: two concurrent migrations of one SQLite file would otherwise
 * lock each other out (the engine holds it in EXCLUSIVE mode), and see engineTimers above.
 */
export function withSchemaEngine<T>(
  databaseUrl: string,
  fn: (engine: SchemaEngine, provider: Provider) => Promise<T>,
  options: EngineOptions = {},
): Promise<T> {
  const run = engineQueue.then(() => runSchemaEngine(databaseUrl, fn, options));
  engineQueue = run.catch(() => {});
  return run;
}

async function runSchemaEngine<T>(
  databaseUrl: string,
  fn: (engine: SchemaEngine, provider: Provider) => Promise<T>,
  options: EngineOptions,
): Promise<T> {
  const provider = providerOf(databaseUrl);
  const wasm = await loadSchemaEngine();
  let factory: Factory = adapterFor(databaseUrl);
  if (options.shadow) factory = withShadowFixes(factory, databaseUrl);
  const opened: { dispose(): Promise<void> }[] = [];
  const bound = bindMigrationAwareSqlAdapterFactory(trackConnections(factory, opened));
  let engine: SchemaEngine | undefined;
  try {
    // the callback receives the engine's tracing lines; unneeded unless debugging the engine itself
    engine = await wasm.SchemaEngine.new({ datamodels: options.datamodels }, () => {}, bound);
    return await fn(engine, provider);
  } catch (e) {
    // the engine's message names the failing step; the driver's own error sits in the registry
    const driverErrors: string[] = [];
    for (let i = 0, r; (r = bound.errorRegistry.consumeError(i)); i++) driverErrors.push(describe(r.error));
    let message = `${describe(e)}${driverErrors.length ? ` (driver: ${driverErrors.join('; ')})` : ''}`;
    // better-sqlite3's SQLITE_BUSY arrives as a kind the engine cannot decode
    if (message.includes('`SocketTimeout`')) message = `database is locked by another connection (is the server running?): ${message}`;
    throw new Error(`schema engine on ${redact(databaseUrl)}: ${message}`, { cause: e });
  } finally {
    engine?.free();
    for (const conn of opened.reverse()) await conn.dispose().catch(() => {}); // closing: nothing left to save
    for (const timer of engineTimers) clearTimeout(timer);
    engineTimers.clear();
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'object' ? JSON.stringify(e) : String(e);
}

/** Apply pending migrations (`prisma migrate deploy`). Idempotent: returns the names just applied. */
export async function migrate(databaseUrl: string): Promise<{ applied: string[] }> {
  return withSchemaEngine(databaseUrl, async (engine, provider) => {
    const out = await engine.applyMigrations({ migrationsList: readMigrations(provider), filters: NO_FILTERS });
    return { applied: out.appliedMigrationNames };
  });
}

/** The migration history versus the migrations folder (`prisma migrate status`). */
export async function migrationStatus(databaseUrl: string): Promise<DiagnoseMigrationHistoryOutput> {
  return withSchemaEngine(databaseUrl, async (engine, provider) => {
    const migrationsList = readMigrations(provider);
    try {
      return await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS });
    } catch (e) {
      // Through an adapter the engine fails with P1014 on a database that was never migrated,
      // where the CLI reports "not yet applied": report it the CLI's way.
      if ((e as { code?: string }).code !== 'P1014') throw e;
      const unappliedMigrationNames = migrationsList.migrationDirectories.map((d) => d.path);
      return {
        editedMigrationNames: [],
        failedMigrationNames: [],
        hasMigrationsTable: false,
        history: unappliedMigrationNames.length ? { diagnostic: 'databaseIsBehind', unappliedMigrationNames } : null,
      };
    }
  });
}
