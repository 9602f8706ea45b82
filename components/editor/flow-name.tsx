'use client';

import { useState, type FormEvent } from 'react';
import { useEditor, useEditorActions } from './store-context';

/** The flow's name in the toolbar; click to rename inline, Enter saves, Escape cancels. */
export function FlowName() {
  const name = useEditor((s) => s.graph?.name ?? '');
  const { renameFlow } = useEditorActions();
  const [draft, setDraft] = useState<string | null>(null);

  const commit = (event?: FormEvent) => {
    event?.preventDefault();
    if (draft !== null) void renameFlow(draft);
    setDraft(null);
  };

  if (draft === null) {
    return (
      <button
        type="button"
        data-testid="flow-name"
        onClick={() => setDraft(name)}
        title="Rename the flow"
        className="max-w-80 truncate rounded px-1.5 py-0.5 text-sm font-semibold text-slate-800 hover:bg-slate-100"
      >
        {name || '…'}
      </button>
    );
  }
  return (
    <form onSubmit={commit}>
      <input
        data-testid="flow-name"
        autoFocus
        value={draft}
        maxLength={120}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => commit()}
        onKeyDown={(e) => e.key === 'Escape' && setDraft(null)}
        aria-label="Flow name"
        className="w-72 rounded border border-sky-500 px-1.5 py-0.5 text-sm font-semibold focus:outline-none"
      />
    </form>
  );
}
