import type { ProcessorContext, ServiceKind } from '../sdk';

/**
 * What each service kind provides to processors. Each kind's module adds its interface here by
 * declaration merging, e.g. in engine/services/sql/types.ts:
 *
 *   declare module '../use-service' { interface ServiceKinds { sql: SqlDatabase } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ServiceKinds {}

/** The flow's service named by a processor property, checked to be of the kind the processor needs. */
export async function useService<K extends ServiceKind & keyof ServiceKinds>(
  ctx: Pick<ProcessorContext<unknown>, 'service'>,
  kind: K,
  id: string,
): Promise<ServiceKinds[K]> {
  const instance = (await ctx.service(id)) as { kind?: string } | undefined;
  if (instance?.kind !== kind) throw new Error(`controller service "${id}" is not a ${kind} service`);
  return instance as ServiceKinds[K];
}
