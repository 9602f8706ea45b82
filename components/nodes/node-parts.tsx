import { Handle, Position } from '@xyflow/react';
import type { Bulletin, ProcessorStatus } from '@/engine/protocol';
import type { ProcessorState } from '@/components/editor/graph-model';
import { formatCount, formatTime } from '@/components/editor/format';
import { cn } from '@/components/ui/cn';

/** Pieces of the processor node card; kept apart so the node file reads as layout only. */

const stateLook: Record<ProcessorState, { icon: string; label: string; className: string }> = {
  RUNNING: { icon: '▶', label: 'running', className: 'text-emerald-600' },
  STOPPED: { icon: '■', label: 'stopped', className: 'text-slate-400' },
  INVALID: { icon: '⚠', label: 'invalid', className: 'text-red-600' },
};

export function StateIcon({ state, problems }: { state: ProcessorState; problems: readonly string[] }) {
  const look = stateLook[state];
  const title = state === 'INVALID' && problems.length > 0 ? `Invalid:\n${problems.join('\n')}` : look.label;
  return (
    <span title={title} aria-label={look.label} className={cn('w-3 shrink-0 text-center leading-none', look.className)}>
      {look.icon}
    </span>
  );
}

export function NodeStats({ status }: { status: ProcessorStatus | undefined }) {
  const cell = 'flex flex-col rounded bg-slate-50 px-1.5 py-0.5';
  const label = 'text-[10px] uppercase tracking-wide text-slate-400';
  return (
    <div className="grid grid-cols-3 gap-1 px-2 pb-1.5 tabular-nums">
      <div className={cell}>
        <span className={label}>in</span>
        <span data-testid="proc-in" data-value={status?.in ?? 0} className="font-medium text-slate-700">
          {formatCount(status?.in ?? 0)}
        </span>
      </div>
      <div className={cell}>
        <span className={label}>out</span>
        <span data-testid="proc-out" data-value={status?.out ?? 0} className="font-medium text-slate-700">
          {formatCount(status?.out ?? 0)}
        </span>
      </div>
      <div className={cell}>
        <span className={label}>rate</span>
        <span className="font-medium text-slate-700">
          <span data-testid="proc-rate" data-value={status?.rate1s ?? 0}>
            {formatCount(status?.rate1s ?? 0)}
          </span>
          <span className="text-slate-400">/s</span>
        </span>
      </div>
    </div>
  );
}

/** The latest bulletin, one line; the full text and time in the tooltip. */
export function BulletinLine({ bulletins }: { bulletins: readonly Bulletin[] }) {
  if (bulletins.length === 0) return null;
  const latest = bulletins.reduce((a, b) => (b.at >= a.at ? b : a));
  const error = latest.level === 'ERROR';
  return (
    <div
      data-testid="proc-bulletin"
      title={`${formatTime(latest.at)} ${latest.level}: ${latest.message}${bulletins.length > 1 ? `\n(+${bulletins.length - 1} earlier)` : ''}`}
      className={cn(
        'mx-2 mb-1.5 flex items-center gap-1 truncate rounded px-1.5 py-0.5 text-[11px]',
        error ? 'bg-red-50 text-red-700' : 'bg-amber-50 text-amber-800',
      )}
    >
      <span aria-hidden>⚑</span>
      <span className="truncate">{latest.message}</span>
    </div>
  );
}

/** One source handle per relationship, on the right edge, each on its own labelled row. */
export function RelationshipHandles({
  relationships,
  autoTerminated,
}: {
  relationships: readonly string[];
  autoTerminated: readonly string[];
}) {
  if (relationships.length === 0) return null;
  return (
    <div className="border-t border-slate-100 py-1">
      {relationships.map((name) => {
        const terminated = autoTerminated.includes(name);
        return (
          <div key={name} className="relative flex justify-end py-0.5 pr-3 pl-2">
            <span
              className={cn('truncate text-[11px]', terminated ? 'text-slate-400 italic' : 'text-slate-600')}
              title={terminated ? `${name} (auto-terminated)` : name}
            >
              {name}
            </span>
            <Handle
              type="source"
              position={Position.Right}
              id={name}
              className="h-2.5 w-2.5 border-slate-500 bg-white hover:bg-sky-500"
            />
          </div>
        );
      })}
    </div>
  );
}
