/**
 * Synthetic platforms for the benchmark, built from the product's real constructs and charts: local
 * storage, the Strimzi operator and a Kafka platform, N backend services (each a `ServiceWithPostgres` with
 * Kafka on and its own PostgreSQL), a frontend calling the first services, the namespaces and Argo CD's app of
 * apps, in three environments (dev, staging, prod as configured in environments/).
 */
import * as path from 'node:path';
import { App } from 'cdk8s';
import { FrontendChart } from '../../charts/frontend';
import { completePlatform, platformFoundation } from '../../charts/healthxcape';
import { ApplicationChart } from '../../constructs/application-chart';
import { imageVersion } from '../../constructs/lib/images';
import { ServiceWithPostgres } from '../../constructs/service-with-postgres';
import { environments } from '../../environments';
import { EnvironmentConfig, platformContext, workloadSettings } from '../../environments/types';

/** Name of the i-th synthetic service (`svc-0001`). */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** Build the synthetic platform with `services` backends into one App (one environment). */
export function syntheticPlatform(app: App, env: EnvironmentConfig, services: number): void {
  const { storage, kafka, postgresOperator } = platformFoundation(app, env);
  const workload = workloadSettings(env, 'user-service');
  const image = env.images['user-service'];
  const backends: ServiceWithPostgres[] = [];
  for (let i = 1; i <= services; i++) {
    const name = serviceName(i);
    const topic = kafka.platform.addTopic(`${name}.events`);
    const chart = new ApplicationChart(app, name, { context: platformContext(env), namespace: env.namespace, version: imageVersion(image) });
    backends.push(new ServiceWithPostgres(chart, name, {
      image: { repository: `healthxcape/${name}`, tag: image.tag },
      healthCheck: { path: '/health' },
      port: 3000,
      replicas: workload.replicas,
      resources: workload.resources,
      database: {
        engine: env.postgres.engine,
        image: env.postgres.engine === 'cloudnative-pg' ? env.images['cnpg-postgres'] : env.images.postgres,
        databaseName: name.replace(/-/g, '_'),
        credentials: { mode: env.postgres.credentials },
        instances: env.postgres.instances,
        size: env.postgres.storageSize,
        resources: env.postgres.resources,
        storage,
        operator: postgresOperator,
      },
      kafka: { cluster: kafka.platform, consumerGroupId: `${name}-group`, topics: { events: topic, deadLetters: 'platform-dlq' } },
    }));
  }
  const first = backends[0];
  if (first) new FrontendChart(app, env, { identity: first, users: backends[1] ?? first, blog: backends[2] ?? first });
  completePlatform(app, env);
}

/** A build function (like main.ts's) for a synthetic platform of `services` backends in every environment. */
export function syntheticBuild(services: number): (outdir: string) => Generator<App> {
  return function* (outdir) {
    for (const env of environments) {
      const app = new App({ outdir: path.join(outdir, env.name) });
      syntheticPlatform(app, env, services);
      yield app;
    }
  };
}
