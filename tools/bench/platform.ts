/**
 * Synthetic platforms for the benchmark, built through the platform kit with the product's real constructs, the
 * way a team would declare them: local storage, the Strimzi operator and a Kafka platform, N backend services
 * (each a `serviceWithPostgres` entry with Kafka on and its own PostgreSQL), a frontend calling the first
 * services, in three environments configured like the reference platform's (dev, staging, prod).
 */
import {
  AnyEntry, cloudnativePgOperator, KafkaEntryOptions, defineBase, defineEnvironment, defineImages, definePlatform, EnvironmentConfig, frontend, kafkaPlatform,
  platformBuild, serviceWithPostgres, strimziOperator,
} from '../kit';
import type { DeepPartial } from '../../constructs/lib/merge';
import type { FrontendOptions } from '../../constructs';
import type { BuildFunction } from '../synth';

/** Name of the i-th synthetic service (`svc-0001`). */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** The synthetic platform of `services` backends and its three environments. */
export function syntheticPlatform(services: number): { readonly environments: readonly EnvironmentConfig[]; readonly build: BuildFunction } {
  const images = defineImages({
    'postgres': { repository: 'postgres', tag: '15.17-alpine' },
    'cnpg-postgres': { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: '15.17-standard-trixie' },
  });
  const strimzi = strimziOperator({ namespace: 'kafka' });
  const cnpg = cloudnativePgOperator();
  const names = Array.from({ length: services }, (_, i) => serviceName(i + 1));
  const topics: Record<string, object> = { 'platform-dlq': {} };
  for (const name of names) topics[`${name}.events`] = {};
  const kafka = kafkaPlatform({ name: 'platform-kafka', namespace: 'kafka', operator: strimzi, topics });
  const apps: Record<string, AnyEntry> = { 'strimzi-operator': strimzi, 'cnpg-operator': cnpg, 'kafka': kafka };
  const backends = names.map((name) => serviceWithPostgres({
    runtime: 'node',
    image: { repository: `healthxcape/${name}`, tag: 'v1.0.0' },
    port: 3000,
    healthCheck: { path: '/health' },
    database: { databaseName: name.replace(/-/g, '_') },
    databaseImages: { 'statefulset': images.postgres, 'cloudnative-pg': images['cnpg-postgres'] },
    postgresOperator: cnpg,
    kafka: { cluster: kafka, consumerGroupId: `${name}-group`, topics: { events: kafka.topic(`${name}.events`), deadLetters: kafka.topic('platform-dlq') } },
  }));
  names.forEach((name, i) => { apps[name] = backends[i] as AnyEntry; });
  const first = backends[0];
  if (first !== undefined) {
    apps.frontend = frontend({
      image: { repository: 'healthxcape/frontend', tag: 'v1.0.1' },
      hosts: ['healthxcape.com'],
      backends: { IDENTITY_API_URL: first, USER_API_URL: backends[1] ?? first, BLOG_API_URL: backends[2] ?? first },
    });
  }
  const platform = definePlatform({ name: 'healthxcape', images, apps, source: 'tools/bench/platform.ts' });
  const base = defineBase(platform, {
    source: 'tools/bench/platform.ts',
    namespace: 'healthxcape',
    workloadDefaults: { replicas: 1 },
    gitops: { repoURL: 'https://github.com/healthxcape/platform-config.git', branch: 'rendered' },
  });
  // The catalog is built in a loop, so its type knows no names: the Kafka overrides are typed by their options.
  const stagingKafka: DeepPartial<KafkaEntryOptions> = { nodePools: { mode: 'dual-role', nodes: 3 }, defaultReplicas: 2, minInsyncReplicas: 1 };
  const prodKafka: DeepPartial<KafkaEntryOptions> = { nodePools: { mode: 'separate', controllers: 3, brokers: 3 }, defaultReplicas: 3, minInsyncReplicas: 2, storageSize: '50Gi' };
  // Each non-production environment has hosts of its own: the production host there is a validation error.
  const frontendHosts = (host: string): DeepPartial<FrontendOptions> => ({ hosts: [host] });
  const environments = [
    defineEnvironment(base, {
      source: 'tools/bench/platform.ts', name: 'dev', stage: 'development',
      apps: { frontend: frontendHosts('dev.healthxcape.com') },
      storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['ip-10-1-91-144'], root: '/mnt/data' },
    }),
    defineEnvironment(base, {
      source: 'tools/bench/platform.ts', name: 'staging', stage: 'staging',
      workloadDefaults: { replicas: 2 },
      apps: { kafka: stagingKafka, frontend: frontendHosts('staging.healthxcape.com') },
      storage: { mode: 'dynamic', storageClassName: 'local-path' },
    }),
    defineEnvironment(base, {
      source: 'tools/bench/platform.ts', name: 'prod', stage: 'production',
      registryMirror: 'registry.healthxcape.internal:5000',
      workloadDefaults: { replicas: 3, resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } } },
      defaults: { 'service-with-postgres': { database: { engine: 'cloudnative-pg', credentials: { mode: 'cnpg' }, instances: 3, size: '10Gi' } } },
      apps: { kafka: prodKafka },
      storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['ip-10-1-92-11', 'ip-10-1-92-12', 'ip-10-1-92-13'], root: '/mnt/data' },
    }),
  ];
  return { environments, build: platformBuild(platform, environments) };
}

/** A build function (like main.ts's) for a synthetic platform of `services` backends in every environment. */
export function syntheticBuild(services: number): BuildFunction {
  return syntheticPlatform(services).build;
}
