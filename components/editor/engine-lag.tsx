'use client';

import { cn } from '@/components/ui/cn';
import { useEditor } from './store-context';

const WARN_MS = 50;
const BAD_MS = 200;

const show = (ms: number) => (ms < 10 ? ms.toFixed(1).replace(/\.0$/, '') : String(Math.round(ms)));

/**
 * The engine's event-loop lag (p99 over the last few seconds): the server's HTTP and socket work
 * waits this long behind the engine. Amber past 50 ms, red past 200 ms.
 */
export function EngineLag() {
  const p99 = useEditor((s) => s.stats?.engine?.eventLoopLagP99Ms);
  const max = useEditor((s) => s.stats?.engine?.eventLoopLagMaxMs);
  const known = p99 !== undefined;
  const tone = !known ? 'text-slate-400' : p99 > BAD_MS ? 'text-red-700' : p99 > WARN_MS ? 'text-amber-700' : 'text-slate-500';
  const title = known
    ? `Event-loop lag of the server, last few seconds: p99 ${show(p99)} ms, max ${show(max ?? p99)} ms. ` +
      'Above 50 ms the server answers slowly; above 200 ms the engine is starving it.'
    : 'Event-loop lag of the server: waiting for stats';
  return (
    <span
      data-testid="engine-lag"
      data-lag-ms={known ? p99 : undefined}
      title={title}
      className={cn('text-xs whitespace-nowrap tabular-nums', tone, known && p99 > WARN_MS && 'font-medium')}
    >
      engine lag {known ? `${show(p99)} ms` : '–'}
    </span>
  );
}
