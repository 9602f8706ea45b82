import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Repository } from '../../engine/repository/repository';

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

/**
 * The repository a case's engine keeps its connections in, as `npm start` does (a temp directory),
 * when CONFLUX_BENCH_STORE is `durable`; undefined (connections in memory) otherwise. Close it after
 * the engine's shutdown.
 */
export async function benchRepository(): Promise<{ repository: Repository; close: () => Promise<void> } | undefined> {
  if (process.env.CONFLUX_BENCH_STORE !== 'durable') return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'conflux-bench-repository-'));
  const repository = await Repository.open(dir);
  return {
    repository,
    close: async () => {
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
