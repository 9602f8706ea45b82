'use client';

import type { Scheduling } from '@/engine/flow/schema';
import type { ProcessorStatus } from '@/engine/protocol';
import { useEditor } from '@/components/editor/store-context';
import { countOf, inspectViewOf, type InspectedRecord } from '@/engine/protocol/views';
import { formatCount, formatDuration, formatTime } from '@/components/editor/format';
import { cn } from '@/components/ui/cn';
import { HistorySparkline } from './history-sparkline';

const perSecond = (value: number) => `${formatCount(value)}/s`;

/** What the processor is doing: live counters, its rate history, its processor-specific view, its bulletins. */
export function ProcessorActivity({
  processorId,
  type,
  strategy,
}: {
  processorId: string;
  type: string;
  /** The saved strategy: timer and cron processors show their next run. */
  strategy: Scheduling['strategy'];
}) {
  const status = useEditor((s) => s.stats?.processors[processorId] as ProcessorStatus | undefined);
  return (
    <div className="flex flex-col gap-3">
      <Counters status={status} timed={strategy !== 'EVENT'} />
      <HistorySparkline componentId={processorId} label="records/s" format={perSecond} />
      {type === 'Inspect' && <InspectRecords view={status?.view} />}
      {type === 'Count' && (
        <p className="text-xs text-slate-700">
          Counted: <span className="font-semibold tabular-nums">{formatCount(countOf(status?.view) ?? 0)}</span>
        </p>
      )}
      <Bulletins status={status} />
    </div>
  );
}

function Counters({ status, timed }: { status: ProcessorStatus | undefined; timed: boolean }) {
  if (!status) return <p className="text-[11px] text-slate-400">No live stats yet.</p>;
  const rows: [string, string][] = [
    ['in / out', `${formatCount(status.in)} / ${formatCount(status.out)}`],
    ['rate 1s · 1m · 5m', `${formatCount(status.rate1s)} · ${formatCount(status.rate1m)} · ${formatCount(status.rate5m)} /s`],
    ['errors', formatCount(status.errors)],
    ['retried', formatCount(status.retried)],
    ['active tasks', formatCount(status.activeTasks)],
  ];
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-[11px]">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-500">{label}</dt>
          <dd className="text-right text-slate-800 tabular-nums">{value}</dd>
        </div>
      ))}
      {status.penalizedUntil !== undefined && status.penalizedUntil > Date.now() && (
        <div className="contents">
          <dt className="text-amber-700">penalized until</dt>
          <dd className="text-right text-amber-700">{formatTime(status.penalizedUntil)}</dd>
        </div>
      )}
      {timed && status.state === 'RUNNING' && (
        <div className="contents">
          <dt className="text-slate-500">next run</dt>
          <dd data-testid="proc-next-run" className="text-right text-slate-800 tabular-nums">
            {status.nextRunAt === undefined || !Number.isFinite(status.nextRunAt)
              ? '–'
              : `${formatTime(status.nextRunAt)} (in ${formatDuration(Math.max(0, status.nextRunAt - Date.now()))})`}
          </dd>
        </div>
      )}
    </dl>
  );
}

/** The Inspect processor's latest records, newest first, as formatted JSON. */
function InspectRecords({ view }: { view: unknown }) {
  const records = inspectViewOf(view)?.records ?? [];
  return (
    <section>
      <h4 className="mb-1 text-[10px] font-semibold tracking-wider text-slate-400 uppercase">
        Latest records ({records.length})
      </h4>
      <div data-testid="inspect-records" className="flex flex-col gap-1.5">
        {records.length === 0 && <p className="text-[11px] text-slate-400">Nothing has arrived yet.</p>}
        {[...records].reverse().map((record) => (
          <InspectRecord key={record.id} record={record} />
        ))}
      </div>
    </section>
  );
}

function InspectRecord({ record }: { record: InspectedRecord }) {
  const hasAttributes = Object.keys(record.attributes).length > 0;
  return (
    <article data-testid="inspect-record" className="rounded border border-slate-200 bg-slate-50">
      <header className="flex justify-between border-b border-slate-200 px-2 py-0.5 text-[10px] text-slate-500">
        <span className="truncate font-mono">{record.id}</span>
        <span>{formatTime(record.entryTime)}</span>
      </header>
      <pre className="max-h-48 overflow-auto px-2 py-1 font-mono text-[11px] leading-snug text-slate-800">
        {JSON.stringify(record.content, null, 2)}
      </pre>
      {hasAttributes && (
        <pre className="border-t border-slate-200 px-2 py-1 font-mono text-[10px] text-slate-500">
          {JSON.stringify(record.attributes, null, 2)}
        </pre>
      )}
    </article>
  );
}

function Bulletins({ status }: { status: ProcessorStatus | undefined }) {
  const bulletins = [...(status?.bulletins ?? [])].sort((a, b) => b.at - a.at);
  return (
    <section>
      <h4 className="mb-1 text-[10px] font-semibold tracking-wider text-slate-400 uppercase">Bulletins</h4>
      {bulletins.length === 0 ? (
        <p className="text-[11px] text-slate-400">None.</p>
      ) : (
        <ul data-testid="bulletins" className="flex flex-col gap-1">
          {bulletins.map((b, i) => (
            <li
              key={`${b.at}-${i}`}
              className={cn(
                'rounded px-2 py-1 text-[11px]',
                b.level === 'ERROR' ? 'bg-red-50 text-red-800' : 'bg-amber-50 text-amber-800',
              )}
            >
              <span className="mr-1.5 font-mono text-[10px] opacity-70">{formatTime(b.at)}</span>
              <span className="mr-1 font-semibold">{b.level}</span>
              {b.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
