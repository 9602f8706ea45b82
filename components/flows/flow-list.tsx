'use client';

import { useEffect, useState } from 'react';
import Link from 'next/link';
import type { FlowSummary } from '@/engine/flow/schema';
import { describeError, listFlows } from '@/components/editor/api';

function formatUpdated(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Every stored flow: name, size, whether it runs, when it last changed. */
export function FlowList() {
  const [flows, setFlows] = useState<FlowSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    listFlows().then(
      (list) => current && setFlows([...list].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))),
      (e: unknown) => current && setError(describeError(e).message),
    );
    return () => {
      current = false;
    };
  }, []);

  if (error) return <p className="text-sm text-red-700">Could not list the flows: {error}</p>;
  if (!flows) return <p className="text-sm text-slate-500">Loading flows…</p>;
  if (flows.length === 0) return <p className="text-sm text-slate-500">No flows yet: create one above.</p>;

  return (
    <table className="w-full border-collapse text-left text-sm">
      <thead>
        <tr className="border-b border-slate-200 text-[11px] tracking-wider text-slate-400 uppercase">
          <th className="py-2 font-semibold">Flow</th>
          <th className="py-2 text-right font-semibold">Processors</th>
          <th className="py-2 pl-6 font-semibold">State</th>
          <th className="py-2 text-right font-semibold">Updated</th>
        </tr>
      </thead>
      <tbody>
        {flows.map((flow) => (
          <tr key={flow.id} className="border-b border-slate-100 hover:bg-white">
            <td className="py-2">
              <Link
                data-testid="flow-link"
                href={`/flows/${encodeURIComponent(flow.id)}`}
                className="font-medium text-sky-700 hover:underline"
              >
                {flow.name}
              </Link>
            </td>
            <td className="py-2 text-right text-slate-600 tabular-nums">{flow.processorCount}</td>
            <td className="py-2 pl-6">
              {flow.running ? (
                <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-[11px] font-medium text-emerald-700">
                  ▶ running
                </span>
              ) : (
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-[11px] text-slate-500">■ stopped</span>
              )}
            </td>
            <td className="py-2 text-right text-xs text-slate-500 tabular-nums">{formatUpdated(flow.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
