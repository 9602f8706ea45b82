import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
// Two generated clients because Prisma 7 refuses an adapter whose provider differs from the client's.
// Both are cheap to import: each loads its query-compiler wasm lazily, on first query.
import { PrismaClient as SqliteClient } from '../generated/sqlite/client';
import { PrismaClient as PgClient } from '../generated/postgresql/client';

/** The sqlite client's type stands for both: the two are generated from the same models. */
export type Prisma = SqliteClient;

export type Provider = 'sqlite' | 'postgresql';

export const DEFAULT_DATABASE_URL = 'file:./data/conflux.db';

export function providerOf(databaseUrl: string): Provider {
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  throw new Error(`unsupported database URL (use file:… or postgresql://…): ${redact(databaseUrl)}`);
}

/** Hide a password before a URL goes into an error message or a log. */
export function redact(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

/**
 * The driver-adapter factory for a URL. For SQLite the file's directory is created first, so the
 * default `file:./data/conflux.db` works in a fresh checkout. The URL is taken relative to the cwd.
 */
export function adapterFor(databaseUrl: string): PrismaBetterSqlite3 | PrismaPg {
  if (providerOf(databaseUrl) === 'sqlite') {
    const file = databaseUrl.slice('file:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return new PrismaBetterSqlite3({ url: databaseUrl });
  }
  return new PrismaPg({ connectionString: databaseUrl });
}

/** A Prisma client for the URL's provider. Does not migrate: FlowStore.open() does that first. */
export function openPrisma(databaseUrl: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Prisma {
  const adapter = adapterFor(databaseUrl);
  if (adapter instanceof PrismaPg) return new PgClient({ adapter }) as unknown as Prisma;
  return new SqliteClient({ adapter });
}
