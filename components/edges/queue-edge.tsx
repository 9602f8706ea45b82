'use client';

import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import type { ConnectionStatus, FlowStats } from '@/engine/protocol';
import type { QueueEdge } from '@/components/editor/graph-model';
import { useEditor, useEditorActions } from '@/components/editor/store-context';
import { formatCount, formatDuration } from '@/components/editor/format';
import { cn } from '@/components/ui/cn';

/**
 * The one edge type: a connection is a bounded queue, so the edge shows its depth against the
 * threshold, coloured by fill, and marches while records move along it. An in-memory connection
 * (not durable) is drawn dotted and labelled, since what it holds is lost if the server stops.
 */

/** Green while comfortable, amber when filling, red at back pressure (thresholds are soft: 100 %+). */
function fillColour(percent: number, backPressure: boolean): { bar: string; text: string } {
  if (backPressure || percent >= 100) return { bar: 'bg-red-500', text: 'text-red-700' };
  if (percent >= 60) return { bar: 'bg-amber-500', text: 'text-amber-700' };
  return { bar: 'bg-emerald-500', text: 'text-slate-600' };
}

/**
 * Connections have no throughput of their own in the stats, so "moving" is inferred: the source is
 * producing, or the queue holds records the target is taking.
 */
function isMoving(stats: FlowStats | null, source: string, target: string, id: string): boolean {
  if (!stats) return false;
  const from = stats.processors[source];
  const to = stats.processors[target];
  const queue = stats.connections[id];
  const producing = from?.state === 'RUNNING' && from.rate1s > 0;
  const draining = (queue?.queued ?? 0) > 0 && to?.state === 'RUNNING' && to.rate1s > 0;
  return producing || draining;
}

function QueueEdgeView(props: EdgeProps<QueueEdge>) {
  const { id, source, target, data, selected, markerEnd } = props;
  const [path, labelX, labelY] = getBezierPath(props);
  const status = useEditor((s) => s.stats?.connections[id] as ConnectionStatus | undefined);
  const moving = useEditor((s) => isMoving(s.stats, source, target, id));
  const { select } = useEditorActions();

  const connection = data?.connection;
  const queued = status?.queued ?? 0;
  const percent = status?.percent ?? 0;
  const backPressure = status?.backPressure ?? false;
  const threshold = status?.countThreshold ?? connection?.countThreshold ?? 0;
  const colour = fillColour(percent, backPressure);
  const expired = status?.expired ?? 0;
  const inMemory = connection?.durable === false;
  const title = [
    `${connection?.relationship ?? ''}: ${queued} queued of ${threshold} (${Math.round(percent)} %)`,
    inMemory ? 'in memory only: lost if the server stops' : 'durable: survives a crash',
    status && `time in queue p50 ${formatDuration(status.waitP50Ms)} · p99 ${formatDuration(status.waitP99Ms)}`,
    expired > 0 && `${expired} expired`,
  ]
    .filter(Boolean)
    .join('\n');

  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        className={cn(moving && '[stroke-dasharray:8_4] animate-queue-flow')}
        style={{
          strokeWidth: selected ? 2.5 : 1.75,
          stroke: backPressure ? 'var(--color-red-500)' : selected ? 'var(--color-sky-600)' : undefined,
          ...(inMemory && !moving && { strokeDasharray: '2 3' }),
        }}
      />
      <EdgeLabelRenderer>
        <button
          type="button"
          data-testid="queue-label"
          data-connection-id={id}
          data-queued={queued}
          data-percent={percent}
          data-expired={expired}
          data-durable={!inMemory}
          onClick={() => select({ kind: 'connection', id })}
          title={title}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          className={cn(
            'nodrag nopan pointer-events-auto absolute flex min-w-24 flex-col gap-0.5 rounded border bg-white px-1.5 py-1 text-left text-[10px] leading-none shadow-sm',
            selected ? 'border-sky-500' : 'border-slate-200',
          )}
        >
          <span className="flex items-baseline justify-between gap-2">
            <span className="truncate font-medium text-slate-700">{connection?.relationship}</span>
            <span className={cn('tabular-nums', colour.text)}>
              {formatCount(queued)} / {formatCount(threshold)}
            </span>
          </span>
          <span className="h-1 w-full overflow-hidden rounded-full bg-slate-100">
            <span
              className={cn('block h-full rounded-full transition-[width]', colour.bar)}
              style={{ width: `${Math.min(100, Math.max(percent, queued > 0 ? 2 : 0))}%` }}
            />
          </span>
          {inMemory && (
            <span data-testid="queue-in-memory" className="text-[9px] text-amber-700">
              in memory · not durable
            </span>
          )}
          {expired > 0 && (
            <span data-testid="queue-expired" className="text-[9px] text-amber-700 tabular-nums">
              {formatCount(expired)} expired
            </span>
          )}
        </button>
      </EdgeLabelRenderer>
    </>
  );
}

export const QueueEdgeComponent = memo(QueueEdgeView);
