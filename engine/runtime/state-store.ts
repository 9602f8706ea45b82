/**
 * Where processors' state (watermarks, offsets) is kept between runs. The engine stays headless: the
 * server hands it the flow store's implementation; tests and benchmarks use the in-memory one.
 */
export interface StateStore {
  load(flowId: string, processorId: string): Promise<unknown>;
  save(flowId: string, processorId: string, state: unknown): Promise<void>;
}

export class MemoryStateStore implements StateStore {
  private readonly states = new Map<string, unknown>();

  async load(flowId: string, processorId: string): Promise<unknown> {
    return structuredClone(this.states.get(`${flowId}/${processorId}`));
  }

  async save(flowId: string, processorId: string, state: unknown): Promise<void> {
    if (state === undefined) this.states.delete(`${flowId}/${processorId}`);
    else this.states.set(`${flowId}/${processorId}`, structuredClone(state));
  }
}
