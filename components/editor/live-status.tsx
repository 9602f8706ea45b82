'use client';

import { cn } from '@/components/ui/cn';
import { useEditor } from './store-context';
import type { LiveStatus as Status } from './store';

const looks: Record<Status, { text: string; dot: string; title: string }> = {
  live: { text: 'live', dot: 'bg-emerald-500', title: 'Receiving live stats' },
  connecting: { text: 'connecting…', dot: 'bg-amber-400 animate-pulse', title: 'Connecting to the live channel' },
  offline: { text: 'offline', dot: 'bg-red-500', title: 'Live channel lost; retrying. Stats are stale.' },
};

/** The socket's state: stats on screen are only current while this says live. */
export function LiveStatus() {
  const live = useEditor((s) => s.live);
  const look = looks[live];
  return (
    <span className="flex items-center gap-1.5 text-xs text-slate-500" title={look.title}>
      <span className={cn('h-2 w-2 rounded-full', look.dot)} aria-hidden />
      <span data-testid="live-status">{look.text}</span>
    </span>
  );
}
