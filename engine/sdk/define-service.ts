import { z } from 'zod';

/**
 * What a controller service provides to processors. A processor property names the kind it needs
 * (`serviceRef('sql')`); the form offers the flow's services of that kind, validation checks the
 * reference, and the runtime hands the processor the live instance.
 */
export type ServiceKind = 'sql' | 'kafka' | 'warehouse';

export const SERVICE_KINDS: Readonly<Record<ServiceKind, string>> = {
  sql: 'SQL database',
  kafka: 'Kafka cluster',
  warehouse: 'Warehouse',
};

/**
 * A controller service type, declared once: a connection pool, a client or a warehouse connection
 * that several processors share. Browser-safe like a processor spec (zod and this sdk only); its
 * runtime is in a separate Node-only file. Secrets are properties with `.meta({ sensitive: true })`.
 */
export interface ServiceSpec<P extends z.ZodObject = z.ZodObject> {
  readonly type: string;
  readonly kind: ServiceKind;
  readonly summary: string;
  readonly properties: P;
}

export type AnyServiceSpec = ServiceSpec<z.ZodObject>;

export function defineService<const P extends z.ZodObject>(spec: ServiceSpec<P>): ServiceSpec<P> {
  return spec;
}

/** A running service: whatever its kind provides, plus a way to release it. */
export interface ServiceInstance {
  readonly kind: ServiceKind;
  /**
   * Closed whenever none of the flow's processors runs, reopened on the next use: for a service that
   * holds what other programs need (an exclusive lock on a database file).
   */
  readonly releaseWhenIdle?: boolean;
  close(): Promise<void>;
}

export interface ServiceImplementation<S extends AnyServiceSpec = AnyServiceSpec, T extends ServiceInstance = ServiceInstance> {
  readonly spec: S;
  /** Open the service (a pool, a client) with validated properties. */
  create(ctx: { id: string; name: string; props: z.infer<S['properties']> }): Promise<T>;
}

export function implementService<S extends AnyServiceSpec, T extends ServiceInstance>(
  spec: S,
  create: ServiceImplementation<S, T>['create'],
): ServiceImplementation<S, T> {
  return { spec, create };
}

/** A processor property that names a controller service of one kind (by the service's id). */
export function serviceRef(kind: ServiceKind) {
  return z
    .string()
    .min(1, `choose a ${SERVICE_KINDS[kind]} service`)
    .meta({ service: kind, label: SERVICE_KINDS[kind] });
}

/** The kind a property schema refers to, if it is a service reference (also inside optional/default). */
export function serviceKindOf(schema: z.ZodType): ServiceKind | undefined {
  const kind = (schema.meta() as { service?: ServiceKind } | undefined)?.service;
  if (kind) return kind;
  const inner = (schema as { unwrap?: () => z.ZodType }).unwrap;
  return typeof inner === 'function' ? serviceKindOf(inner.call(schema)) : undefined;
}

/** Value shown instead of a sensitive property's value, anywhere outside the server. */
export const MASKED = '********';
