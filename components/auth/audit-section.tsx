'use client';

import { useEffect, useState } from 'react';
import { describeError } from '@/components/editor/api';
import { inputBase } from '@/components/ui/field';
import { listAudit, type AuditEvent } from './admin-api';
import { ErrorLine } from '@/components/ui/error-line';

/** The audit log, newest first, filtered by who and what (the server keeps the newest 100,000). */
export function AuditSection() {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => void listAudit({ actor, action }).then(setEvents, (e) => setError(describeError(e).message)), 250);
    return () => clearTimeout(timer);
  }, [actor, action]);

  return (
    <section className="flex flex-col gap-2" data-testid="audit-section">
      <h2 className="text-sm font-semibold text-slate-800">Audit log</h2>
      <div className="flex gap-2">
        <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="who" aria-label="Filter by who" className={inputBase} />
        <input value={action} onChange={(e) => setAction(e.target.value)} placeholder="action, e.g. flow.run" aria-label="Filter by action" className={inputBase} />
      </div>
      <table className="text-xs">
        <thead className="text-left text-slate-500">
          <tr>
            <th className="py-1">When</th>
            <th>Who</th>
            <th>From</th>
            <th>Action</th>
            <th>What</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} className="border-t border-slate-100 align-top" data-testid="audit-row" data-action={event.action}>
              <td className="py-1 whitespace-nowrap">{new Date(event.at).toLocaleString()}</td>
              <td>{event.actor}</td>
              <td>{event.address}</td>
              <td>{event.action}</td>
              <td className="break-all">
                {event.detail ?? ''} <span className="text-slate-400">{event.method} {event.path}</span>
              </td>
              <td className={event.status >= 400 ? 'text-red-700' : ''}>{event.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorLine message={error} />
    </section>
  );
}
