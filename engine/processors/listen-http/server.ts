import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long a stop waits for answers in flight before cutting the remaining connections. */
const CLOSE_GRACE_MS = 5_000;

/**
 * An HTTP server that knows which requests are in flight, so a stop can wait for exactly those
 * and then cut the connections that carry none (keep-alive, or opened ahead by a client's pool).
 */
export class WebhookServer {
  private readonly server: Server;
  private inFlight = 0;
  private onIdle?: () => void;

  constructor(handle: (req: IncomingMessage, res: ServerResponse) => void) {
    this.server = createServer((req, res) => {
      this.inFlight++;
      res.once('close', () => {
        if (--this.inFlight === 0) this.onIdle?.();
      });
      handle(req, res);
    });
  }

  /** Listen on host:port; resolves with the bound address and port, rejects with a message a data engineer can act on. */
  listen(port: number, host: string): Promise<{ address: string; port: number }> {
    const server = this.server;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        reject(new Error(listenErrorMessage(error, port, host), { cause: error }));
      };
      const onListening = () => {
        server.off('error', onError);
        const { address, port: bound } = server.address() as AddressInfo;
        resolve({ address, port: bound });
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, host);
    });
  }

  /** Stop accepting connections, wait for the requests in flight (up to a grace period), then close every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_GRACE_MS);
        this.onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.server.closeAllConnections();
    await closed;
  }
}

function listenErrorMessage(error: NodeJS.ErrnoException, port: number, host: string): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (another ListenHTTP processor or program listens there): choose another port`;
    case 'EACCES':
      return `no permission to listen on port ${port} (ports below 1024 need privileges): choose a port above 1024`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `${host} is not an address of this machine: use 0.0.0.0 (every interface) or 127.0.0.1`;
    default:
      return `cannot listen on ${host}:${port}: ${error.message}`;
  }
}
