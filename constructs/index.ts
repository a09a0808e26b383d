// Re-exports only: the constructs of the platform, one per file.
export * from './app-of-apps';
export * from './application-chart';
export * from './argo-application';
export * from './argo-application-set';
export * from './argo-project';
export * from './frontend';
export * from './helm-application';
export * from './kafka-platform';
export * from './kafka-topic';
export * from './local-storage';
export * from './platform-namespace';
export * from './postgres-database';
export * from './redis';
export * from './service-with-postgres';
export * from './volume-provider';
