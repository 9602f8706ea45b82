'use client';

import { useState } from 'react';
import type { ProcessorConfig } from '@/engine/flow/schema';
import type { RetryDraft, SchedulingDraft } from './schedule-model';

/** What the processor form edits; saved together with one PATCH. */
export interface ProcessorDraft {
  properties: Record<string, unknown>;
  autoTerminated: string[];
  /** A string while it is not a valid number yet, so the field can say so. */
  batchSize: number | string;
  scheduling: SchedulingDraft;
  retry: RetryDraft;
}

function draftOf(processor: ProcessorConfig): ProcessorDraft {
  return {
    properties: processor.properties,
    autoTerminated: processor.autoTerminated,
    batchSize: processor.batchSize,
    scheduling: processor.scheduling,
    retry: processor.retry,
  };
}

/** Key-order-insensitive fingerprint: the server may answer the same object with keys reordered. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
const keyOf = (draft: ProcessorDraft) =>
  JSON.stringify(
    stable({
      ...draft,
      autoTerminated: [...draft.autoTerminated].sort(),
      retry: { ...draft.retry, relationships: [...draft.retry.relationships].sort() },
    }),
  );

/**
 * The editable copy of a processor's configuration. When the saved configuration changes (our save,
 * or someone else's), the draft follows it unless the user has unsaved edits, which win.
 */
export function useProcessorDraft(processor: ProcessorConfig) {
  const saved = draftOf(processor);
  const savedKey = keyOf(saved);
  const [draft, setDraft] = useState<ProcessorDraft>(saved);
  const [baseKey, setBaseKey] = useState(savedKey);

  if (savedKey !== baseKey) {
    setBaseKey(savedKey);
    if (keyOf(draft) === baseKey) setDraft(saved);
  }

  const dirty = keyOf(draft) !== savedKey;

  return {
    draft,
    dirty,
    setProperty: (key: string, value: unknown) =>
      setDraft((d) => {
        const properties = { ...d.properties };
        // Unset means "use the default": drop the key rather than send undefined.
        if (value === undefined) delete properties[key];
        else properties[key] = value;
        return { ...d, properties };
      }),
    setAutoTerminated: (relationship: string, on: boolean) =>
      setDraft((d) => ({
        ...d,
        autoTerminated: on
          ? [...d.autoTerminated.filter((r) => r !== relationship), relationship]
          : d.autoTerminated.filter((r) => r !== relationship),
      })),
    setBatchSize: (value: number | string) => setDraft((d) => ({ ...d, batchSize: value })),
    setScheduling: (patch: Partial<SchedulingDraft>) => setDraft((d) => ({ ...d, scheduling: { ...d.scheduling, ...patch } })),
    setRetry: (patch: Partial<RetryDraft>) => setDraft((d) => ({ ...d, retry: { ...d.retry, ...patch } })),
    reset: () => setDraft(saved),
    /** Take the server's answer to a save as the new draft (it may have normalised values). */
    adopt: (answer: ProcessorConfig) => {
      setDraft(draftOf(answer));
      setBaseKey(keyOf(draftOf(answer)));
    },
  };
}
