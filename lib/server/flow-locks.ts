/**
 * One change at a time per flow. A change checks (is the processor running? is the queue empty?),
 * writes the store, then reloads the engine; two requests interleaving those steps could start a
 * processor between another request's check and its write, and run it with half its new
 * configuration. trigger.dev guards a run's changes the same way.
 */
export class FlowLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Run `task` after every earlier task of the same flow has settled. */
  run<T>(flowId: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(flowId) ?? Promise.resolve()).then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(flowId, tail);
    void tail.then(() => this.tails.get(flowId) === tail && this.tails.delete(flowId));
    return result;
  }
}
