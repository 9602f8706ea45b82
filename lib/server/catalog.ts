import type { AnySpec, AnyServiceSpec } from '../../engine/sdk';
import { specOf } from '../../engine/processors/specs';
import { serviceSpecOf } from '../../engine/services/specs';

/**
 * The processor and controller service types this server knows, by type name: the registries in
 * production; the registries plus test-only types in the API tests (e2e/test-server.ts), without
 * adding those to the registries themselves.
 */
export interface Catalog {
  specOf(type: string): AnySpec | undefined;
  serviceSpecOf(type: string): AnyServiceSpec | undefined;
}

export const registeredTypes: Catalog = { specOf, serviceSpecOf };

/** The catalog of exactly these implementations (the ones handed to the engine). */
export function catalogOf(processors: readonly { spec: AnySpec }[], services: readonly { spec: AnyServiceSpec }[]): Catalog {
  const processorSpecs = new Map(processors.map((p) => [p.spec.type, p.spec]));
  const serviceSpecs = new Map(services.map((s) => [s.spec.type, s.spec]));
  return { specOf: (type) => processorSpecs.get(type), serviceSpecOf: (type) => serviceSpecs.get(type) };
}
