import { relationshipsOf, type AnySpec, type ValidationIssue } from '../sdk/define-processor';
import type { FlowGraph, ProcessorConfig } from './schema';

/**
 * Property values checked against a spec: the parsed values (defaults filled in), or the problems,
 * per property where there is one (the schema's first, then the spec's cross-field checks).
 */
export function parseProperties(
  spec: AnySpec,
  properties: unknown,
): { ok: true; data: Record<string, unknown> } | { ok: false; issues: ValidationIssue[] } {
  const parsed = spec.properties.safeParse(properties);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ property: i.path.length ? String(i.path[0]) : undefined, message: i.message }));
    return { ok: false, issues };
  }
  const issues = spec.validate?.(parsed.data) ?? [];
  return issues.length > 0 ? { ok: false, issues } : { ok: true, data: parsed.data };
}

/**
 * Why a processor cannot run: its properties fail its spec, or a relationship is neither connected
 * nor auto-terminated. The same function serves the form, the API and the engine's start.
 */
export function validateProcessor(
  spec: AnySpec | undefined,
  processor: Pick<ProcessorConfig, 'type' | 'properties' | 'autoTerminated'>,
  connectedRelationships: ReadonlySet<string>,
  hasIncoming: boolean,
): ValidationIssue[] {
  if (!spec) return [{ message: `unknown processor type "${processor.type}"` }];
  const parsed = parseProperties(spec, processor.properties);
  const issues: ValidationIssue[] = parsed.ok ? [] : [...parsed.issues];
  for (const relationship of relationshipsOf(spec, processor.properties)) {
    if (!connectedRelationships.has(relationship) && !processor.autoTerminated.includes(relationship)) {
      issues.push({ message: `relationship "${relationship}" is not connected and not auto-terminated` });
    }
  }
  if (spec.input === 'required' && !hasIncoming) {
    issues.push({ message: 'needs an incoming connection' });
  }
  return issues;
}

/** Validation issues of every processor in a graph, by processor id. */
export function validateFlow(
  graph: FlowGraph,
  specOf: (type: string) => AnySpec | undefined,
): Map<string, ValidationIssue[]> {
  const out = new Map<string, ValidationIssue[]>();
  for (const p of graph.processors) {
    const connected = new Set(graph.connections.filter((c) => c.sourceId === p.id).map((c) => c.relationship));
    const hasIncoming = graph.connections.some((c) => c.targetId === p.id);
    out.set(p.id, validateProcessor(specOf(p.type), p, connected, hasIncoming));
  }
  return out;
}

/** Property values a new processor starts with: each property's schema default, where it has one. */
export function defaultProperties(spec: AnySpec): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(spec.properties.shape)) {
    const parsed = (schema as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) values[key] = parsed.data;
  }
  return values;
}
