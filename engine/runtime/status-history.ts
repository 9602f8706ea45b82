import type { FlowStats, StatusHistoryPoint } from '../protocol';

/** How many points are kept per component: 5 minutes at one point a second. */
const CAPACITY = 300;
const EVERY_MS = 1_000;
/** Stats ticks jitter by a few ms: a tick this close to a second after the last point still makes one. */
const TOLERANCE_MS = 100;

/**
 * Status history for charts: one point a second per processor (records/s, errors) and per connection
 * (queued records), the last five minutes.
 */
export class StatusHistory {
  private readonly points = new Map<string, StatusHistoryPoint[]>();
  private lastAt = 0;

  record(stats: FlowStats): void {
    if (stats.at - this.lastAt < EVERY_MS - TOLERANCE_MS) return;
    this.lastAt = stats.at;
    for (const [id, p] of Object.entries(stats.processors)) this.push(id, { at: stats.at, value: p.rate1s, errors: p.errors });
    for (const [id, c] of Object.entries(stats.connections)) this.push(id, { at: stats.at, value: c.queued });
  }

  /** Points of a processor (value: records/s) or a connection (value: queued records). */
  of(componentId: string): StatusHistoryPoint[] {
    return this.points.get(componentId) ?? [];
  }

  /** Forget components that are gone from the graph. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.points.keys()) if (!ids.has(id)) this.points.delete(id);
  }

  private push(id: string, point: StatusHistoryPoint): void {
    let list = this.points.get(id);
    if (!list) this.points.set(id, (list = []));
    list.push(point);
    if (list.length > CAPACITY) list.shift();
  }
}
