import { implementService } from '../../../sdk';
import { duckdbWarehouseSpec } from './spec';
import { DuckDBWarehouse } from './warehouse';

export default implementService(duckdbWarehouseSpec, ({ props }) => DuckDBWarehouse.open(props.path));
