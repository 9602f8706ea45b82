import net from 'node:net';
import pg from 'pg';

/** Test support: the test PostgreSQL database, and a TCP proxy to cut the connection to it. */

const server = new URL(process.env.CONFLUX_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432');
export const TEST_DATABASE = 'conflux_wh_test';

/** Connection settings for the test database, created (through the postgres database) if missing. */
export async function testDatabase(): Promise<{ host: string; port: number; user: string; password?: string; database: string }> {
  const settings = {
    host: server.hostname,
    port: Number(server.port || 5432),
    user: decodeURIComponent(server.username || 'postgres'),
    password: server.password ? decodeURIComponent(server.password) : undefined,
  };
  const admin = new pg.Client({ ...settings, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${TEST_DATABASE}`);
  } catch (error) {
    // 42P04: it exists; 23505: another test file created it at the same moment
    const code = (error as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw error;
  } finally {
    await admin.end();
  }
  return { ...settings, database: TEST_DATABASE };
}

/**
 * A loopback TCP proxy in front of a server. `cut()` is an outage: open connections are reset and new
 * ones are reset as soon as they arrive; `restore()` ends it.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private down = false;
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as net.AddressInfo).port;
    return proxy;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.down) return void client.resetAndDestroy();
    const upstream = net.connect(this.targetPort, this.targetHost);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(socket);
      socket.pipe(other);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        other.destroy();
      });
    }
  }
}
