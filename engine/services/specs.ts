import type { AnyServiceSpec } from '../sdk';

/** Every controller service type's spec (browser-safe): the services panel and validation read this. */
export const serviceSpecs: readonly AnyServiceSpec[] = [];

const byType = new Map(serviceSpecs.map((s) => [s.type, s]));

export function serviceSpecOf(type: string): AnyServiceSpec | undefined {
  return byType.get(type);
}
