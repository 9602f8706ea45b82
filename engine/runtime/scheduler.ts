import type { ProcessorNode } from './processor-node';

/** How long one pass over the processors may hold the event loop before yielding to I/O. */
const SLICE_MS = 20;

/**
 * Triggers running processors when they can work: input waiting (or a source), no back pressure,
 * not penalized or yielding. Event-driven: it sleeps when nothing is ready and wakes on offer,
 * start, task completion or the earliest penalty/yield expiry. Each pass visits every processor
 * once, so a hot processor cannot starve the others; passes are bounded in time and separated by
 * setImmediate, so the HTTP server and socket.io keep being served under full load.
 */
export class Scheduler {
  private nodes: ProcessorNode[] = [];
  /** Where the next pass starts: a pass cut short by its time slice resumes with the next node, not the first. */
  private cursor = 0;
  private immediate?: NodeJS.Immediate;
  private timer?: NodeJS.Timeout;
  private inPass = false;

  add(node: ProcessorNode): void {
    if (!this.nodes.includes(node)) this.nodes.push(node);
    this.wake();
  }

  remove(node: ProcessorNode): void {
    this.nodes = this.nodes.filter((n) => n !== node);
  }

  /** Something changed (records offered, a task finished): run a pass soon. */
  wake = (): void => {
    if (this.inPass || this.immediate) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.immediate = setImmediate(this.pass);
  };

  stop(): void {
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timer) clearTimeout(this.timer);
    this.immediate = this.timer = undefined;
    this.nodes = [];
  }

  /**
   * Trigger a node; with a run duration, keep triggering it while it stays ready (synchronous
   * triggers only), which saves a pass per batch at the cost of latency for the others.
   */
  private run(node: ProcessorNode, now: number, deadline: number): void {
    const task = node.trigger(now);
    if (task) {
      task.then(this.wake);
      return;
    }
    const until = Math.min(performance.now() + node.config.scheduling.runDurationMs, deadline);
    while (performance.now() < until && node.readyAt(Date.now()) === 'ready') {
      const next = node.trigger(Date.now());
      if (next) {
        next.then(this.wake);
        return;
      }
    }
  }

  private pass = (): void => {
    this.immediate = undefined;
    this.inPass = true;
    const deadline = performance.now() + SLICE_MS;
    let progressed = false;
    let nextAt = Infinity;
    try {
      let progressedThisRound: boolean;
      let outOfTime = false;
      do {
        progressedThisRound = false;
        nextAt = Infinity;
        const count = this.nodes.length;
        for (let visited = 0; visited < count && !outOfTime; visited++) {
          const node = this.nodes[this.cursor % count];
          this.cursor = (this.cursor + 1) % count;
          const now = Date.now();
          const ready = node.readyAt(now);
          if (ready === 'ready') {
            this.run(node, now, deadline);
            progressedThisRound = progressed = true;
          } else if (typeof ready === 'number') {
            nextAt = Math.min(nextAt, ready);
          }
          outOfTime = performance.now() > deadline;
        }
      } while (progressedThisRound && !outOfTime);
    } finally {
      this.inPass = false;
    }
    if (progressed) this.wake();
    else if (nextAt < Infinity) this.timer = setTimeout(this.wake, Math.max(0, nextAt - Date.now()));
  };
}
