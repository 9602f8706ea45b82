/**
 * Rates over sliding windows from a monotonically growing counter, sampled at a fixed interval.
 * Keeps 5 minutes of samples; a window longer than the history so far uses all of it.
 */
export class RateHistory {
  private readonly times: number[] = [];
  private readonly values: number[] = [];

  constructor(private readonly capacity = 600) {}

  sample(now: number, value: number): void {
    this.times.push(now);
    this.values.push(value);
    if (this.times.length > this.capacity) {
      this.times.shift();
      this.values.shift();
    }
  }

  /** Per-second rate over the last `windowMs`. */
  rate(windowMs: number): number {
    const last = this.times.length - 1;
    if (last < 1) return 0;
    const now = this.times[last];
    let first = last;
    while (first > 0 && now - this.times[first - 1] <= windowMs + 1) first--;
    if (first === last) first = last - 1;
    const elapsed = now - this.times[first];
    return elapsed > 0 ? ((this.values[last] - this.values[first]) * 1000) / elapsed : 0;
  }
}
