import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * Connections to one DuckDB database, one per operation in flight. A DuckDB transaction (and a temp
 * table) belongs to its connection, so concurrent operations each need their own; DuckDB runs their
 * transactions side by side (appends to the same table do not conflict). Idle connections are kept;
 * one whose operation failed is closed, whatever state it was left in.
 */
export class Connections {
  private readonly idle: DuckDBConnection[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly instance: DuckDBInstance) {}

  /** Run work on a connection of its own. */
  use<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = (async () => {
      const connection = this.idle.pop() ?? (await this.instance.connect());
      try {
        const result = await work(connection);
        this.idle.push(connection);
        return result;
      } catch (error) {
        connection.closeSync();
        throw error;
      }
    })();
    this.inFlight.add(run);
    void run.catch(() => undefined).finally(() => this.inFlight.delete(run));
    return run;
  }

  /** Wait for the operations in flight, then disconnect. */
  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    for (const connection of this.idle.splice(0)) connection.closeSync();
  }
}
