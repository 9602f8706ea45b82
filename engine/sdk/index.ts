export * from './define-processor';
export * from './record';
export * from './jsonata-schema';
export * from './define-service';
export * from './errors';
export * from './file-roots';
export * from './memo';
