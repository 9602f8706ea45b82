import net from 'node:net';

/**
 * A loopback TCP proxy to put between a pool and its database server, so a test can make the
 * database "go away" (every open connection reset, new ones refused) and come back, without
 * touching the server other tests share.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private down = false;
  /** Bytes the clients may still send before the proxy cuts (Infinity: no such plan). */
  private allowance = Infinity;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = net.createServer((client) => {
      if (!proxy || proxy.down) return client.resetAndDestroy();
      const upstream = net.connect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        proxy.sockets.add(socket);
        socket.on('close', () => proxy!.sockets.delete(socket));
        socket.on('error', () => (socket === client ? upstream : client).destroy());
      }
      client.on('data', (chunk: Buffer) => proxy!.sent(chunk.length));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  /** Reset every connection through the proxy and refuse new ones until `restore`. */
  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  /** Cut once the clients have sent this many more bytes: "the database went away in the middle of a statement". */
  cutAfterSending(bytes: number): void {
    this.allowance = bytes;
  }

  restore(): void {
    this.down = false;
    this.allowance = Infinity;
  }

  private sent(bytes: number): void {
    this.allowance -= bytes;
    if (this.allowance <= 0 && !this.down) this.cut();
  }

  get connections(): number {
    return this.sockets.size / 2;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
