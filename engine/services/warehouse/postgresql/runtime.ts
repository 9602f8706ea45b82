import { implementService } from '../../../sdk';
import { postgresWarehouseSpec } from './spec';
import { PostgresWarehouse } from './warehouse';

export default implementService(postgresWarehouseSpec, async ({ props }) => new PostgresWarehouse({ ...props, password: props.password || undefined }));
