'use client';

import { cn } from '@/components/ui/cn';
import { useEditor, useEditorActions } from './store-context';

/** Toasts for API errors and outcomes, bottom centre, above the canvas. */
export function Notices() {
  const notices = useEditor((s) => s.notices);
  const { dismiss } = useEditorActions();
  if (notices.length === 0) return null;
  return (
    <div
      aria-live="polite"
      className="pointer-events-none fixed bottom-4 left-1/2 z-50 flex w-[28rem] max-w-[90vw] -translate-x-1/2 flex-col gap-2"
    >
      {notices.map((notice) => (
        <div
          key={notice.id}
          role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="notice"
          data-kind={notice.kind}
          className={cn(
            'pointer-events-auto flex items-start gap-2 rounded border px-3 py-2 text-xs shadow-md',
            notice.kind === 'error' ? 'border-red-300 bg-red-50 text-red-800' : 'border-slate-300 bg-white text-slate-700',
          )}
        >
          <div className="min-w-0 flex-1">
            <p className="font-medium">{notice.message}</p>
            {notice.detail.length > 0 && (
              <ul className="mt-1 list-disc pl-4">
                {notice.detail.map((line, i) => (
                  <li key={i}>{line}</li>
                ))}
              </ul>
            )}
          </div>
          <button
            type="button"
            onClick={() => dismiss(notice.id)}
            aria-label="Dismiss"
            className="shrink-0 text-slate-400 hover:text-slate-700"
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
