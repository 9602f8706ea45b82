import { processorConfig } from '../flow/build';
import { DEFAULT_BATCH_SIZE, type RetryPolicy } from '../flow/schema';
import { relationshipsOf, type ProcessorImplementation } from '../sdk/define-processor';
import { createRecord, type FlowRecord } from '../sdk/record';
import { Connection } from '../runtime/connection';
import { ProcessorNode } from '../runtime/processor-node';
import { StoreDurability } from '../runtime/durability';
import { MemoryStateStore } from '../runtime/state-store';

/**
 * Runs one processor the way the engine does (same node, session, commit and rollback), with one
 * input queue and one queue per relationship, so a test can enqueue, run and assert on routing:
 *
 *   const run = await runProcessor(transform).props({ expression: '...' }).enqueue([{ a: 1 }]).run();
 *   assert.equal(run.routed('success').length, 1);
 */
export function runProcessor(implementation: ProcessorImplementation) {
  return new ProcessorTestRunner(implementation);
}

export class ProcessorTestRunner {
  private properties: Record<string, unknown> = {};
  private batchSize = DEFAULT_BATCH_SIZE;
  private retryPolicy: Partial<RetryPolicy> = {};
  private readonly pending: FlowRecord[] = [];
  private node?: ProcessorNode;
  private input?: Connection;
  private readonly outputs = new Map<string, Connection>();
  private readonly collected = new Map<string, FlowRecord[]>();
  private readonly services = new Map<string, unknown>();
  /** The processor's state store; kept across runners when passed to `withState`, to test restarts. */
  stateStore = new MemoryStateStore();
  private durability?: StoreDurability;

  constructor(private readonly implementation: ProcessorImplementation) {}

  props(properties: Record<string, unknown>): this {
    this.properties = properties;
    return this;
  }

  /** Make a controller service instance available under an id (what `ctx.service(id)` returns). */
  service(id: string, instance: unknown): this {
    this.services.set(id, instance);
    return this;
  }

  /** Share a state store with an earlier runner: the processor starts with the state it committed. */
  withState(store: MemoryStateStore): this {
    this.stateStore = store;
    return this;
  }

  /** The processor's committed state, as persisted. */
  async state(): Promise<unknown> {
    await this.durability?.flushed();
    return this.stateStore.load(FLOW_ID, NODE_ID);
  }

  batch(size: number): this {
    this.batchSize = size;
    return this;
  }

  /** Send records routed to these relationships back for retry (the engine's retry policy). */
  retry(policy: Partial<RetryPolicy>): this {
    this.retryPolicy = policy;
    return this;
  }

  /** Queue records (contents, or records made with createRecord) for the next run. */
  enqueue(contents: readonly unknown[], attributes: Record<string, string> = {}): this {
    for (const c of contents) this.pending.push(isRecord(c) ? c : createRecord(c, attributes));
    if (this.input) this.input.offer(this.pending.splice(0));
    return this;
  }

  /** Start the processor (first time) and run `triggers` triggers, awaiting each. */
  async run(triggers = 1): Promise<this> {
    const node = await this.started();
    for (let i = 0; i < triggers; i++) {
      await node.trigger(Date.now());
      for (const [relationship, connection] of this.outputs) {
        this.collected.get(relationship)!.push(...connection.poll(Infinity).records);
      }
    }
    return this;
  }

  /** Records routed to a relationship so far. */
  routed(relationship: string): FlowRecord[] {
    const records = this.collected.get(relationship);
    if (!records) throw new Error(`no relationship "${relationship}"`);
    return records;
  }

  /** Records still waiting in the input queue (after a rollback, say). */
  get queued(): number {
    return this.input?.size ?? this.pending.length;
  }

  get status() {
    return this.node!.status(Date.now(), 1000);
  }

  async stop(): Promise<void> {
    await this.node?.stop();
  }

  private async started(): Promise<ProcessorNode> {
    if (this.node) return this.node;
    const spec = this.implementation.spec;
    const properties = { ...this.properties };
    const config = processorConfig({ id: NODE_ID, type: spec.type, properties, batchSize: this.batchSize, retry: this.retryPolicy });
    const node = new ProcessorNode(config, this.implementation, {
      flowId: FLOW_ID,
      service: async (id) => {
        if (!this.services.has(id)) throw new Error(`no controller service "${id}" in this flow`);
        return this.services.get(id);
      },
      durability: (this.durability = new StoreDurability(this.stateStore)),
      sync: () => false,
      wake: () => undefined,
    });
    const unbounded = { countThreshold: Number.MAX_SAFE_INTEGER, bytesThreshold: Number.MAX_SAFE_INTEGER, prioritizer: 'FIFO', expirationMs: 0 } as const;
    this.input = new Connection({ id: 'in', sourceId: 'test', relationship: 'in', targetId: node.id }, unbounded);
    node.inputs = [this.input];
    for (const relationship of relationshipsOf(spec, properties)) {
      const connection = new Connection({ id: relationship, sourceId: node.id, relationship, targetId: 'test' }, unbounded);
      this.outputs.set(relationship, connection);
      this.collected.set(relationship, []);
      node.outputs.set(relationship, [connection]);
    }
    this.input.offer(this.pending.splice(0));
    await node.start();
    this.node = node;
    return node;
  }
}

const FLOW_ID = 'test-flow';
const NODE_ID = 'under-test';

function isRecord(value: unknown): value is FlowRecord {
  return typeof value === 'object' && value !== null && 'id' in value && 'entryTime' in value && 'parents' in value;
}
