// Browser-safe (engine sdk and flow types only): the API's rules and the editor's hints share these.
import type { z } from 'zod';
import { serviceKindOf, type AnySpec } from '../../engine/sdk';
import type { FlowGraph, ProcessorConfig } from '../../engine/flow/schema';

/** The properties of a processor type that name a controller service (`serviceRef(kind)`). */
export function serviceRefKeys(spec: AnySpec | undefined): string[] {
  if (!spec) return [];
  return Object.entries(spec.properties.shape)
    .filter(([, schema]) => serviceKindOf(schema as z.ZodType) !== undefined)
    .map(([key]) => key);
}

/** The processors of a graph whose properties name this service. */
export function processorsUsing(graph: FlowGraph, serviceId: string, specOf: (type: string) => AnySpec | undefined): ProcessorConfig[] {
  return graph.processors.filter((p) => serviceRefKeys(specOf(p.type)).some((key) => p.properties[key] === serviceId));
}

/** `"A", "B", "C"`: processor names for a message. */
export const namesOf = (processors: readonly { name: string }[]) => processors.map((p) => `"${p.name}"`).join(', ');
