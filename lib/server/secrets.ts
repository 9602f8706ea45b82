import { z } from 'zod';
import { MASKED } from '../../engine/sdk';
import type { FlowGraph, ProcessorConfig, ServiceConfig } from '../../engine/flow/schema';
import type { Catalog } from './catalog';

/**
 * Secrets (properties whose schema says `.meta({ sensitive: true })`) never leave the server in
 * clear: every answer carries MASKED in their place, and a MASKED value sent back means "keep the
 * stored one". The same two functions serve processors and controller services.
 */

type PropertiesOf = { readonly properties: z.ZodObject };

const cache = new WeakMap<z.ZodObject, ReadonlySet<string>>();

/**
 * The sensitive property names of a schema. Read from its JSON Schema, as the property form reads
 * its fields (components/panel/form-model.ts), so the server masks exactly what the form treats as
 * a secret, wherever the `.meta()` sits (`.optional()` and `.default()` wrap it).
 */
export function sensitiveKeys(properties: z.ZodObject): ReadonlySet<string> {
  let keys = cache.get(properties);
  if (!keys) {
    const json = z.toJSONSchema(properties, { io: 'input', unrepresentable: 'any' });
    const entries = Object.entries(json.properties ?? {});
    keys = new Set(entries.filter(([, schema]) => typeof schema === 'object' && schema.sensitive === true).map(([key]) => key));
    cache.set(properties, keys);
  }
  return keys;
}

const isSet = (value: unknown) => value !== undefined && value !== null && value !== '';

/**
 * Properties as the browser may see them: each sensitive value that is set becomes MASKED. With no
 * spec (a type this server does not know) nothing says which values are secret: all are masked.
 */
export function maskProperties(spec: PropertiesOf | undefined, properties: Record<string, unknown>): Record<string, unknown> {
  const masked = { ...properties };
  for (const key of Object.keys(masked)) {
    if ((!spec || sensitiveKeys(spec.properties).has(key)) && isSet(masked[key])) masked[key] = MASKED;
  }
  return masked;
}

/**
 * Properties sent by the browser, with the stored secret put back wherever a sensitive value is
 * MASKED or left out (the browser never had it). To remove a secret, send an empty string.
 */
export function keepSecrets(
  spec: PropertiesOf,
  incoming: Record<string, unknown>,
  stored: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...incoming };
  for (const key of sensitiveKeys(spec.properties)) {
    if (merged[key] !== undefined && merged[key] !== MASKED) continue;
    if (key in stored) merged[key] = stored[key];
    else delete merged[key]; // MASKED with nothing stored: not a value anyone chose
  }
  return merged;
}

export const maskProcessor = (p: ProcessorConfig, types: Catalog): ProcessorConfig => ({
  ...p,
  properties: maskProperties(types.specOf(p.type), p.properties),
});

export const maskService = (s: ServiceConfig, types: Catalog): ServiceConfig => ({
  ...s,
  properties: maskProperties(types.serviceSpecOf(s.type), s.properties),
});

export const maskGraph = (graph: FlowGraph, types: Catalog): FlowGraph => ({
  ...graph,
  processors: graph.processors.map((p) => maskProcessor(p, types)),
  services: graph.services.map((s) => maskService(s, types)),
});
