/**
 * Conflux in one process: Next.js (editor + API), socket.io (live channel) and the engine, on one
 * HTTP server (lib/server/conflux-server.ts). `npm start` runs it on the embedded defaults (SQLite
 * flow store in ./data) with every registered processor and controller service type.
 */
import { processorImplementations } from './engine/processors/runtimes';
import { serviceImplementations } from './engine/services/runtimes';
import { runConflux } from './lib/server/conflux-server';

runConflux({ dir: import.meta.dirname, processors: processorImplementations, services: serviceImplementations }).catch((error) => {
  console.error('Conflux failed to start:', error);
  process.exit(1);
});
