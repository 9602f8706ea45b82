'use client';

import type { ConnectionStatus as Status } from '@/engine/protocol';
import { formatBytes, formatCount, formatDuration } from '@/components/editor/format';
import { useEditor } from '@/components/editor/store-context';
import { cn } from '@/components/ui/cn';
import { HistorySparkline } from './history-sparkline';

/** A connection's live queue: depth and fill, expirations, waits, and its depth over time. */
export function ConnectionStatus({ connectionId }: { connectionId: string }) {
  const status = useEditor((s) => s.stats?.connections[connectionId] as Status | undefined);
  return (
    <div className="flex flex-col gap-2">
      {status ? (
        <ul className="flex flex-col gap-0.5 text-[11px] text-slate-600 tabular-nums">
          <li data-testid="conn-queued" className={cn(status.backPressure && 'text-red-700')}>
            {formatCount(status.queued)} queued ({formatBytes(status.bytes)}), {Math.round(status.percent)} % full
            {status.backPressure ? ' · back pressure' : ''}
          </li>
          <li data-testid="conn-durability" className={cn(!status.durable && 'text-amber-700')}>
            {status.durable
              ? `durable${status.onDisk > 0 ? ` · ${formatCount(status.onDisk)} on disk only (beyond the memory window)` : ''}`
              : 'in memory only: lost if the server stops'}
          </li>
          <li data-testid="conn-expired" className={cn(status.expired > 0 && 'text-amber-700')}>
            {formatCount(status.expired)} expired
          </li>
          <li data-testid="conn-oldest">
            oldest waiting {status.queued > 0 ? formatDuration(status.oldestMs) : '–'}
          </li>
          <li data-testid="conn-wait" title="Time in queue of recently dequeued records">
            time in queue p50 {formatDuration(status.waitP50Ms)} · p99 {formatDuration(status.waitP99Ms)}
          </li>
        </ul>
      ) : (
        <p className="text-[11px] text-slate-500">No live stats yet.</p>
      )}
      <HistorySparkline componentId={connectionId} label="queued" format={formatCount} />
    </div>
  );
}
