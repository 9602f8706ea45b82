'use client';

import { Can } from '@/components/auth/identity';
import type { ProcessorConfig } from '@/engine/flow/schema';
import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { useEditor, useEditorActions } from '@/components/editor/store-context';
import { useIsRunning } from './use-is-running';

/** Name (renamable even while running), type, and the processor's start / stop / delete. */
export function ProcessorHeader({ processor, summary }: { processor: ProcessorConfig; summary?: string }) {
  const { renameProcessor, run, deleteElements } = useEditorActions();
  const pending = useEditor((s) => Boolean(s.pendingRuns[processor.id] ?? s.pendingRuns['*']));
  const running = useIsRunning(processor);

  return (
    <div className="flex flex-col gap-2 border-b border-slate-200 p-3">
      <div className="flex items-baseline justify-between gap-2">
        <span className="text-[10px] font-semibold tracking-wider text-slate-400 uppercase">Processor</span>
        <span className="truncate text-[11px] text-slate-500">{processor.type}</span>
      </div>
      <input
        // Remount on an outside rename so the field shows the new name.
        key={processor.name}
        name="proc-name"
        aria-label="Processor name"
        defaultValue={processor.name}
        maxLength={120}
        onBlur={(e) => void renameProcessor(processor.id, e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') e.currentTarget.value = processor.name;
        }}
        className={`${inputClass} text-sm font-semibold`}
      />
      {summary && <p className="text-[11px] leading-snug text-slate-500">{summary}</p>}
      <div className="flex items-center gap-1.5">
        <Can role="operator">
        <Button
          tone="go"
          data-testid="proc-start"
          disabled={running || pending}
          onClick={() => void run('start', processor.id)}
        >
          ▶ Start
        </Button>
        <Button data-testid="proc-stop" disabled={!running || pending} onClick={() => void run('stop', processor.id)}>
          ■ Stop
        </Button>
        </Can>
        <Can role="editor">
        <Button
          tone="danger"
          data-testid="proc-delete"
          className="ml-auto"
          title={running ? 'Stop the processor before deleting it' : 'Delete this processor and its connections'}
          onClick={() => void deleteElements([processor.id], [])}
        >
          Delete
        </Button>
        </Can>
      </div>
    </div>
  );
}
