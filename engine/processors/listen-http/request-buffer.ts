/** A received request whose records wait for a trigger to bring them into the flow. */
export interface PendingRequest {
  readonly contents: readonly Record<string, unknown>[];
  readonly attributes: Readonly<Record<string, string>>;
  /** Send the HTTP answer; later calls (and calls after the caller left) do nothing. */
  answer(status: number, body: object, headers?: Record<string, string>): void;
}

/**
 * The bounded hand-off between the HTTP server and the processor's triggers. It holds whole
 * requests, so a request's records always enter the flow in one session and its answer is all or
 * nothing. Counted in records; a request is always accepted into an empty buffer, so a request
 * larger than the buffer is slow, not impossible.
 */
export class RequestBuffer {
  private readonly requests: PendingRequest[] = [];
  private records = 0;

  constructor(private readonly capacity: number) {}

  /** Records waiting. */
  get size(): number {
    return this.records;
  }

  get isFull(): boolean {
    return this.records >= this.capacity;
  }

  /** Queue a request if there is room; false means the caller should be told to come back later. */
  offer(request: PendingRequest): boolean {
    if (this.records > 0 && this.records + request.contents.length > this.capacity) return false;
    this.requests.push(request);
    this.records += request.contents.length;
    return true;
  }

  /**
   * The oldest requests, whole, up to `maxRecords` records in all; at least one request even if it
   * alone is larger (its answer must not depend on two sessions).
   */
  take(maxRecords: number): PendingRequest[] {
    let count = 0;
    let n = 0;
    while (n < this.requests.length && (n === 0 || count + this.requests[n].contents.length <= maxRecords)) {
      count += this.requests[n].contents.length;
      n++;
    }
    this.records -= count;
    return this.requests.splice(0, n);
  }

  /** Remove a request whose caller hung up before its records were taken; false if already taken. */
  withdraw(request: PendingRequest): boolean {
    const index = this.requests.indexOf(request);
    if (index < 0) return false;
    this.requests.splice(index, 1);
    this.records -= request.contents.length;
    return true;
  }

  /** Everything still waiting (the processor is stopping). */
  drain(): PendingRequest[] {
    this.records = 0;
    return this.requests.splice(0);
  }
}
