'use client';

import type { AnySpec } from '@/engine/sdk';

/**
 * Every relationship must go somewhere: to a connection, or be auto-terminated (records dropped on
 * purpose). Listed from the draft, so a route added in the form shows up here before saving.
 */
export function RelationshipsSection({
  spec,
  relationships,
  connected,
  autoTerminated,
  onToggle,
}: {
  spec: AnySpec;
  relationships: readonly string[];
  connected: ReadonlySet<string>;
  autoTerminated: readonly string[];
  onToggle: (relationship: string, on: boolean) => void;
}) {
  if (relationships.length === 0) {
    return <p className="text-[11px] text-slate-500">This processor has no outgoing relationships.</p>;
  }
  const describe = (name: string) =>
    spec.relationships.find((r) => r.name === name)?.description ?? 'Route defined in the properties.';

  return (
    <ul className="flex flex-col gap-1.5">
      {relationships.map((name) => (
        <li key={name} className="flex items-start gap-2">
          <input
            id={`autoterminate-${name}`}
            name={`autoterminate-${name}`}
            type="checkbox"
            checked={autoTerminated.includes(name)}
            onChange={(e) => onToggle(name, e.target.checked)}
            className="mt-0.5 h-3.5 w-3.5 accent-sky-600"
          />
          <label htmlFor={`autoterminate-${name}`} className="min-w-0 flex-1 text-xs">
            <span className="font-medium text-slate-700">{name}</span>
            <span className="ml-1.5 text-[10px] text-slate-400">
              {connected.has(name) ? 'connected' : autoTerminated.includes(name) ? 'auto-terminated' : 'unconnected'}
            </span>
            <span className="block text-[11px] text-slate-500">{describe(name)}</span>
          </label>
        </li>
      ))}
    </ul>
  );
}
