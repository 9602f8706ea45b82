import type { z } from 'zod';
import { RetryPolicy, Scheduling } from '@/engine/flow/schema';

/**
 * The scheduling and retry parts of the processor draft, checked with the schemas the route handler
 * parses the PATCH with. Numbers stay text while they are not numbers yet, so the field can say so.
 */

export type NumberDraft = number | string;
export type Strategy = Scheduling['strategy'];

export interface SchedulingDraft {
  strategy: Strategy;
  periodMs: NumberDraft;
  cron: string;
  concurrency: NumberDraft;
  runDurationMs: NumberDraft;
}

export interface RetryDraft {
  relationships: string[];
  maxRetries: NumberDraft;
  backoffMs: NumberDraft;
  isolateAfter: NumberDraft;
}

/** A finite number when the text is one, else the text itself for the schema to reject. */
export function numberOrText(text: string): NumberDraft {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

export type Errors = Record<string, string[]>;

function errorsOf(issues: readonly z.core.$ZodIssue[]): Errors {
  const errors: Errors = {};
  for (const issue of issues) {
    const key = String(issue.path[0] ?? '');
    // "Invalid input: expected number, received string" says less than this.
    const message = issue.code === 'invalid_type' ? 'enter a whole number' : issue.message;
    const list = (errors[key] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return errors;
}

export interface Checked<T> {
  data?: T;
  errors: Errors;
}

/**
 * Period and cron matter only to their strategy: while hidden, a value the user left invalid falls
 * back to the saved one instead of blocking a save nobody can see the reason for.
 */
export function checkScheduling(draft: SchedulingDraft, saved: Scheduling): Checked<Scheduling> {
  const keep = <K extends 'periodMs' | 'cron'>(key: K, shown: boolean) =>
    shown || Scheduling.shape[key].safeParse(draft[key]).success ? draft[key] : saved[key];
  const candidate = {
    ...draft,
    periodMs: keep('periodMs', draft.strategy === 'TIMER'),
    cron: keep('cron', draft.strategy === 'CRON'),
  };
  const parsed = Scheduling.safeParse(candidate);
  return parsed.success ? { data: parsed.data, errors: {} } : { errors: errorsOf(parsed.error.issues) };
}

/** Relationships that no longer exist (a dynamic route removed in the form) are left out. */
export function checkRetry(draft: RetryDraft, relationships: readonly string[]): Checked<RetryPolicy> {
  const candidate = { ...draft, relationships: draft.relationships.filter((r) => relationships.includes(r)) };
  const parsed = RetryPolicy.safeParse(candidate);
  return parsed.success ? { data: parsed.data, errors: {} } : { errors: errorsOf(parsed.error.issues) };
}

/** The waits between attempts, as the engine applies them: backoff, then doubled per attempt. */
export function backoffSeries(backoffMs: number, maxRetries: number, shown = 3): number[] {
  const MAX_BACKOFF_MS = 600_000;
  return Array.from({ length: Math.min(maxRetries, shown) }, (_, attempt) => Math.min(backoffMs * 2 ** attempt, MAX_BACKOFF_MS));
}
