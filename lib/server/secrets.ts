import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { MASKED, type ValidationIssue } from '../../engine/sdk';
import type { FlowGraph, ProcessorConfig, ServiceConfig } from '../../engine/flow/schema';
import type { Catalog } from './catalog';

/**
 * Secrets (properties whose schema says `.meta({ sensitive: true })`) never leave the server in
 * clear: every answer carries MASKED in their place, and a MASKED value sent back means "keep the
 * stored one" — unless a property marked `.meta({ destination: true })` changes with it (see
 * secretsLeftBehind). The flow store keeps them sealed (./sealed-properties). The same functions
 * serve processors and controller services.
 */

type PropertiesOf = { readonly properties: z.ZodObject };

type MetaFlag = 'sensitive' | 'destination';
const caches: Record<MetaFlag, WeakMap<z.ZodObject, ReadonlySet<string>>> = { sensitive: new WeakMap(), destination: new WeakMap() };

/**
 * The property names of a schema whose meta sets this flag. Read from its JSON Schema, as the
 * property form reads its fields (components/panel/form-model.ts), so the server treats as a secret
 * exactly what the form does, wherever the `.meta()` sits (`.optional()` and `.default()` wrap it).
 */
function keysFlagged(properties: z.ZodObject, flag: MetaFlag): ReadonlySet<string> {
  let keys = caches[flag].get(properties);
  if (!keys) {
    const json = z.toJSONSchema(properties, { io: 'input', unrepresentable: 'any' });
    const entries = Object.entries(json.properties ?? {});
    keys = new Set(entries.filter(([, schema]) => typeof schema === 'object' && schema[flag] === true).map(([key]) => key));
    caches[flag].set(properties, keys);
  }
  return keys;
}

/** The secrets: masked in every answer, sealed in the flow store (./sealed-properties). */
export const sensitiveKeys = (properties: z.ZodObject) => keysFlagged(properties, 'sensitive');

/** Where the secrets are sent (host, URL, brokers …): see secretsLeftBehind. */
export const destinationKeys = (properties: z.ZodObject) => keysFlagged(properties, 'destination');

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

/**
 * A stored secret must not follow its component to a new destination unless someone who knows it
 * enters it again: otherwise anyone allowed to edit a service could point it at their own server
 * and receive its password. Says why a change is refused, undefined when it may go ahead: a
 * destination property changed (`saved`: the properties as parsed for saving) while a set secret
 * was sent MASKED or left out, i.e. would be kept.
 */
export function secretsLeftBehind(
  spec: PropertiesOf,
  incoming: Record<string, unknown>,
  stored: Record<string, unknown>,
  saved: Record<string, unknown>,
): { message: string; issues: ValidationIssue[] } | undefined {
  const moved = [...destinationKeys(spec.properties)].filter((key) => !isDeepStrictEqual(saved[key], stored[key]));
  const kept = [...sensitiveKeys(spec.properties)].filter((key) => (incoming[key] === undefined || incoming[key] === MASKED) && isSet(stored[key]));
  if (moved.length === 0 || kept.length === 0) return undefined;
  const quoted = (keys: string[]) => keys.map((key) => `"${key}"`).join(', ');
  return {
    message:
      `changing ${quoted(moved)} would send the stored ${quoted(kept)} to a new destination: ` +
      'enter it again with the change (or send "" to remove it)',
    issues: [
      ...moved.map((property) => ({ property, message: `a new destination: enter ${kept.join(', ')} again with it` })),
      ...kept.map((property) => ({ property, message: `enter it again for the new ${moved.join(', ')} (or clear it)` })),
    ],
  };
}
