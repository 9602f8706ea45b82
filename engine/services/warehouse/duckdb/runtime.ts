import { confinedPath, implementService } from '../../../sdk';
import { duckdbWarehouseSpec, IN_MEMORY } from './spec';
import { DuckDBWarehouse } from './warehouse';

// the file is checked against the file roots again when it is opened: a symlink that leads out may
// have appeared since validation (the processor using the service then fails with a bulletin)
export default implementService(duckdbWarehouseSpec, async ({ props }) =>
  DuckDBWarehouse.open(props.path === IN_MEMORY ? IN_MEMORY : confinedPath(props.path, 'Database file')),
);
