import { App } from 'cdk8s';
import { IApplication, isApplication } from '../constructs/lib/context';
import { DynamicStorage, IVolumeProvider } from '../constructs/volume-provider';
import { EnvironmentConfig } from '../environments/types';
import { ArgoCdChart } from './argocd';
import { BackendServiceChart, BackendServiceSpec } from './backend-service';
import { FrontendChart } from './frontend';
import { KafkaChart } from './kafka';
import { LocalStorageChart } from './local-storage';
import { NamespacesChart } from './namespaces';
import { cloudnativePgOperator, strimziOperator } from './operators';

/**
 * The three NestJS backends of the reference platform. Health paths follow each service's global route
 * prefix: `/identity/health` is confirmed by the reference documents (the `wget` check of identity-service),
 * `/profiles/health` is the path user-service registers with Consul there; `/blog/health` follows the same
 * convention and is not confirmed by them: check it against blog-service before relying on it in production.
 */
export const BACKEND_SERVICES: readonly BackendServiceSpec[] = [
  {
    name: 'identity-service',
    runtime: 'node',
    port: 3000,
    healthCheck: { path: '/identity/health' },
    database: 'identity',
    redis: true,
    kafka: { topics: { identityEvents: 'identity.events' } },
  },
  {
    name: 'user-service',
    runtime: 'node',
    port: 3001,
    healthCheck: { path: '/profiles/health' },
    database: 'users',
    redis: false,
    kafka: { consumerGroupId: 'user-service-group', topics: { identityEvents: 'identity.events', userEvents: 'user.events' } },
  },
  {
    name: 'blog-service',
    runtime: 'node',
    port: 3002,
    healthCheck: { path: '/blog/health' },
    database: 'blog',
    redis: false,
    kafka: { consumerGroupId: 'blog-service-group', topics: { blogEvents: 'blog.events', userEvents: 'user.events' } },
  },
];

/** The shared infrastructure applications of an environment, for the applications built on them. */
export interface PlatformFoundation {
  /** Where persistent volumes come from (local volumes or a dynamic provisioner). */
  readonly storage: IVolumeProvider;
  /** The `kafka` application. */
  readonly kafka: KafkaChart;
  /** The CloudNativePG operator application, when the environment uses CloudNativePG. */
  readonly postgresOperator?: IApplication;
}

/** Storage, the Strimzi operator and Kafka, and the CloudNativePG operator when used. */
export function platformFoundation(app: App, env: EnvironmentConfig): PlatformFoundation {
  const storage: IVolumeProvider = env.storage.mode === 'local'
    ? new LocalStorageChart(app, env, env.storage).storage
    : new DynamicStorage(env.storage.storageClassName);
  const strimzi = strimziOperator(app, env, 'kafka');
  const kafka = new KafkaChart(app, env, storage, strimzi);
  const postgresOperator = env.postgres.engine === 'cloudnative-pg' ? cloudnativePgOperator(app, env) : undefined;
  return { storage, kafka, postgresOperator };
}

/** The namespaces every application needs, then Argo CD's app of apps: call after every other application. */
export function completePlatform(app: App, env: EnvironmentConfig): void {
  new NamespacesChart(app, env, app.node.findAll().filter(isApplication));
  new ArgoCdChart(app, env);
}

/**
 * The HealthXcape platform for one environment: local storage, the Strimzi operator and Kafka, the three
 * backend services with their databases, the frontend, the namespaces they need, and Argo CD's app of apps.
 */
export function healthXcape(app: App, env: EnvironmentConfig): void {
  const { storage, kafka, postgresOperator } = platformFoundation(app, env);
  const [identity, users, blog] = BACKEND_SERVICES.map((spec) =>
    new BackendServiceChart(app, env, spec, { storage, kafka: kafka.platform, postgresOperator }).service);
  new FrontendChart(app, env, { identity: identity!, users: users!, blog: blog! });
  completePlatform(app, env);
}
