/**
 * server.ts with test-only processor and service types added (e2e/fixtures/test-types.ts), for the
 * API tests of controller services and processor state: startConflux({ testTypes: true }).
 */
import path from 'node:path';
import { processorImplementations } from '../engine/processors/runtimes';
import { serviceImplementations } from '../engine/services/runtimes';
import { runConflux } from '../lib/server/conflux-server';
import { testProcessors, testServices } from './fixtures/test-types';

runConflux({
  dir: path.resolve(import.meta.dirname, '..'),
  processors: [...processorImplementations, ...testProcessors],
  services: [...serviceImplementations, ...testServices],
}).catch((error) => {
  console.error('Conflux failed to start:', error);
  process.exit(1);
});
