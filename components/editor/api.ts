import { z } from 'zod';
import type { ValidationIssue } from '@/engine/sdk';
import {
  ConnectionConfig,
  FlowGraph,
  FlowSummary,
  ProcessorConfig,
  ServiceConfig,
  type CreateConnectionInput,
  type CreateProcessorInput,
  type CreateServiceInput,
  type RunInput,
  type UpdateConnectionInput,
  type UpdateFlowInput,
  type UpdateProcessorInput,
  type UpdateServiceInput,
} from '@/engine/flow/schema';
import { QueuedRecordSummary, StatusHistoryPoint } from '@/engine/protocol';

/**
 * Typed helpers over the flow HTTP API (same origin, JSON). Answers are parsed with the same zod
 * schemas the server uses, so a contract drift fails loudly here instead of deep inside the canvas.
 */

/** An API call that failed: the server's `{error, issues}` when it sent one, else a transport error. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when the request never got an answer. */
    readonly status: number,
    readonly issues: readonly ValidationIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

const ErrorBody = z.object({
  error: z.string(),
  issues: z.array(z.object({ property: z.string().optional(), message: z.string() })).optional(),
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export async function request<S extends z.ZodType>(method: Method, path: string, answer: S, body?: unknown): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      cache: 'no-store',
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiError(`${method} ${path}: the server did not answer`, 0, [], { cause });
  }
  const text = await response.text();
  const json = parseJson(text);
  if (!response.ok) {
    const parsed = ErrorBody.safeParse(json);
    if (parsed.success) throw new ApiError(parsed.data.error, response.status, parsed.data.issues ?? []);
    throw new ApiError(`${method} ${path}: ${response.status} ${response.statusText}`.trim(), response.status);
  }
  const parsed = answer.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(`${method} ${path}: unexpected answer from the server`, response.status, [], {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** 204 answers carry no body. */
const NoContent = z.unknown();
const flowPath = (flowId: string) => `/api/flows/${encodeURIComponent(flowId)}`;

export const InvalidProcessor = z.object({
  processorId: z.string(),
  issues: z.array(z.object({ property: z.string().optional(), message: z.string() })),
});
export type InvalidProcessor = z.infer<typeof InvalidProcessor>;

const RunAnswer = z.object({ flow: FlowGraph, invalid: z.array(InvalidProcessor).default([]) });
export type RunAnswer = z.infer<typeof RunAnswer>;

export async function listFlows(): Promise<FlowSummary[]> {
  return (await request('GET', '/api/flows', z.object({ flows: z.array(FlowSummary) }))).flows;
}

export async function createFlow(name: string): Promise<FlowGraph> {
  return (await request('POST', '/api/flows', z.object({ flow: FlowGraph }), { name })).flow;
}

export async function getFlow(flowId: string): Promise<FlowGraph> {
  return (await request('GET', flowPath(flowId), z.object({ flow: FlowGraph }))).flow;
}

export async function renameFlow(flowId: string, name: string): Promise<FlowGraph> {
  return updateFlow(flowId, { name });
}

/** Name and flow-wide settings (the default thresholds of new connections). */
export async function updateFlow(flowId: string, patch: z.input<typeof UpdateFlowInput>): Promise<FlowGraph> {
  return (await request('PATCH', flowPath(flowId), z.object({ flow: FlowGraph }), patch)).flow;
}

/** A processor's (records/s) or connection's (queued records) last minutes, one point a second. */
export async function getHistory(flowId: string, componentId: string): Promise<StatusHistoryPoint[]> {
  const answer = z.object({ points: z.array(StatusHistoryPoint) });
  return (await request('GET', `${flowPath(flowId)}/history/${encodeURIComponent(componentId)}`, answer)).points;
}

export async function deleteFlow(flowId: string): Promise<void> {
  await request('DELETE', flowPath(flowId), NoContent);
}

export async function createProcessor(
  flowId: string,
  input: z.input<typeof CreateProcessorInput>,
): Promise<ProcessorConfig> {
  const answer = z.object({ processor: ProcessorConfig });
  return (await request('POST', `${flowPath(flowId)}/processors`, answer, input)).processor;
}

export async function updateProcessor(
  flowId: string,
  processorId: string,
  patch: z.input<typeof UpdateProcessorInput>,
): Promise<ProcessorConfig> {
  const answer = z.object({ processor: ProcessorConfig });
  const path = `${flowPath(flowId)}/processors/${encodeURIComponent(processorId)}`;
  return (await request('PATCH', path, answer, patch)).processor;
}

export async function deleteProcessor(flowId: string, processorId: string): Promise<void> {
  await request('DELETE', `${flowPath(flowId)}/processors/${encodeURIComponent(processorId)}`, NoContent);
}

export async function createConnection(
  flowId: string,
  input: z.input<typeof CreateConnectionInput>,
): Promise<ConnectionConfig> {
  const answer = z.object({ connection: ConnectionConfig });
  return (await request('POST', `${flowPath(flowId)}/connections`, answer, input)).connection;
}

export async function updateConnection(
  flowId: string,
  connectionId: string,
  patch: z.input<typeof UpdateConnectionInput>,
): Promise<ConnectionConfig> {
  const answer = z.object({ connection: ConnectionConfig });
  const path = `${flowPath(flowId)}/connections/${encodeURIComponent(connectionId)}`;
  return (await request('PATCH', path, answer, patch)).connection;
}

export async function deleteConnection(flowId: string, connectionId: string): Promise<void> {
  await request('DELETE', `${flowPath(flowId)}/connections/${encodeURIComponent(connectionId)}`, NoContent);
}

/** Discard a connection's queued records (the server refuses to delete a connection that holds any). */
export async function emptyConnection(flowId: string, connectionId: string): Promise<number> {
  const path = `${flowPath(flowId)}/connections/${encodeURIComponent(connectionId)}/empty`;
  return (await request('POST', path, z.object({ dropped: z.number() }))).dropped;
}

const queuePath = (flowId: string, connectionId: string) => `${flowPath(flowId)}/connections/${encodeURIComponent(connectionId)}/queue`;

/** The first records waiting in a connection, in the order they will leave it. */
export async function listQueue(flowId: string, connectionId: string): Promise<{ queued: number; records: QueuedRecordSummary[] }> {
  return request('GET', queuePath(flowId, connectionId), z.object({ queued: z.number(), records: z.array(QueuedRecordSummary) }));
}

export const QueuedRecord = QueuedRecordSummary.omit({ preview: true }).extend({ content: z.unknown() });
export type QueuedRecord = z.infer<typeof QueuedRecord>;

/** One record of the listing, content and all (404 once it has left the queue). */
export async function getQueuedRecord(flowId: string, connectionId: string, recordId: number): Promise<QueuedRecord> {
  return (await request('GET', `${queuePath(flowId, connectionId)}/${recordId}`, z.object({ record: QueuedRecord }))).record;
}

/** Where the browser downloads a queued record's content as a JSON file. */
export const queuedRecordDownload = (flowId: string, connectionId: string, recordId: number) => `${queuePath(flowId, connectionId)}/${recordId}?download`;

/** A controller service of a known type; the server fills in its spec's defaults. */
export async function createService(flowId: string, input: z.input<typeof CreateServiceInput>): Promise<ServiceConfig> {
  return (await request('POST', `${flowPath(flowId)}/services`, z.object({ service: ServiceConfig }), input)).service;
}

/** Secrets sent back as MASKED (as the server showed them) keep their stored value. */
export async function updateService(
  flowId: string,
  serviceId: string,
  patch: z.input<typeof UpdateServiceInput>,
): Promise<ServiceConfig> {
  const path = `${flowPath(flowId)}/services/${encodeURIComponent(serviceId)}`;
  return (await request('PATCH', path, z.object({ service: ServiceConfig }), patch)).service;
}

/** Refused (409) while processors still name the service. */
export async function deleteService(flowId: string, serviceId: string): Promise<void> {
  await request('DELETE', `${flowPath(flowId)}/services/${encodeURIComponent(serviceId)}`, NoContent);
}

const statePath = (flowId: string, processorId: string) => `${flowPath(flowId)}/processors/${encodeURIComponent(processorId)}/state`;

/** A processor's committed state (watermark, offsets); null when it has none. */
export async function getProcessorState(flowId: string, processorId: string): Promise<unknown> {
  return (await request('GET', statePath(flowId, processorId), z.object({ state: z.unknown() }))).state ?? null;
}

/** Refused (409) while the processor runs. */
export async function clearProcessorState(flowId: string, processorId: string): Promise<void> {
  await request('DELETE', statePath(flowId, processorId), NoContent);
}

export async function runFlow(flowId: string, input: z.input<typeof RunInput>): Promise<RunAnswer> {
  return request('POST', `${flowPath(flowId)}/run`, RunAnswer, input);
}

/** One line for a toast: the server's message plus its issues, if any. */
export function describeError(error: unknown): { message: string; detail: string[] } {
  if (error instanceof ApiError) {
    return {
      message: error.message,
      detail: error.issues.map((i) => (i.property ? `${i.property}: ${i.message}` : i.message)),
    };
  }
  return { message: error instanceof Error ? error.message : String(error), detail: [] };
}
