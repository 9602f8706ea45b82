import type { z } from 'zod';
import { relationshipsOf, type AnyServiceSpec, type AnySpec, type ValidationIssue } from '../../engine/sdk';
import {
  DEFAULT_BATCH_SIZE,
  Scheduling,
  type CreateConnectionInput,
  type CreateProcessorInput,
  type CreateServiceInput,
  type FlowGraph,
  type ProcessorConfig,
  type RunInput,
  type ServiceConfig,
  type UpdateFlowInput,
  type UpdateConnectionInput,
  type UpdateProcessorInput,
  type UpdateServiceInput,
} from '../../engine/flow/schema';
import { defaultProperties, parseProperties } from '../../engine/flow/validate';
import type { Engine } from '../../engine/runtime/engine';
import { QUEUE_LISTING_MAX, type FlowStats, type QueuedRecordSummary } from '../../engine/protocol';
import type { FlowStore, ImportGraph } from '../store/flow-store';
import { registeredTypes, type Catalog } from './catalog';
import { badRequest, conflict, invalidInput, notFound } from './http-error';
import { keepSecrets, maskGraph, maskProcessor, maskService, secretsLeftBehind } from './secrets';
import { namesOf, processorsUsing, serviceRefKeys } from '../flow/service-refs';
import { FlowLocks } from './flow-locks';

/**
 * The flow API's operations: every change goes to the store first, then the engine reloads the
 * graph and viewers are told. The rules that protect records live here: configuration changes
 * need a stopped processor, and nothing with queued records is deleted; changes to one flow run one
 * at a time, so no check is overtaken by another request's change. Everything it answers has
 * its secrets masked (./secrets); the engine alone gets them in clear.
 */
export class FlowService {
  /** Changes to one flow never interleave: see ./flow-locks. */
  private readonly locks = new FlowLocks();

  constructor(
    readonly store: FlowStore,
    readonly engine: Engine,
    /** Tell everyone viewing the flow that its graph changed. */
    private readonly notify: (flowId: string) => void = () => {},
    /** The processor and service types the engine was given. */
    private readonly types: Catalog = registeredTypes,
  ) {}

  /** Load every stored flow into the engine (queued records come back with their connections). */
  async load(): Promise<void> {
    for (const summary of await this.store.listFlows()) this.engine.load((await this.store.getFlow(summary.id))!);
    this.engine.discardUnclaimedRecords();
  }

  /** Start the processors that were running when the server stopped (after it listens: see conflux-server). */
  async resume(): Promise<void> {
    for (const summary of await this.store.listFlows()) {
      const graph = (await this.store.getFlow(summary.id))!;
      const running = graph.processors.filter((p) => p.runState === 'RUNNING').map((p) => p.id);
      if (running.length > 0) await this.locks.run(graph.id, () => this.engine.start(graph.id, running));
    }
  }

  listFlows() {
    return this.store.listFlows();
  }

  async getFlow(flowId: string): Promise<FlowGraph> {
    return maskGraph(await this.graphOf(flowId), this.types);
  }

  async createFlow(name: string): Promise<FlowGraph> {
    const graph = await this.store.createFlow(name);
    this.engine.load(graph);
    return graph;
  }

  async importFlow(graph: ImportGraph): Promise<FlowGraph> {
    const created = await this.store.importFlow(graph, { serviceRefs: (type) => serviceRefKeys(this.types.specOf(type)) });
    this.engine.load(created);
    return maskGraph(created, this.types);
  }

  async updateFlow(flowId: string, patch: z.infer<typeof UpdateFlowInput>): Promise<FlowGraph> {
    return this.locks.run(flowId, async () => {
      if (!(await this.store.updateFlow(flowId, patch))) throw notFound(`flow ${flowId}`);
      return this.changed(flowId);
    });
  }

  async deleteFlow(flowId: string): Promise<void> {
    return this.locks.run(flowId, async () => {
      const graph = await this.graphOf(flowId);
      if (graph.processors.some((p) => this.engine.isRunning(flowId, p.id))) throw conflict('stop the flow before deleting it');
      this.assertNoQueued(flowId, graph.connections.map((c) => c.id));
      await this.engine.unload(flowId);
      await this.store.deleteFlow(flowId);
    });
  }

  async addProcessor(flowId: string, input: z.infer<typeof CreateProcessorInput>): Promise<ProcessorConfig> {
    return this.locks.run(flowId, async () => {
      await this.graphOf(flowId);
      const spec = this.types.specOf(input.type);
      if (!spec) throw badRequest(`unknown processor type "${input.type}"`);
      const processor = await this.store.addProcessor(flowId, {
        type: spec.type,
        name: input.name ?? spec.type,
        position: input.position,
        properties: defaultProperties(spec),
        autoTerminated: [],
        batchSize: spec.defaultBatchSize ?? DEFAULT_BATCH_SIZE,
      });
      await this.changed(flowId);
      return maskProcessor(processor, this.types);
    });
  }

  async updateProcessor(flowId: string, processorId: string, patch: z.infer<typeof UpdateProcessorInput>): Promise<ProcessorConfig> {
    return this.locks.run(flowId, async () => {
      const current = await this.processor(flowId, processorId);
      const { name: _name, position: _position, ...configuration } = patch;
      const changesConfiguration = Object.keys(configuration).length > 0;
      if (changesConfiguration && this.engine.isRunning(flowId, processorId)) {
        throw conflict(`stop "${current.name}" before changing its configuration`);
      }
      const spec = this.types.specOf(current.type);
      // without its spec nothing can be checked: it may still be renamed and moved
      if (!spec && changesConfiguration) throw conflict(`processor type "${current.type}" is not installed on this server`);
      const whole = withWholePolicies(current, patch);
      const update = spec ? this.checkedConfiguration(spec, current, whole) : whole;
      const updated = await this.store.updateProcessor(flowId, processorId, update);
      if (!updated) throw notFound(`processor ${processorId}`);
      await this.changed(flowId);
      return maskProcessor(updated, this.types);
    });
  }

  /** The patch with its properties parsed (secrets kept) and its relationship names checked. */
  private checkedConfiguration(spec: AnySpec, current: ProcessorConfig, patch: ProcessorUpdate): Partial<ProcessorConfig> {
    const update: Partial<ProcessorConfig> = { ...patch };
    if (patch.properties !== undefined) update.properties = this.checkedProperties(spec, patch.properties, current.properties);
    // relationships named by auto-termination and retry must exist with the properties being saved
    const known = relationshipsOf(spec, update.properties ?? current.properties);
    const unknownOf = (names: readonly string[]) => names.filter((r) => !known.includes(r)).map((r) => `"${r}"`).join(', ');
    const unknownTerminated = unknownOf(patch.autoTerminated ?? []);
    if (unknownTerminated) throw badRequest(`${spec.type} has no relationship ${unknownTerminated}`);
    const unknownRetried = unknownOf(patch.retry?.relationships ?? []);
    if (unknownRetried) {
      const message = `cannot retry unknown relationship ${unknownRetried}`;
      throw badRequest(message, [{ property: 'retry', message }]);
    }
    return update;
  }

  /**
   * Properties sent to replace the stored ones, parsed, with the stored secrets kept where they were
   * sent MASKED or left out; refused when that would send a kept secret to a new destination.
   */
  private checkedProperties(spec: AnySpec | AnyServiceSpec, incoming: Record<string, unknown>, stored: Record<string, unknown>) {
    const parsed = parseProperties(spec, keepSecrets(spec, incoming, stored));
    if (!parsed.ok) throw badRequest(`invalid properties for ${spec.type}`, parsed.issues);
    const refused = secretsLeftBehind(spec, incoming, stored, parsed.data);
    if (refused) throw badRequest(refused.message, refused.issues);
    return parsed.data;
  }

  async deleteProcessor(flowId: string, processorId: string): Promise<void> {
    return this.locks.run(flowId, async () => {
      const current = await this.processor(flowId, processorId);
      if (this.engine.isRunning(flowId, processorId)) throw conflict(`stop "${current.name}" before deleting it`);
      const graph = await this.graphOf(flowId);
      const touching = graph.connections.filter((c) => c.sourceId === processorId || c.targetId === processorId);
      this.assertNoQueued(flowId, touching.map((c) => c.id));
      await this.store.deleteProcessor(flowId, processorId);
      await this.changed(flowId);
    });
  }

  async addConnection(flowId: string, input: z.infer<typeof CreateConnectionInput>) {
    return this.locks.run(flowId, async () => {
      const graph = await this.graphOf(flowId);
      const source = graph.processors.find((p) => p.id === input.sourceId);
      const target = graph.processors.find((p) => p.id === input.targetId);
      if (!source) throw badRequest(`no source processor ${input.sourceId} in this flow`);
      if (!target) throw badRequest(`no target processor ${input.targetId} in this flow`);
      const sourceSpec = this.types.specOf(source.type);
      if (sourceSpec && !relationshipsOf(sourceSpec, source.properties).includes(input.relationship)) {
        throw badRequest(`${source.name} has no relationship "${input.relationship}"`);
      }
      if (this.types.specOf(target.type)?.input === 'forbidden') throw badRequest(`${target.name} is a source and takes no input`);
      const duplicate = graph.connections.some(
        (c) => c.sourceId === input.sourceId && c.targetId === input.targetId && c.relationship === input.relationship,
      );
      if (duplicate) throw conflict(`"${input.relationship}" of ${source.name} is already connected to ${target.name}`);
      // thresholds left out come from the flow's settings
      const connection = await this.store.addConnection(flowId, input);
      await this.changed(flowId);
      return connection;
    });
  }

  async updateConnection(flowId: string, connectionId: string, patch: z.infer<typeof UpdateConnectionInput>) {
    return this.locks.run(flowId, async () => {
      const updated = await this.store.updateConnection(flowId, connectionId, patch);
      if (!updated) throw notFound(`connection ${connectionId}`);
      await this.changed(flowId);
      return updated;
    });
  }

  async deleteConnection(flowId: string, connectionId: string): Promise<void> {
    return this.locks.run(flowId, async () => {
      const graph = await this.graphOf(flowId);
      const connection = graph.connections.find((c) => c.id === connectionId);
      // as in NiFi: a running end may hold a batch taken from (or be committing to) this queue, which
      // a rollback would put back into a connection that no longer exists
      const running = graph.processors.filter((p) => (p.id === connection?.sourceId || p.id === connection?.targetId) && this.engine.isRunning(flowId, p.id));
      if (running.length > 0) throw conflict(`stop ${namesOf(running)} before deleting this connection`);
      this.assertNoQueued(flowId, [connectionId]);
      if (!(await this.store.deleteConnection(flowId, connectionId))) throw notFound(`connection ${connectionId}`);
      await this.changed(flowId);
    });
  }

  /** The live status (counts, queues, bulletins): what the live channel pushes, for scripts and tests. */
  async status(flowId: string): Promise<FlowStats> {
    // a loaded flow is answered from the engine alone: reading the stored graph only to find it cost
    // a Prisma query per poll (scripts poll this every few hundred ms)
    if (!this.engine.isLoaded(flowId)) await this.graphOf(flowId);
    return this.engine.stats(flowId);
  }

  history(flowId: string, componentId: string) {
    return this.engine.history(flowId, componentId);
  }

  /** The first records waiting in a connection, in the order they will leave it. */
  async listQueue(flowId: string, connectionId: string): Promise<{ queued: number; records: QueuedRecordSummary[] }> {
    await this.connection(flowId, connectionId);
    const records = this.engine.listQueue(flowId, connectionId, QUEUE_LISTING_MAX).map(({ record, enqueuedAt, size }) => ({
      id: record.id,
      attributes: { ...record.attributes },
      parents: [...record.parents],
      entryTime: record.entryTime,
      enqueuedAt,
      size,
      preview: previewOf(record.content),
    }));
    return { queued: this.engine.queued(flowId, connectionId), records };
  }

  /** One record of the queue listing, content and all; 404 once it has left the queue. */
  async queuedRecord(flowId: string, connectionId: string, recordId: number) {
    await this.connection(flowId, connectionId);
    const found = this.engine.listQueue(flowId, connectionId, QUEUE_LISTING_MAX).find((p) => p.record.id === recordId);
    if (!found) throw notFound(`record ${recordId} is not among the first ${QUEUE_LISTING_MAX} queued in this connection (it may have been processed)`);
    return { ...found.record, enqueuedAt: found.enqueuedAt, size: found.size };
  }

  /** An operator empties a queue on purpose (the only way queued records are discarded). */
  async emptyConnection(flowId: string, connectionId: string): Promise<number> {
    return this.locks.run(flowId, async () => {
      const graph = await this.graphOf(flowId);
      if (!graph.connections.some((c) => c.id === connectionId)) throw notFound(`connection ${connectionId}`);
      return this.engine.emptyQueue(flowId, connectionId);
    });
  }

  async run(flowId: string, input: z.infer<typeof RunInput>) {
    return this.locks.run(flowId, async () => {
      const graph = await this.graphOf(flowId);
      const ids = input.processorId ? [(await this.processor(flowId, input.processorId)).id] : graph.processors.map((p) => p.id);
      let invalid: { processorId: string; issues: readonly ValidationIssue[] }[] = [];
      if (input.action === 'start') {
        const result = await this.engine.start(flowId, ids);
        invalid = result.invalid;
        await this.store.setRunState(flowId, result.started, 'RUNNING');
        if (input.processorId && result.invalid.length > 0) {
          throw conflict(`cannot start an invalid processor`, result.invalid[0].issues);
        }
        if (input.processorId && result.failed.length > 0) throw conflict(result.failed[0].error);
        for (const failure of result.failed) invalid.push({ processorId: failure.processorId, issues: [{ message: failure.error }] });
      } else {
        await this.engine.stop(flowId, ids);
        await this.store.setRunState(flowId, ids, 'STOPPED');
      }
      return { flow: await this.changed(flowId), invalid };
    });
  }

  // ---- controller services: changes follow the processors' rule (stop what uses it first) ----

  async listServices(flowId: string): Promise<ServiceConfig[]> {
    return (await this.getFlow(flowId)).services;
  }

  /** A service of a known type; its spec's defaults fill the properties the input leaves out. */
  async addService(flowId: string, input: z.infer<typeof CreateServiceInput>): Promise<ServiceConfig> {
    return this.locks.run(flowId, async () => {
      await this.graphOf(flowId);
      const spec = this.types.serviceSpecOf(input.type);
      if (!spec) {
        const message = `unknown controller service type "${input.type}"`;
        throw badRequest(message, [{ property: 'type', message }]);
      }
      let properties = defaultProperties(spec);
      if (input.properties !== undefined) {
        const parsed = parseProperties(spec, { ...properties, ...input.properties });
        if (!parsed.ok) throw badRequest(`invalid properties for ${spec.type}`, parsed.issues);
        properties = parsed.data;
      }
      const service = await this.store.addService(flowId, { type: spec.type, name: input.name ?? spec.type, properties });
      await this.changed(flowId);
      return maskService(service, this.types);
    });
  }

  async updateService(flowId: string, serviceId: string, patch: z.infer<typeof UpdateServiceInput>): Promise<ServiceConfig> {
    return this.locks.run(flowId, async () => {
      const graph = await this.graphOf(flowId);
      const current = this.service(graph, serviceId);
      const spec = this.types.serviceSpecOf(current.type);
      if (!spec) throw conflict(`controller service type "${current.type}" is not installed on this server`);
      // a change closes and reopens the service (engine/runtime/service-pool.ts) under its users' feet
      const running = processorsUsing(graph, serviceId, this.types.specOf).filter((p) => this.engine.isRunning(flowId, p.id));
      if (running.length > 0) throw conflict(`stop ${namesOf(running)} before changing "${current.name}": they use it`);
      const update: z.infer<typeof UpdateServiceInput> = { ...patch };
      if (patch.properties !== undefined) update.properties = this.checkedProperties(spec, patch.properties, current.properties);
      const updated = await this.store.updateService(flowId, serviceId, update);
      if (!updated) throw notFound(`controller service ${serviceId}`);
      await this.changed(flowId);
      return maskService(updated, this.types);
    });
  }

  async deleteService(flowId: string, serviceId: string): Promise<void> {
    return this.locks.run(flowId, async () => {
      const graph = await this.graphOf(flowId);
      const current = this.service(graph, serviceId);
      const users = processorsUsing(graph, serviceId, this.types.specOf);
      if (users.length > 0) throw conflict(`"${current.name}" is used by ${namesOf(users)}: point them at another service first`);
      if (!(await this.store.deleteService(flowId, serviceId))) throw notFound(`controller service ${serviceId}`);
      await this.changed(flowId);
    });
  }

  // ---- processor state (watermarks, offsets), as committed ----

  /** The committed state, null when there is none. */
  async processorState(flowId: string, processorId: string): Promise<unknown> {
    await this.processor(flowId, processorId);
    return (await this.engine.state(flowId, processorId)) ?? null;
  }

  async clearProcessorState(flowId: string, processorId: string): Promise<void> {
    return this.locks.run(flowId, async () => {
      const current = await this.processor(flowId, processorId);
      if (this.engine.isRunning(flowId, processorId)) throw conflict(`stop "${current.name}" before clearing its state`);
      await this.engine.clearState(flowId, processorId);
    });
  }

  /** The stored graph with its secrets: for the engine and for this class's checks, never for an answer. */
  private async graphOf(flowId: string): Promise<FlowGraph> {
    const graph = await this.store.getFlow(flowId);
    if (!graph) throw notFound(`flow ${flowId}`);
    return graph;
  }

  private async processor(flowId: string, processorId: string): Promise<ProcessorConfig> {
    const processor = (await this.graphOf(flowId)).processors.find((p) => p.id === processorId);
    if (!processor) throw notFound(`processor ${processorId}`);
    return processor;
  }

  private async connection(flowId: string, connectionId: string) {
    const connection = (await this.graphOf(flowId)).connections.find((c) => c.id === connectionId);
    if (!connection) throw notFound(`connection ${connectionId}`);
    return connection;
  }

  private service(graph: FlowGraph, serviceId: string): ServiceConfig {
    const service = graph.services.find((s) => s.id === serviceId);
    if (!service) throw notFound(`controller service ${serviceId}`);
    return service;
  }

  private assertNoQueued(flowId: string, connectionIds: readonly string[]): void {
    for (const id of connectionIds) {
      const queued = this.engine.queued(flowId, id);
      if (queued > 0) throw conflict(`a connection still holds ${queued} queued record(s); empty it first`);
    }
  }

  /** Reload the stored graph into the engine and tell the viewers; answers it masked. */
  private async changed(flowId: string): Promise<FlowGraph> {
    const graph = await this.graphOf(flowId);
    this.engine.load(graph);
    this.notify(flowId);
    return maskGraph(graph, this.types);
  }
}

const PREVIEW_CHARACTERS = 160;

/** The start of a record's content as JSON, for a listing. */
function previewOf(content: unknown): string {
  const text = JSON.stringify(content) ?? String(content);
  return text.length > PREVIEW_CHARACTERS ? `${text.slice(0, PREVIEW_CHARACTERS)}…` : text;
}

type ProcessorUpdate = Omit<z.infer<typeof UpdateProcessorInput>, 'scheduling' | 'retry'> & Partial<Pick<ProcessorConfig, 'scheduling' | 'retry'>>;

/**
 * A patch's scheduling and retry name only the fields to change (`{"concurrency": 2}`): merged over
 * the stored ones, and the result checked whole (a CRON strategy still needs its expression).
 */
function withWholePolicies(current: ProcessorConfig, patch: z.infer<typeof UpdateProcessorInput>): ProcessorUpdate {
  const { scheduling, retry, ...rest } = patch;
  const update: ProcessorUpdate = { ...rest };
  if (scheduling) {
    const parsed = Scheduling.safeParse({ ...current.scheduling, ...scheduling });
    if (!parsed.success) throw invalidInput(parsed.error, 'request', ['scheduling']);
    update.scheduling = parsed.data;
  }
  if (retry) update.retry = { ...current.retry, ...retry };
  return update;
}
