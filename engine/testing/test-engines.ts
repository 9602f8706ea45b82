import { after } from 'node:test';
import { processorImplementations } from '../processors/runtimes';
import { Engine } from '../runtime/engine';
import type { ProcessorImplementation, ServiceImplementation } from '../sdk';
import { serviceImplementations } from '../services/runtimes';

/**
 * For an engine test file: a factory of engines with every built-in processor plus the file's own
 * test processors and services, stats every 100 ms, all shut down after the file's tests.
 */
export function testEngines(extra: readonly ProcessorImplementation[] = [], services: readonly ServiceImplementation[] = []): () => Engine {
  const engines: Engine[] = [];
  after(() => Promise.all(engines.map((e) => e.shutdown())));
  return () => {
    const engine = new Engine({
      processors: [...processorImplementations, ...extra],
      services: [...serviceImplementations, ...services],
      statsIntervalMs: 100,
    });
    engines.push(engine);
    return engine;
  };
}
