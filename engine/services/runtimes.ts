import type { ServiceImplementation } from '../sdk';

/** Every controller service's runtime (Node only). Each spec in specs.ts has exactly one here. */
export const serviceImplementations: readonly ServiceImplementation[] = [];
