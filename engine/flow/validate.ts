import type { z } from 'zod';
import { relationshipsOf, type AnySpec, type ValidationIssue } from '../sdk/define-processor';
import { serviceKindOf, type AnyServiceSpec } from '../sdk/define-service';
import type { FlowGraph, ProcessorConfig, ServiceConfig } from './schema';

/**
 * Property values checked against a spec: the parsed values (defaults filled in), or the problems,
 * per property where there is one (the schema's first, then the spec's cross-field checks).
 */
export function parseProperties(
  spec: Pick<AnySpec, 'properties' | 'validate'>,
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
  processor: Pick<ProcessorConfig, 'type' | 'properties' | 'autoTerminated'> & { scheduling?: Pick<ProcessorConfig['scheduling'], 'concurrency'> },
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
  if (spec.triggerSerially && (processor.scheduling?.concurrency ?? 1) > 1) {
    issues.push({ message: `${spec.type} runs one task at a time (its triggers advance a position): set concurrency to 1` });
  }
  if (spec.input === 'required' && !hasIncoming) {
    issues.push({ message: 'needs an incoming connection' });
  }
  return issues;
}

/** Why a controller service cannot open: an unknown type or properties that fail its spec. */
export function validateService(spec: AnyServiceSpec | undefined, service: Pick<ServiceConfig, 'type' | 'properties'>): ValidationIssue[] {
  if (!spec) return [{ message: `unknown controller service type "${service.type}"` }];
  const parsed = parseProperties(spec, service.properties);
  return parsed.ok ? [] : parsed.issues;
}

/**
 * Service references of a processor: each names a service of the flow, of the kind the property
 * asks for, that is itself valid.
 */
function serviceReferenceIssues(
  spec: AnySpec,
  properties: Record<string, unknown>,
  services: readonly ServiceConfig[],
  serviceSpecOf: (type: string) => AnyServiceSpec | undefined,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [property, schema] of Object.entries(spec.properties.shape)) {
    const kind = serviceKindOf(schema as z.ZodType);
    const id = properties[property];
    if (!kind || typeof id !== 'string' || id === '') continue;
    const service = services.find((s) => s.id === id);
    const serviceSpec = service && serviceSpecOf(service.type);
    if (!service) issues.push({ property, message: `no controller service "${id}" in this flow` });
    else if (serviceSpec && serviceSpec.kind !== kind) issues.push({ property, message: `"${service.name}" is a ${serviceSpec.kind} service, not ${kind}` });
    else if (validateService(serviceSpec, service).length > 0) issues.push({ property, message: `controller service "${service.name}" is invalid` });
  }
  return issues;
}

/** Validation issues of every processor in a graph, by processor id. */
export function validateFlow(
  graph: FlowGraph,
  specOf: (type: string) => AnySpec | undefined,
  serviceSpecOf: (type: string) => AnyServiceSpec | undefined = () => undefined,
): Map<string, ValidationIssue[]> {
  const out = new Map<string, ValidationIssue[]>();
  for (const p of graph.processors) {
    const connected = new Set(graph.connections.filter((c) => c.sourceId === p.id).map((c) => c.relationship));
    const hasIncoming = graph.connections.some((c) => c.targetId === p.id);
    const spec = specOf(p.type);
    const issues = validateProcessor(spec, p, connected, hasIncoming);
    if (spec) issues.push(...serviceReferenceIssues(spec, p.properties, graph.services, serviceSpecOf));
    out.set(p.id, issues);
  }
  return out;
}

/** Property values a new processor starts with: each property's schema default, where it has one. */
export function defaultProperties(spec: Pick<AnySpec, 'properties'>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(spec.properties.shape)) {
    const parsed = (schema as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) values[key] = parsed.data;
  }
  return values;
}
