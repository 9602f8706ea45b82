'use client';

import { useMemo } from 'react';
import { Cron } from 'croner';
import { formatDuration, formatTime } from '@/components/editor/format';
import { Field, inputClass, WholeNumberInput } from '@/components/ui/field';
import { cn } from '@/components/ui/cn';
import { numberOrText, type SchedulingDraft, type Strategy } from './schedule-model';

const strategies: { value: Strategy; label: string; description: string }[] = [
  {
    value: 'EVENT',
    label: 'Event-driven',
    description: 'Runs whenever records wait in its input; a source runs continuously, at its own rate.',
  },
  { value: 'TIMER', label: 'Timer', description: 'Runs once every period, whether or not records wait.' },
  { value: 'CRON', label: 'Cron', description: 'Runs at the times the cron expression names (server time).' },
];

/** Next few times a cron expression fires, or nothing when it does not parse (the field says why). */
function useCronPreview(expression: string, on: boolean): string {
  return useMemo(() => {
    if (!on || expression.trim() === '') return '';
    try {
      const runs = new Cron(expression, { paused: true }).nextRuns(3);
      return runs.length ? `Next: ${runs.map((d) => formatTime(d.getTime())).join(', ')}` : 'Never fires again.';
    } catch {
      return '';
    }
  }, [expression, on]);
}

/**
 * When the engine triggers the processor: strategy (event / timer / cron) and its parameter, how
 * many triggers may run at once, and how long one scheduling may keep triggering.
 */
export function SchedulingSection({
  draft,
  onChange,
  errorsOf,
}: {
  draft: SchedulingDraft;
  onChange: (patch: Partial<SchedulingDraft>) => void;
  errorsOf: (key: keyof SchedulingDraft) => string[];
}) {
  const strategy = strategies.find((s) => s.value === draft.strategy) ?? strategies[0];
  const cronPreview = useCronPreview(draft.cron, draft.strategy === 'CRON');
  const number = (key: 'periodMs' | 'concurrency' | 'runDurationMs', name: string, min: number, max: number) => (
    <WholeNumberInput
      name={name}
      value={String(draft[key])}
      onChange={(value) => onChange({ [key]: numberOrText(value) })}
      min={min}
      max={max}
      invalid={errorsOf(key).length > 0}
    />
  );
  const ms = (value: number | string) => (typeof value === 'number' ? formatDuration(value) : '–');

  return (
    <>
      <Field
        id="sched-strategy"
        label="Strategy"
        description={strategy.description}
        errors={errorsOf('strategy')}
        errorTestId="error-sched-strategy"
      >
        <select
          id="sched-strategy"
          name="sched-strategy"
          value={draft.strategy}
          onChange={(e) => onChange({ strategy: e.target.value as Strategy })}
          className={inputClass}
        >
          {strategies.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </Field>
      {draft.strategy === 'TIMER' && (
        <Field
          id="sched-period"
          label="Period (ms)"
          description={`Once every ${ms(draft.periodMs)}.`}
          errors={errorsOf('periodMs')}
          errorTestId="error-sched-period"
        >
          {number('periodMs', 'sched-period', 1, 86_400_000)}
        </Field>
      )}
      {draft.strategy === 'CRON' && (
        <Field
          id="sched-cron"
          label="Cron expression"
          description={cronPreview || 'Five to seven fields; with six, the first is seconds: */2 * * * * * is every 2 s.'}
          errors={errorsOf('cron')}
          errorTestId="error-sched-cron"
        >
          <input
            id="sched-cron"
            name="sched-cron"
            value={draft.cron}
            placeholder="*/5 * * * * *"
            spellCheck={false}
            aria-invalid={errorsOf('cron').length > 0}
            onChange={(e) => onChange({ cron: e.target.value })}
            className={cn(inputClass, 'font-mono')}
          />
        </Field>
      )}
      <div className="grid grid-cols-2 gap-2">
        <Field
          id="sched-concurrency"
          label="Concurrent tasks"
          errors={errorsOf('concurrency')}
          errorTestId="error-sched-concurrency"
        >
          {number('concurrency', 'sched-concurrency', 1, 16)}
        </Field>
        <Field
          id="sched-run-duration"
          label="Run duration (ms)"
          errors={errorsOf('runDurationMs')}
          errorTestId="error-sched-run-duration"
        >
          {number('runDurationMs', 'sched-run-duration', 0, 2_000)}
        </Field>
      </div>
      <p className="-mt-1 text-[11px] leading-snug text-slate-500">
        Concurrent tasks: triggers that may run at once (asynchronous processors). Run duration: keep triggering while
        input waits, up to this long each time; more throughput for a little latency. 0 triggers once.
      </p>
    </>
  );
}
