'use client';

import { useState } from 'react';
import type { QueuedRecordSummary } from '@/engine/protocol';
import { describeError, getQueuedRecord, listQueue, queuedRecordDownload, type QueuedRecord } from '@/components/editor/api';
import { formatBytes, formatCount, formatDuration } from '@/components/editor/format';
import { useEditor, useEditorActions } from '@/components/editor/store-context';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';

/**
 * NiFi's "list queue": the first records waiting in a connection, in the order they will leave it,
 * fetched when asked (a listing is a snapshot, not a live view); one of them in full, to read or
 * download.
 */
export function QueueListing({ connectionId }: { connectionId: string }) {
  const flowId = useEditor((s) => s.flowId);
  const { notify } = useEditorActions();
  const [listing, setListing] = useState<{ queued: number; records: QueuedRecordSummary[]; at: number }>();
  const [open, setOpen] = useState<QueuedRecord>();
  const [loading, setLoading] = useState(false);

  const list = async () => {
    setLoading(true);
    try {
      setListing({ ...(await listQueue(flowId, connectionId)), at: Date.now() });
      setOpen(undefined);
    } catch (error) {
      notify('error', `Listing the queue: ${describeError(error).message}`);
    } finally {
      setLoading(false);
    }
  };

  const show = async (id: number) => {
    try {
      setOpen(await getQueuedRecord(flowId, connectionId, id));
    } catch (error) {
      notify('error', `Opening record ${id}: ${describeError(error).message}`);
    }
  };

  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-center gap-2">
        <Button data-testid="queue-list" disabled={loading} onClick={() => void list()}>
          {listing ? 'Refresh' : 'List queued records'}
        </Button>
        {listing && (
          <span className="text-[11px] text-slate-500 tabular-nums">
            first {listing.records.length} of {formatCount(listing.queued)}, as of {new Date(listing.at).toLocaleTimeString()}
          </span>
        )}
      </div>
      {listing && listing.records.length === 0 && <p className="text-[11px] text-slate-500">The queue is empty.</p>}
      {listing && listing.records.length > 0 && (
        <ol data-testid="queue-records" className="max-h-56 overflow-auto rounded border border-slate-200 text-[11px]">
          {listing.records.map((r, position) => (
            <li key={r.id}>
              <button
                type="button"
                data-testid="queue-row"
                data-record-id={r.id}
                onClick={() => void show(r.id)}
                className={cn('flex w-full gap-2 border-b border-slate-100 px-2 py-1 text-left hover:bg-sky-50', open?.id === r.id && 'bg-sky-50')}
              >
                <span className="w-6 shrink-0 text-slate-400 tabular-nums">{position + 1}</span>
                <span className="w-20 shrink-0 text-slate-500 tabular-nums" title="waiting in this queue">
                  {formatDuration(Math.max(0, listing.at - r.enqueuedAt))}
                </span>
                <span className="min-w-0 flex-1 truncate font-mono text-slate-700">{r.preview}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
      {open && (
        <div data-testid="queue-record" className="flex flex-col gap-1.5 rounded border border-slate-200 p-2 text-[11px]">
          <div className="flex items-center gap-2">
            <span className="font-semibold text-slate-700">Record {open.id}</span>
            <span className="text-slate-500">{formatBytes(open.size)}</span>
            <a
              data-testid="queue-download"
              href={queuedRecordDownload(flowId, connectionId, open.id)}
              download={`record-${open.id}.json`}
              className="ml-auto text-sky-700 hover:underline"
            >
              Download
            </a>
          </div>
          <p className="text-slate-500">
            entered the flow {new Date(open.entryTime).toLocaleString()}
            {open.parents.length > 0 && ` · made from ${open.parents.join(', ')}`}
          </p>
          {Object.keys(open.attributes).length > 0 && (
            <dl className="grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5">
              {Object.entries(open.attributes).map(([name, value]) => (
                <div key={name} className="contents">
                  <dt className="font-medium text-slate-600">{name}</dt>
                  <dd className="truncate font-mono text-slate-700" title={value}>
                    {value}
                  </dd>
                </div>
              ))}
            </dl>
          )}
          <pre data-testid="queue-record-content" className="max-h-64 overflow-auto rounded bg-slate-50 p-1.5 font-mono text-[11px] text-slate-800">
            {JSON.stringify(open.content, null, 2)}
          </pre>
        </div>
      )}
    </div>
  );
}
