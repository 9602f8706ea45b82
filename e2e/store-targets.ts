import pg from 'pg';
import { tempSqliteUrl } from './server';

export interface StoreTarget {
  name: string;
  /** Create an empty flow store and return its DATABASE_URL. */
  create(): Promise<string>;
  drop(): Promise<void>;
}

const PG_ADMIN_URL = process.env.CONFLUX_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The flow stores Conflux supports: embedded SQLite and PostgreSQL (the one on this machine). */
export function flowStoreTargets(): StoreTarget[] {
  let database = '';
  const admin = async <T>(work: (client: pg.Client) => Promise<T>) => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return [
    { name: 'SQLite', create: async () => tempSqliteUrl(), drop: async () => {} },
    {
      name: 'PostgreSQL',
      create: async () => {
        database = `conflux_e2e_${process.pid}_${Date.now()}`;
        await admin((c) => c.query(`CREATE DATABASE "${database}"`));
        const url = new URL(PG_ADMIN_URL);
        url.pathname = `/${database}`;
        return url.toString();
      },
      drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)).then(() => {}),
    },
  ];
}
