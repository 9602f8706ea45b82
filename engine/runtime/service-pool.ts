import type { ServiceImplementation, ServiceInstance } from '../sdk/define-service';
import type { ServiceConfig } from '../flow/schema';
import { parseProperties } from '../flow/validate';

/**
 * A flow's controller services while it is loaded: each is opened on first use and shared by every
 * processor that names it, and closed when its configuration changes, it is removed, or the flow is
 * unloaded; one that asks to (releaseWhenIdle) also when the flow's last running processor stops.
 */
export class ServicePool {
  private configs = new Map<string, ServiceConfig>();
  private readonly open = new Map<string, Promise<ServiceInstance>>();

  constructor(private readonly implementationOf: (type: string) => ServiceImplementation | undefined) {}

  /** Take a new version of the flow's services; those changed or gone are closed. */
  configure(services: readonly ServiceConfig[]): Promise<void> {
    const next = new Map(services.map((s) => [s.id, s]));
    const stale = [...this.open.keys()].filter((id) => JSON.stringify(next.get(id)) !== JSON.stringify(this.configs.get(id)));
    this.configs = next;
    return this.close(stale);
  }

  /** The live instance, opened if needed. A failed open is not cached: the next use tries again. */
  get(id: string): Promise<ServiceInstance> {
    let instance = this.open.get(id);
    if (!instance) {
      instance = this.create(id);
      this.open.set(id, instance);
      instance.catch(() => this.open.get(id) === instance && this.open.delete(id));
    }
    return instance;
  }

  closeAll(): Promise<void> {
    return this.close([...this.open.keys()]);
  }

  /** Close the open services that ask to be released while nothing uses them (releaseWhenIdle). */
  async releaseIdle(): Promise<void> {
    const open = await Promise.all([...this.open].map(async ([id, instance]) => [id, await instance.catch(() => undefined)] as const));
    await this.close(open.filter(([, instance]) => instance?.releaseWhenIdle).map(([id]) => id));
  }

  private async create(id: string): Promise<ServiceInstance> {
    const config = this.configs.get(id);
    if (!config) throw new Error(`no controller service "${id}" in this flow`);
    const implementation = this.implementationOf(config.type);
    if (!implementation) throw new Error(`unknown controller service type "${config.type}"`);
    const parsed = parseProperties(implementation.spec, config.properties);
    if (!parsed.ok) {
      const problems = parsed.issues.map((i) => (i.property ? `${i.property}: ${i.message}` : i.message)).join('; ');
      throw new Error(`controller service "${config.name}" is invalid: ${problems}`);
    }
    try {
      return await implementation.create({ id, name: config.name, props: parsed.data });
    } catch (error) {
      throw new Error(`controller service "${config.name}" failed to open: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  private async close(ids: readonly string[]): Promise<void> {
    await Promise.all(
      ids.map(async (id) => {
        const instance = this.open.get(id);
        this.open.delete(id);
        await instance?.then((s) => s.close()).catch(() => undefined);
      }),
    );
  }
}
