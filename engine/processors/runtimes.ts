import type { ProcessorImplementation } from '../sdk';
import consumeKafka from './consume-kafka/runtime';
import convertRecord from './convert-record/runtime';
import count from './count/runtime';
import getFile from './get-file/runtime';
import publishKafka from './publish-kafka/runtime';
import putDatabaseRecord from './put-database-record/runtime';
import putFile from './put-file/runtime';
import putWarehouse from './put-warehouse/runtime';
import queryRecord from './query-record/runtime';
import queryDatabaseTable from './query-database-table/runtime';
import delay from './delay/runtime';
import executeSql from './execute-sql/runtime';
import generateRecords from './generate-records/runtime';
import inspect from './inspect/runtime';
import invokeHttp from './invoke-http/runtime';
import listenHttp from './listen-http/runtime';
import routeOnField from './route-on-field/runtime';
import setField from './set-field/runtime';
import splitRecord from './split-record/runtime';
import mergeRecord from './merge-record/runtime';
import validateRecord from './validate-record/runtime';
import deduplicateRecord from './deduplicate-record/runtime';
import updateAttribute from './update-attribute/runtime';
import transform from './transform/runtime';

/** Every processor's runtime (Node only). Each spec in specs.ts has exactly one here. */
export const processorImplementations: readonly ProcessorImplementation[] = [
  generateRecords,
  transform,
  setField,
  routeOnField,
  delay,
  inspect,
  count,
  listenHttp,
  invokeHttp,
  splitRecord,
  mergeRecord,
  validateRecord,
  deduplicateRecord,
  updateAttribute,
  getFile,
  putFile,
  convertRecord,
  queryDatabaseTable,
  executeSql,
  putDatabaseRecord,
  putWarehouse,
  queryRecord,
  consumeKafka,
  publishKafka,
];
