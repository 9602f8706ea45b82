import { z } from 'zod';

/**
 * The connection properties every SQL pool has, with the defaults of its database. Browser-safe
 * (zod only): the service specs build their forms from it.
 */
export function poolProperties(defaults: { port: number; user: string }) {
  return z.object({
    host: z
      .string()
      .trim()
      .min(1, 'a host is required')
      .default('127.0.0.1')
      .meta({ destination: true, label: 'Host', description: 'Host name or IP address of the database server.', placeholder: 'db.eu.example.com', order: 1 }),
    port: z
      .number()
      .int()
      .min(1)
      .max(65_535)
      .default(defaults.port)
      .meta({ destination: true, label: 'Port', description: `TCP port of the server (${defaults.port} by default).`, order: 2 }),
    database: z
      .string()
      .trim()
      .min(1, 'a database name is required')
      .meta({ destination: true, label: 'Database', description: 'Name of the database to connect to.', placeholder: 'shop_eu', order: 3 }),
    user: z
      .string()
      .trim()
      .min(1, 'a user is required')
      .default(defaults.user)
      .meta({ destination: true, label: 'User', description: 'Database user the pool logs in as.', order: 4 }),
    password: z
      .string()
      .default('')
      .meta({ label: 'Password', description: 'Password of that user; empty when the server does not ask for one.', sensitive: true, order: 5 }),
    maxConnections: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(5)
      .meta({
        label: 'Max connections',
        description: 'Connections the pool may open at once, shared by every processor that uses this service.',
        order: 6,
      }),
    ssl: z
      .boolean()
      .default(false)
      .meta({ label: 'TLS', description: "Connect over TLS, verifying the server's certificate.", order: 7 }),
  });
}

export type PoolProperties = z.infer<ReturnType<typeof poolProperties>>;

/** How a pool names its database in messages: user, host, port and database, never the password. */
export function poolLabel(props: PoolProperties): string {
  return `${props.user}@${props.host}:${props.port}/${props.database}`;
}

/** What both drivers take under these names: no password when it is empty, TLS verifying the server's certificate. */
export function connectionOptions(props: PoolProperties) {
  const { host, port, database, user } = props;
  return { host, port, database, user, password: props.password || undefined, ssl: props.ssl ? { rejectUnauthorized: true } : undefined };
}
