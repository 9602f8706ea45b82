/**
 * Bytes that may be held at once, shared by every request being read: a body's bytes are taken
 * before (or as) they are read and given back once it is parsed, so memory for bodies in flight
 * stays bounded however many callers send at the same time.
 */
export class ByteBudget {
  private used = 0;

  constructor(private readonly limit: number) {}

  /** Take `bytes` if they fit; false (and nothing taken) if they do not. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}
