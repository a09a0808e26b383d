/**
 * The InfraForge platform (examples/infraforge): the seed's claims as a typed catalog, dev/qa/staging on the
 * nonprod cluster, services rendered (dev, staging) or delivered as the OCI microservice chart (qa).
 */
import { App } from 'cdk8s';
import { ConfigError, DynamicStorage, PlatformError, RabbitmqCluster, RabbitmqClusterOptionsSchema } from '../../constructs';
import { AnyPlatform, defineBase, defineCluster, defineEntry, defineEnvironment, definePlatform, EnvironmentConfig, postgresCluster, platformBuild, service } from '../../tools/kit';
import { renderApp, RenderedEnvironment } from '../../tools/synth/render';
import { validateEnvironments } from '../../tools/validate';
import { asMicroserviceChart, microserviceChart } from '../../examples/infraforge/chart';
import { base, dev, environments, nonprod } from '../../examples/infraforge/environments';
import { development, production } from '../../examples/infraforge/environments/profiles';
import { infraforge } from '../../examples/infraforge/platform';
import { at, Manifest, objectsOf } from '../helpers';

const SERVICES = ['product', 'user', 'order', 'payment', 'notification'] as const;

function render(envs: readonly EnvironmentConfig[] = environments, platform: AnyPlatform = infraforge): RenderedEnvironment[] {
  return [...(platformBuild(platform, envs)('dist') as Iterable<App>)].flatMap((app) => renderApp(app));
}

function objects(rendered: readonly RenderedEnvironment[], dir: string, application?: string): Manifest[] {
  const found = rendered.find((e) => e.name === dir) as RenderedEnvironment;
  return objectsOf(found).filter((o) => application === undefined || o.application === application).map((o) => o.object);
}

function find(list: readonly Manifest[], kind: string, name: string): Manifest {
  const found = list.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError);
    return (error as PlatformError).format();
  }
  throw new Error('expected an error');
}

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
const byName = (env: readonly EnvVar[]): Record<string, string> => Object.fromEntries(env.map((e) => [e.name, e.value ?? `secret:${e.valueFrom?.secretKeyRef?.name ?? ''}/${e.valueFrom?.secretKeyRef?.key ?? ''}`]));

describe('InfraForge on the nonprod cluster', () => {
  const rendered = render();

  test('dev, qa and staging share the nonprod cluster, whose directory holds the operators, once', () => {
    expect(rendered.map((e) => `${e.cluster}:${e.name}`)).toEqual(['nonprod:dev', 'nonprod:nonprod', 'nonprod:qa', 'nonprod:staging']);
    // Every Helm chart Application (Helm repositories name the chart, OCI sources end in it).
    const charts = rendered.flatMap((e) => objectsOf(e)).map((o) => o.object).filter((o) => o.kind === 'Application' && at(o, 'spec.source.helm') !== undefined && String(at(o, 'spec.source.repoURL')) !== 'oci://ghcr.io/nimbusprotch/microservice');
    const chartOf = (a: Manifest): string => String(at(a, 'spec.source.chart') ?? String(at(a, 'spec.source.repoURL')).split('/').pop());
    expect(charts.map((a) => `${a.metadata.name}=${chartOf(a)}@${String(at(a, 'spec.source.targetRevision'))}`).sort()).toEqual([
      'nonprod-cnpg-operator=cloudnative-pg@0.29.0',
      'nonprod-eck-operator=eck-operator@3.5.0',
      'nonprod-external-secrets=external-secrets@2.9.0',
      'nonprod-mongodb-operator=community-operator@0.13.0',
      'nonprod-rabbitmq-operator=rabbitmq-cluster-operator@0.6.5',
      'nonprod-strimzi-operator=strimzi-kafka-operator@1.2.0',
    ]);
    // The operators watch every namespace: the environments' namespaces exist only after the operators sync.
    expect(at(find(objects(rendered, 'nonprod'), 'Application', 'nonprod-strimzi-operator'), 'spec.source.helm.valuesObject.watchAnyNamespace')).toBe(true);
    expect(at(find(objects(rendered, 'nonprod'), 'Application', 'nonprod-rabbitmq-operator'), 'spec.source.helm.valuesObject.clusterOperator.watchAllNamespaces')).toBe(true);
  });

  test('every directory validates with 0 errors, checked together as one cluster', () => {
    expect(validateEnvironments(rendered).errors.map((f) => `${f.environment} ${f.kind}/${f.name} ${f.rule} ${f.path}: ${f.message}`)).toEqual([]);
  });

  test.each(SERVICES)('%s-service renders as a workload in dev, wired to its database through the operator\'s Secret', (name) => {
    const deployment = find(objects(rendered, 'dev', `${name}-service`), 'Deployment', `${name}-service`);
    const env = byName(at(deployment, 'spec.template.spec.containers.0.env') as EnvVar[]);
    expect(env).toEqual(expect.objectContaining({
      DATABASE_HOST: `${name}-db-rw.infraforge-dev.svc`,
      DATABASE_PORT: '5432',
      DATABASE_USER: `secret:${name}-db-app/username`,
      DATABASE_PASSWORD: `secret:${name}-db-app/password`,
    }));
    const waves = Object.fromEntries(objects(rendered, 'dev', 'argocd').filter((o) => o.kind === 'Application').map((a) => [a.metadata.name, Number(a.metadata.annotations?.['argocd.argoproj.io/sync-wave'])]));
    expect(waves[`dev-${name}-service`]).toBeGreaterThan(waves[`dev-${name}-db`] as number);
  });

  test.each(SERVICES)('%s-service is delivered as the OCI microservice chart in qa, wired to its database, synced after it, cascading deletes', (name) => {
    const argo = objects(rendered, 'qa', 'argocd');
    const application = find(argo, 'Application', `qa-${name}-service`);
    expect(at(application, 'spec.source.repoURL')).toBe('oci://ghcr.io/nimbusprotch/microservice');
    expect(at(application, 'spec.source.path')).toBe('.');
    expect(at(application, 'spec.source.targetRevision')).toBe('1.0.0');
    expect(at(application, 'metadata.finalizers')).toEqual(['resources-finalizer.argocd.argoproj.io']);
    const env = byName(at(application, 'spec.source.helm.valuesObject.env') as EnvVar[]);
    expect(env).toEqual(expect.objectContaining({
      DATABASE_HOST: `${name}-db-rw.infraforge-qa.svc`,
      DATABASE_NAME: `${name}s`,
      DATABASE_PASSWORD: `secret:${name}-db-app/password`,
    }));
    const wave = (app: string): number => Number(find(argo, 'Application', app).metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    expect(wave(`qa-${name}-service`)).toBeGreaterThan(wave(`qa-${name}-db`));
    // Nothing is rendered for it in the qa directory: the chart renders it in the cluster.
    expect(rendered.find((e) => e.name === 'qa')?.applications.map((a) => a.name)).not.toContain(`${name}-service`);
  });

  test('the notification service uses MongoDB and Kafka besides its database; product-service uses Redis and Elasticsearch', () => {
    const notification = byName(at(find(objects(rendered, 'dev', 'notification-service'), 'Deployment', 'notification-service'), 'spec.template.spec.containers.0.env') as EnvVar[]);
    expect(notification).toEqual(expect.objectContaining({
      DOCUMENTS_HOST: 'mongodb-svc.infraforge-dev.svc', DOCUMENTS_URI: 'secret:mongodb-notifications-notification-service/connectionString.standard',
      EVENTS_HOST: 'events-kafka-bootstrap.infraforge-dev', EVENTS_PORT: '9092',
    }));
    const product = byName(at(find(objects(rendered, 'dev', 'product-service'), 'Deployment', 'product-service'), 'spec.template.spec.containers.0.env') as EnvVar[]);
    expect(product).toEqual(expect.objectContaining({ CACHE_HOST: 'redis.infraforge-dev.svc', SEARCH_HOST: 'search-es-http.infraforge-dev.svc', SEARCH_PASSWORD: 'secret:search-es-elastic-user/elastic' }));
  });

  test('order, payment and notification services use RabbitMQ through the operator\'s default-user Secret', () => {
    for (const name of ['order', 'payment', 'notification']) {
      const env = byName(at(find(objects(rendered, 'dev', `${name}-service`), 'Deployment', `${name}-service`), 'spec.template.spec.containers.0.env') as EnvVar[]);
      expect(env).toEqual(expect.objectContaining({ BROKER_HOST: 'rabbitmq.infraforge-dev.svc', BROKER_PORT: '5672', BROKER_PASSWORD: 'secret:rabbitmq-default-user/password' }));
    }
  });

  test('MongoDB\'s application password is generated in the cluster from the cluster\'s password generator', () => {
    const secret = find(objects(rendered, 'dev', 'mongodb'), 'ExternalSecret', 'mongodb-notification-service-password');
    expect(at(secret, 'spec.dataFrom.0.sourceRef.generatorRef')).toEqual({ apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'ClusterGenerator', name: 'infraforge-passwords' });
    expect(at(find(objects(rendered, 'dev', 'mongodb'), 'MongoDBCommunity', 'mongodb'), 'spec.users.0.passwordSecretRef')).toEqual({ name: 'mongodb-notification-service-password', key: 'password' });
    expect(objects(rendered, 'nonprod', 'password-generator').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ClusterGenerator/infraforge-passwords']);
  });

  test('every stateful platform service claims its volumes through the cluster\'s local storage: one PersistentVolume per claim', () => {
    const volumes = objects(rendered, 'nonprod', 'local-storage').filter((o) => o.kind === 'PersistentVolume').map((v) => v.metadata.name);
    expect(volumes).toEqual(expect.arrayContaining([
      'infraforge-dev-product-db-1', 'infraforge-dev-data-redis-0', 'infraforge-dev-data-volume-mongodb-0', 'infraforge-dev-logs-volume-mongodb-0',
      'infraforge-dev-elasticsearch-data-search-es-default-0', 'infraforge-dev-data-events-dual-role-0', 'infraforge-dev-persistence-rabbitmq-server-0',
      'infraforge-staging-product-db-2', 'infraforge-staging-data-volume-mongodb-2', 'infraforge-staging-elasticsearch-data-search-es-default-2',
    ]));
    expect(new Set(volumes).size).toBe(volumes.length);
  });

  test('one environment moves a service to a newer chart release first (apps.<name>.chart.version)', () => {
    const early = defineEnvironment(base, {
      ...development, name: 'qa', stage: 'development', cluster: nonprod, namespace: 'infraforge-qa',
      defaults: { ...development.defaults, service: { delivery: 'chart' } }, apps: { 'order-service': { chart: { version: '1.0.1' } } },
    });
    const argo = objects(render([early]), 'qa', 'argocd');
    expect(at(find(argo, 'Application', 'qa-order-service'), 'spec.source.targetRevision')).toBe('1.0.1');
    expect(at(find(argo, 'Application', 'qa-user-service'), 'spec.source.targetRevision')).toBe('1.0.0');
  });

  test('the environment profile, then the entry override, layer over the catalog entry', () => {
    // catalog: 5 replicas, 500m/512Mi requested; development profile: 1 replica; staging's override: 5 replicas again
    const replicas = (dir: string): unknown => at(find(objects(rendered, dir, 'notification-service'), 'Deployment', 'notification-service'), 'spec.replicas');
    expect([replicas('dev'), replicas('staging')]).toEqual([1, 5]);
    expect(at(find(objects(rendered, 'staging', 'product-db'), 'Cluster', 'product-db'), 'spec.instances')).toBe(2);
    expect(at(find(objects(rendered, 'dev', 'product-db'), 'Cluster', 'product-db'), 'spec.instances')).toBe(1);
  });
});

describe('InfraForge: adding a microservice', () => {
  test('is one entry: it renders in every environment, wired to the platform service it uses, synced after it', () => {
    // GIVEN the catalog plus one service entry (and the same environments, defined over the extended catalog)
    const apps = infraforge.apps;
    const review = service({ ...{ port: 8080, healthCheck: { path: '/health' }, deliverAs: asMicroserviceChart }, image: { repository: 'ghcr.io/nimbusprotch/review-service', tag: 'v1.0.0' }, uses: { DATABASE: apps['product-db'] } });
    const extended = definePlatform({ name: 'infraforge', images: infraforge.images, apps: { ...apps, 'review-service': review }, source: 'examples/infraforge/platform.ts' });
    const shared = defineBase(extended, { namespace: 'infraforge', gitops: { repoURL: 'https://github.com/infraforge/voltran-rendered.git', branch: 'rendered' } });
    const cluster = defineCluster(shared, { name: 'nonprod', stage: 'staging', storage: { mode: 'dynamic', storageClassName: 'local-path' } });
    const envs = [
      defineEnvironment(shared, { ...development, name: 'dev', stage: 'development', cluster, namespace: 'infraforge-dev' }),
      defineEnvironment(shared, { ...development, name: 'qa', stage: 'development', cluster, namespace: 'infraforge-qa', defaults: { ...development.defaults, service: { delivery: 'chart' } } }),
    ];
    // WHEN
    const out = render(envs, extended);
    // THEN dev renders its workload, qa its chart Application, both after product-db
    const env = byName(at(find(objects(out, 'dev', 'review-service'), 'Deployment', 'review-service'), 'spec.template.spec.containers.0.env') as EnvVar[]);
    expect(env.DATABASE_HOST).toBe('product-db-rw.infraforge-dev.svc');
    const qaArgo = objects(out, 'qa', 'argocd');
    expect(at(find(qaArgo, 'Application', 'qa-review-service'), 'spec.source.repoURL')).toBe('oci://ghcr.io/nimbusprotch/microservice');
    const wave = (app: string): number => Number(find(qaArgo, 'Application', app).metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    expect(wave('qa-review-service')).toBeGreaterThan(wave('qa-product-db'));
    expect(validateEnvironments(out).errors).toEqual([]);
  });
});

describe('InfraForge refuses', () => {
  test('two environments colliding on the cluster (qa in dev\'s namespace), naming both', () => {
    // GIVEN a cluster with a dynamic provisioner (with local storage the volume claims collide first, below)
    const dynamic = defineCluster(base, { name: 'nonprod', stage: 'staging', storage: { mode: 'dynamic', storageClassName: 'local-path' } });
    const envs = ['dev', 'qa'].map((name) => defineEnvironment(base, { ...development, name, stage: 'development', cluster: dynamic, namespace: 'infraforge-dev' }));
    // WHEN the cluster is validated
    const errors = validateEnvironments(render(envs)).errors.filter((f) => f.rule === 'ref/duplicate-name');
    // THEN every object of the shared namespace collides, the Kafka cluster included
    expect(errors.map((f) => `${f.environment} ${f.kind}/${f.name}`)).toEqual(expect.arrayContaining(['qa Cluster/product-db', 'qa Kafka/events', 'qa MongoDBCommunity/mongodb']));
    expect(errors.find((f) => f.kind === 'Kafka')?.message).toBe("another Kafka named 'events' in namespace 'infraforge-dev' is rendered by application 'kafka' of environment 'dev' on the same cluster 'nonprod'");
  });

  test('two environments claiming the same local volumes on the cluster', () => {
    const clashing = defineEnvironment(base, { ...development, name: 'qa', stage: 'development', cluster: nonprod, namespace: 'infraforge-dev' });
    expect(failure(() => render([dev, clashing]))).toMatch(/claim 'infraforge-dev\/product-db-1' is registered twice/);
  });

  test('RabbitMQ with a StorageClass the cluster neither renders nor provides, naming the closest class', () => {
    // GIVEN a RabbitMQ whose volumes come from a misspelt class (a storage provider of its own)
    const typo = defineEntry({
      kind: 'rabbitmq', schema: RabbitmqClusterOptionsSchema, options: {},
      build: (context) => new RabbitmqCluster(context.chart({ podSecurity: 'baseline' }), 'rabbitmq', { image: { repository: 'rabbitmq', tag: '4.2.6-management' }, storage: new DynamicStorage('local-pth') }),
    });
    const platform = definePlatform({ name: 'infraforge', apps: { rabbitmq: typo }, source: 'examples/infraforge/platform.ts' });
    const shared = defineBase(platform, { namespace: 'infraforge', gitops: { repoURL: 'https://github.com/infraforge/voltran-rendered.git', branch: 'rendered' } });
    const cluster = defineCluster(shared, { name: 'nonprod', stage: 'staging', storage: { mode: 'dynamic', storageClassName: 'local-path' } });
    const env = defineEnvironment(shared, { name: 'dev', stage: 'development', cluster, namespace: 'infraforge-dev' });
    // WHEN the cluster is validated
    const errors = validateEnvironments(render([env], platform)).errors.filter((f) => f.rule === 'ref/storage');
    // THEN the claim's class is refused, with the cluster's class as the fix
    expect(errors.map((f) => `${f.kind}/${f.name} ${f.path}: ${f.message} Fix: ${f.fix}`)).toEqual([
      expect.stringMatching(/^RabbitmqCluster\/rabbitmq spec\.persistence\.storageClassName: persistence of RabbitmqCluster\/rabbitmq uses StorageClass 'local-pth', which is neither rendered in this environment nor provided by the cluster.* Fix: use 'local-path'$/),
    ]);
  });

  test('a service using a platform service that is not in the catalog', () => {
    const stray = postgresCluster({ databaseName: 'reports', image: { description: 'image', resolveIn: () => ({ repository: 'postgres', tag: '15.17' }) } });
    const reports = service({ image: { repository: 'ghcr.io/nimbusprotch/report-service', tag: 'v1.0.0' }, port: 8080, healthCheck: { path: '/health' }, uses: { DATABASE: stray } });
    const platform = definePlatform({ name: 'infraforge', apps: { 'report-service': reports }, source: 'examples/infraforge/platform.ts' });
    const env = defineEnvironment(platform, { name: 'dev', stage: 'development', gitops: { repoURL: 'https://github.com/infraforge/voltran-rendered.git', branch: 'rendered' } });
    const message = failure(() => render([env], platform));
    expect(message).toMatch(/examples\/infraforge\/platform\.ts, application 'report-service', field 'report-service': uses a postgresql entry, which is not in the platform's apps/);
  });

  test('chart values carrying a secret literal, naming the value\'s field and never the value', () => {
    const leaky = { chart: microserviceChart, values: (w: Parameters<typeof asMicroserviceChart.values>[0]) => ({ ...asMicroserviceChart.values(w), env: [{ name: 'API_KEY', value: 'k-12345' }] }) };
    const api = service({ image: { repository: 'ghcr.io/nimbusprotch/api', tag: 'v1.0.0' }, port: 8080, delivery: 'chart', deliverAs: leaky, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } } });
    const platform = definePlatform({ name: 'infraforge', apps: { api }, source: 'examples/infraforge/platform.ts' });
    const env = defineEnvironment(platform, { name: 'dev', stage: 'development', gitops: { repoURL: 'https://github.com/infraforge/voltran-rendered.git', branch: 'rendered' } });
    const message = failure(() => render([env], platform));
    expect(message).toMatch(/examples\/infraforge\/platform\.ts \(environment 'dev'\), application 'api', field 'values\.env\[0\]\.value': ChartApplication 'api': 'API_KEY' looks like a secret but carries a literal value in the chart's values/);
    expect(message).not.toMatch(/k-12345/);
  });

  test('a floating tag for a chart-delivered service in staging', () => {
    const staged = defineEnvironment(base, { ...production, name: 'staging', stage: 'staging', cluster: nonprod, namespace: 'infraforge-staging', defaults: { service: { delivery: 'chart' } }, images: { 'order-service': { tag: 'latest' } } });
    expect(failure(() => render([staged]))).toMatch(/application 'order-service', field 'images\.order-service\.tag': 'latest' is a floating tag[^]*\(stage 'staging'\)/);
  });

  test('chart delivery for a service whose entry names no chart', () => {
    const api = service({ image: { repository: 'ghcr.io/nimbusprotch/api', tag: 'v1.0.0' }, port: 8080 });
    const platform = definePlatform({ name: 'infraforge', apps: { api }, source: 'examples/infraforge/platform.ts' });
    const env = defineEnvironment(platform, { name: 'qa', stage: 'development', gitops: { repoURL: 'https://github.com/infraforge/voltran-rendered.git', branch: 'rendered' }, apps: { api: { delivery: 'chart' } } });
    expect(failure(() => render([env], platform))).toMatch(/application 'api'.*sets delivery 'chart', but its catalog entry names no chart to deliver it as/);
  });

  test('a workload setting a chart delivery would silently drop, naming the file and field that set it', () => {
    const chartQa = defineEnvironment(base, {
      ...development, name: 'qa', stage: 'development', cluster: nonprod, namespace: 'infraforge-qa',
      defaults: { ...development.defaults, service: { delivery: 'chart' } },
      apps: { 'user-service': { files: { '/app/config.yaml': 'level: debug' } } },
      source: 'examples/infraforge/environments/qa.ts',
    });
    expect(failure(() => render([chartQa]))).toMatch(/examples\/infraforge\/environments\/qa\.ts \(environment 'qa'\), application 'user-service', field 'apps\.user-service\.files': is a setting of the rendered workload; with delivery 'chart' the chart's values are computed from name, runtime, replicas, port, resources, env, secretEnv, healthCheck only/);
  });

  test('an unknown delivery, with the values allowed', () => {
    expect(() => defineEnvironment(base, { ...development, name: 'qa', stage: 'development', cluster: nonprod, namespace: 'infraforge-qa', apps: { 'user-service': { delivery: 'helm' as never } } }))
      .toThrow(ConfigError);
    expect(() => defineEnvironment(base, { ...development, name: 'qa', stage: 'development', cluster: nonprod, namespace: 'infraforge-qa', apps: { 'user-service': { delivery: 'helm' as never } } }))
      .toThrow(/field 'apps\.user-service\.delivery'.*Fix: use 'rendered' or 'chart'/);
  });
});
