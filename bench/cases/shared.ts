import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The records every case generates: the same template, so all cases do the same work. */
export const TEMPLATE = '{"orderId": $i, "sku": $pick(["PF-110", "PF-490", "PF-150"]), "qty": 1 + $i % 4, "price": 39}';
/** The transform every JSONata case applies. */
export const TRANSFORM = '{"total": qty * price}';

export interface CaseResult {
  engine: string;
  records: number;
  seconds: number;
  recordsPerSec: number;
  peakRssMB: number;
  eventLoopLagP99Ms?: number;
  [extra: string]: unknown;
}

/** Peak resident memory of this process so far (maxRSS is in KiB). */
export const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

export function eventLoopLag() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    p99Ms: () => {
      histogram.disable();
      return Math.round((histogram.percentile(99) / 1e6) * 10) / 10;
    },
  };
}

export function report(result: CaseResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
