'use client';

import { formatDuration } from '@/components/editor/format';
import { Field, WholeNumberInput } from '@/components/ui/field';
import { backoffSeries, numberOrText, type RetryDraft } from './schedule-model';

/**
 * Retry policy: records a trigger routes to a checked relationship go back to the input queue
 * instead, up to max retries times, the processor waiting longer after each attempt.
 */
export function RetrySection({
  isSource,
  relationships,
  draft,
  onChange,
  errorsOf,
}: {
  /** Sources have no input queue: nothing to send records back to. */
  isSource: boolean;
  relationships: readonly string[];
  draft: RetryDraft;
  onChange: (patch: Partial<RetryDraft>) => void;
  errorsOf: (key: 'relationships' | 'maxRetries' | 'backoffMs' | 'isolateAfter') => string[];
}) {
  if (isSource) {
    return <p className="text-[11px] text-slate-500">A source has no input queue, so there is nothing to retry.</p>;
  }
  if (relationships.length === 0) {
    return <p className="text-[11px] text-slate-500">No relationships to retry.</p>;
  }
  const toggle = (name: string, on: boolean) =>
    onChange({ relationships: on ? [...draft.relationships.filter((r) => r !== name), name] : draft.relationships.filter((r) => r !== name) });
  const number = (key: 'maxRetries' | 'backoffMs' | 'isolateAfter', name: string, max: number) => (
    <WholeNumberInput
      name={name}
      value={String(draft[key])}
      onChange={(value) => onChange({ [key]: numberOrText(value) })}
      min={0}
      max={max}
      invalid={errorsOf(key).length > 0}
    />
  );

  return (
    <>
      <ul className="flex flex-wrap gap-x-3 gap-y-1">
        {relationships.map((name) => (
          <li key={name}>
            <label className="flex items-center gap-1.5 text-xs text-slate-700">
              <input
                id={`retry-${name}`}
                name={`retry-${name}`}
                type="checkbox"
                checked={draft.relationships.includes(name)}
                onChange={(e) => toggle(name, e.target.checked)}
                className="h-3.5 w-3.5 accent-sky-600"
              />
              {name}
            </label>
          </li>
        ))}
      </ul>
      {errorsOf('relationships').length > 0 && (
        <p data-testid="error-retry-relationships" role="alert" className="text-[11px] text-red-600">
          {errorsOf('relationships').join(' · ')}
        </p>
      )}
      <div className="grid grid-cols-2 gap-2">
        <Field id="retry-max" label="Max retries" errors={errorsOf('maxRetries')} errorTestId="error-retry-max">
          {number('maxRetries', 'retry-max', 10)}
        </Field>
        <Field id="retry-backoff" label="Backoff (ms)" errors={errorsOf('backoffMs')} errorTestId="error-retry-backoff">
          {number('backoffMs', 'retry-backoff', 600_000)}
        </Field>
      </div>
      <p data-testid="retry-explanation" className="-mt-1 text-[11px] leading-snug text-slate-500">
        {explain(draft)}
      </p>
      {relationships.includes('failure') && (
        <Field
          id="retry-isolate"
          label="Isolate a failing batch after (rollbacks)"
          description={
            draft.isolateAfter === 0
              ? '0: a batch the processor keeps failing on is retried as a whole, forever.'
              : `A batch rolled back ${typeof draft.isolateAfter === 'number' ? draft.isolateAfter : 'N'} times in a row (not for an outage) is retried one record at a time; records that fail alone go to failure with the error.`
          }
          errors={errorsOf('isolateAfter')}
          errorTestId="error-retry-isolate"
        >
          {number('isolateAfter', 'retry-isolate', 100)}
        </Field>
      )}
    </>
  );
}

function explain({ relationships, maxRetries, backoffMs }: RetryDraft): string {
  const n = typeof maxRetries === 'number' ? maxRetries : 'N';
  const series =
    typeof maxRetries === 'number' && typeof backoffMs === 'number' && maxRetries > 0
      ? ` (${backoffSeries(backoffMs, maxRetries).map(formatDuration).join(', ')}${maxRetries > 3 ? ', …' : ''})`
      : '';
  const what = relationships.length === 0 ? 'Check a relationship to retry it: records' : 'Records';
  return `${what} routed there go back to the input queue up to ${n} times, waiting backoff × 2^attempt${series}; after that they are routed as usual.`;
}
