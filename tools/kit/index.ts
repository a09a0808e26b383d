/**
 * The platform kit's public entry point: what a platform module (the reference platform at the repository's root,
 * every `examples/<name>/`) imports besides `constructs/index.ts`.
 *
 *   definePlatform({ name, images, apps })   a typed catalog: one entry per application
 *   defineBase / defineEnvironment           typed, checked overrides of the catalog per environment
 *   defineCluster                            a cluster several environments share (add-ons rendered once)
 *   platformBuild(platform, environments)    the build function main.ts exports
 */
export { platformBuild } from './build';
export { cloudnativePgOperator, frontend, helmChart, kafkaPlatform, KafkaEntryOptionsSchema, linkerdControlPlane, microservice, serviceWithPostgres, strimziOperator } from './entries';
export type {
  ConnectionsProps, EntryProps, FrontendEntryProps, HelmChartEntryProps, KafkaClientEntryProps, KafkaEntry, KafkaEntryOptions, KafkaEntryProps, LinkerdControlPlaneEntryProps,
  MicroserviceEntryProps, OperatorEntryProps, ServiceWithPostgresEntryProps,
} from './entries';
export { backstage, camelIntegrations, CamelIntegrationsOptionsSchema, rabbitmqCluster, tenants, TenantsOptionsSchema } from './event-entries';
export type { BackstageEntryProps, CamelIntegrationEntry, CamelIntegrationsEntryProps, CamelIntegrationsOptions, RabbitmqEntryProps, Tenants, TenantsEntryProps, TenantsOptions } from './event-entries';
export { defineEntry, derivedRef, isEntry, resolveAll } from './entry';
export type { AnyEntry, AppEntry, AppScope, BuildContext, BuildTarget, Enabled, EntryChartProps, EntryContext, EntryDefinition, ImageDeclaration, Ref } from './entry';
export {
  applicationEnabled, applicationOptions, defineBase, defineCluster, defineEnvironment, GitOpsSettingsSchema, StorageSettingsSchema, WorkloadDefaultsSchema,
} from './environment';
export type {
  AppOverride, AppOverrides, Base, ClusterConfig, ClusterInput, DynamicStorageSettings, EnvironmentConfig, EnvironmentInput, GitOpsSettings, ImageOverride,
  ImageOverrides, KindDefaults, LocalStorageSettings, SharedSettings, StorageSettings, TargetConfig, WorkloadDefaults,
} from './environment';
export {
  certificates, certManager, drizzleGateway, externalSecretsOperator, kafkaUi, maildev, minio, passwordGenerator, reflector, selfSignedCa, sharedDatabaseService, sharedPostgres, tcpProxy, temporalServer, temporalUi,
} from './platform-services';
export type { CertificatesEntryOptions, CertificatesEntryProps, PasswordGeneratorEntryProps, SelfSignedCaEntryProps, SharedDatabaseServiceEntryProps, SharedPostgresEntry, SharedPostgresEntryProps, ToolEntryProps, ToolRouteProps } from './platform-services';
export { defineImages } from './images';
export type { ImageCatalog, ImageRef } from './images';
export { definePlatform, RESERVED_APPLICATIONS } from './platform';
export type { AnyPlatform, Catalog, Platform, PlatformDefinition } from './platform';
export { PLATFORM_VERSION } from './version';
export {
  eckOperator, elasticsearch, kafkaService, mongodb, mongodbCommunityOperator, postgresCluster, rabbitmqService, redisStore,
  RedisStoreOptionsSchema, service, ServiceOptionsSchema,
} from './services';
export type {
  ChartDelivery, ChartWorkload, Delivery, ElasticsearchEntryProps, MongoDbEntryProps, PostgresClusterEntryProps, RedisStoreEntryProps, RedisStoreOptions,
  ServiceEntryProps, ServiceOptions, ServiceResult,
} from './services';
export { operatorEntry } from './entries';
export type { OperatedEntryProps } from './services';
