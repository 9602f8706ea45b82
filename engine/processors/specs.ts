import type { AnySpec } from '../sdk';
import { consumeKafkaSpec } from './consume-kafka/spec';
import { convertRecordSpec } from './convert-record/spec';
import { countSpec } from './count/spec';
import { getFileSpec } from './get-file/spec';
import { publishKafkaSpec } from './publish-kafka/spec';
import { putDatabaseRecordSpec } from './put-database-record/spec';
import { putFileSpec } from './put-file/spec';
import { putWarehouseSpec } from './put-warehouse/spec';
import { queryRecordSpec } from './query-record/spec';
import { queryDatabaseTableSpec } from './query-database-table/spec';
import { delaySpec } from './delay/spec';
import { executeSqlSpec } from './execute-sql/spec';
import { generateRecordsSpec } from './generate-records/spec';
import { inspectSpec } from './inspect/spec';
import { invokeHttpSpec } from './invoke-http/spec';
import { listenHttpSpec } from './listen-http/spec';
import { routeOnFieldSpec } from './route-on-field/spec';
import { setFieldSpec } from './set-field/spec';
import { splitRecordSpec } from './split-record/spec';
import { mergeRecordSpec } from './merge-record/spec';
import { validateRecordSpec } from './validate-record/spec';
import { deduplicateRecordSpec } from './deduplicate-record/spec';
import { updateAttributeSpec } from './update-attribute/spec';
import { transformSpec } from './transform/spec';

/** Every processor type's spec (browser-safe): the palette, the forms and validation read this. */
export const processorSpecs: readonly AnySpec[] = [
  generateRecordsSpec,
  transformSpec,
  setFieldSpec,
  routeOnFieldSpec,
  delaySpec,
  inspectSpec,
  countSpec,
  listenHttpSpec,
  invokeHttpSpec,
  splitRecordSpec,
  mergeRecordSpec,
  validateRecordSpec,
  deduplicateRecordSpec,
  updateAttributeSpec,
  getFileSpec,
  putFileSpec,
  convertRecordSpec,
  queryDatabaseTableSpec,
  executeSqlSpec,
  putDatabaseRecordSpec,
  putWarehouseSpec,
  queryRecordSpec,
  consumeKafkaSpec,
  publishKafkaSpec,
];

const byType = new Map(processorSpecs.map((s) => [s.type, s]));

export function specOf(type: string): AnySpec | undefined {
  return byType.get(type);
}
