import type { StateStore } from '../../engine/runtime/state-store';
import { Prisma as P } from '../generated/sqlite/client';
import type { Prisma } from './client';

/**
 * Processors' committed state (watermarks, offsets) in the flow store, so a restart resumes where
 * the last commit left off. One row per processor; deleting the processor deletes it (foreign key).
 */
export class PrismaStateStore implements StateStore {
  constructor(private readonly prisma: Prisma) {}

  /** The committed state, or undefined when the processor has none (never committed, or cleared). */
  async load(flowId: string, processorId: string): Promise<unknown> {
    const row = await this.prisma.processorState.findFirst({ where: { processorId, flowId }, select: { state: true } });
    return row ? row.state : undefined;
  }

  /** Replace the state; undefined clears it. */
  async save(flowId: string, processorId: string, state: unknown): Promise<void> {
    if (state === undefined) {
      await this.prisma.processorState.deleteMany({ where: { processorId, flowId } });
      return;
    }
    // a JSON null must be spelled JsonNull: a bare null means "no value" to Prisma (the two
    // generated clients share this runtime object)
    const value = state === null ? P.JsonNull : (state as P.InputJsonValue);
    await this.prisma.processorState.upsert({
      where: { processorId },
      create: { processorId, flowId, state: value },
      update: { state: value },
    });
  }
}
