/**
 * The event platform (examples/event-platform): tenants from the environment file, the traffic their network
 * policies admit, the derived sync order, and the mistakes a user of the platform can make.
 */
import * as path from 'node:path';
import type { App } from 'cdk8s';
import { base, prod as prodEnvironment } from '../examples/event-platform/environments';
import { eventPlatform } from '../examples/event-platform/platform';
import { AnyPlatform, camelIntegrations, defineEnvironment, definePlatform, defineImages, EnvironmentConfig, helmChart, kafkaPlatform, platformBuild } from '../tools/kit';
import { renderApp, RenderedEnvironment } from '../tools/synth/render';
import { validateEnvironments } from '../tools/validate';
import { NetworkPolicies } from './support/network-policy';
import { at, findObject, Manifest, objectsOf } from './helpers';

function render(environments: readonly EnvironmentConfig[], platform: AnyPlatform = eventPlatform): RenderedEnvironment[] {
  const out: RenderedEnvironment[] = [];
  // The kit's build is a generator (synchronous); the type also admits asynchronous sources.
  for (const app of platformBuild(platform, environments)('dist') as Iterable<App>) out.push(...renderApp(app));
  return out;
}

function objects(env: RenderedEnvironment, application?: string): Manifest[] {
  return objectsOf(env).filter((o) => application === undefined || o.application === application).map((o) => o.object);
}

const dev = (users: Record<string, object> = {}): EnvironmentConfig => defineEnvironment(base, {
  name: 'dev', stage: 'development', source: 'examples/event-platform/environments/dev.ts',
  storage: { mode: 'dynamic', storageClassName: 'standard' },
  apps: { kafka: { nodePools: { mode: 'dual-role', nodes: 3 } }, tenants: { users } },
});

describe('event platform', () => {
  const [plain] = render([dev()]) as [RenderedEnvironment];
  // One line in the environment file: `dave: {}`.
  const [withDave] = render([dev({ dave: {} })]) as [RenderedEnvironment];

  test('adding a tenant is one line: its namespace, quota, limits, policies, RBAC and IntegrationPlatform are rendered', () => {
    const before = objects(plain, 'tenants').filter((o) => o.metadata.name === 'user-dave' || o.metadata.namespace === 'user-dave');
    expect(before).toEqual([]);
    const dave = objects(withDave, 'tenants').filter((o) => o.metadata.name === 'user-dave' || o.metadata.namespace === 'user-dave');
    expect(dave.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/camel-k-maven-settings',
      'IntegrationPlatform/camel-k',
      'LimitRange/tenant-limits',
      'Namespace/user-dave',
      'NetworkPolicy/allow-egress',
      'NetworkPolicy/allow-ingress',
      'NetworkPolicy/default-deny',
      'ResourceQuota/tenant-quota',
      'Role/tenant-user',
      'RoleBinding/tenant-user',
      'ServiceAccount/user-sa',
    ]);
    const quota = dave.find((o) => o.kind === 'ResourceQuota') as Manifest;
    expect(at(quota, 'spec.hard')).toEqual({ 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', 'limits.memory': '16Gi', 'persistentvolumeclaims': 10, 'services': 10, 'pods': 20 });
    // The base's tenants are still there.
    expect(objects(withDave, 'tenants').filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['user-alice', 'user-bob', 'user-dave']);
  });

  test('an environment adds tenants and changes one tenant\'s quota over the base (prod: carol, and 40 pods for bob)', () => {
    const prod = render([prodEnvironment]);
    const tenants = objects(prod[0] as RenderedEnvironment, 'tenants');
    expect(tenants.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['user-alice', 'user-bob', 'user-carol']);
    const quota = (ns: string): unknown => at(tenants.find((o) => o.kind === 'ResourceQuota' && o.metadata.namespace === ns), 'spec.hard.pods');
    expect([quota('user-alice'), quota('user-bob'), quota('user-carol')]).toEqual([20, 40, 20]);
  });

  test('prod: one local PersistentVolume per RabbitMQ node, each on its own worker, and validation counts their claims', () => {
    const [prod] = render([prodEnvironment]) as [RenderedEnvironment];
    const volumes = objects(prod, 'local-storage').filter((o) => o.kind === 'PersistentVolume' && (at(o, 'spec.claimRef.namespace') === 'rabbitmq'));
    expect(volumes.map((v) => [at(v, 'spec.claimRef.name'), at(v, 'spec.nodeAffinity.required.nodeSelectorTerms.0.matchExpressions.0.values.0'), at(v, 'spec.capacity.storage')])).toEqual([
      ['persistence-rabbitmq-cluster-server-0', 'worker-1', '10Gi'],
      ['persistence-rabbitmq-cluster-server-1', 'worker-2', '10Gi'],
      ['persistence-rabbitmq-cluster-server-2', 'worker-3', '10Gi'],
    ]);
    expect(at(findObject(objects(prod, 'rabbitmq'), 'RabbitmqCluster'), 'spec.persistence.storageClassName')).toBe('local-storage');
    // A volume nothing claims is an error, so 0 errors means validation sees the RabbitmqCluster's claims.
    expect(validateEnvironments([prod]).errors.map((f) => `${f.kind}/${f.name} ${f.rule}: ${f.message}`)).toEqual([]);
  });

  test('tenant defaults apply to every user, a user\'s own settings win key by key', () => {
    const env = defineEnvironment(base, {
      name: 'dev', stage: 'development', source: 'examples/event-platform/environments/dev.ts',
      storage: { mode: 'dynamic', storageClassName: 'standard' },
      apps: { kafka: { nodePools: { mode: 'dual-role', nodes: 3 } }, tenants: { defaults: { quota: { requests: { cpu: '6' }, pods: 30 } }, users: { bob: { quota: { requests: { memory: '12Gi' } } } } } },
    });
    const tenants = objects(render([env])[0] as RenderedEnvironment, 'tenants');
    const hard = (ns: string): unknown => at(tenants.find((o) => o.kind === 'ResourceQuota' && o.metadata.namespace === ns), 'spec.hard');
    expect(hard('user-alice')).toEqual(expect.objectContaining({ 'requests.cpu': '6', 'requests.memory': '8Gi', 'pods': 30 }));
    expect(hard('user-bob')).toEqual(expect.objectContaining({ 'requests.cpu': '6', 'requests.memory': '12Gi', 'pods': 30 }));
  });

  describe('the rendered network policies admit exactly the declared traffic', () => {
    const policies = new NetworkPolicies(objects(plain));
    const alice = { namespace: 'user-alice', labels: { 'app.kubernetes.io/name': 'worker' } };
    const broker = { namespace: 'kafka', labels: { 'strimzi.io/cluster': 'event-cluster', 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true', 'strimzi.io/name': 'event-cluster-kafka' } };
    const rabbit = { namespace: 'rabbitmq', labels: { 'app.kubernetes.io/name': 'rabbitmq-cluster', 'app.kubernetes.io/component': 'rabbitmq', 'app.kubernetes.io/part-of': 'rabbitmq' } };
    const postgresPod = findObject(objects(plain, 'backstage'), 'StatefulSet', 'backstage-postgres');
    const postgres = { namespace: 'backstage', labels: at(postgresPod, 'spec.template.metadata.labels') as Record<string, string> };
    const backstagePod = { namespace: 'backstage', labels: at(findObject(objects(plain, 'backstage'), 'Deployment', 'backstage'), 'spec.template.metadata.labels') as Record<string, string> };
    const cases: [string, Parameters<NetworkPolicies['allows']>[0], boolean][] = [
      ['tenant -> Kafka 9092', { from: alice, to: broker, port: 9092 }, true],
      ['tenant -> Kafka 9093', { from: alice, to: broker, port: 9093 }, true],
      ['tenant -> RabbitMQ 5672', { from: alice, to: rabbit, port: 5672 }, true],
      ['tenant -> RabbitMQ 15672', { from: alice, to: rabbit, port: 15672 }, true],
      ['tenant -> RabbitMQ streams 5552 (not declared for tenants)', { from: alice, to: rabbit, port: 5552 }, false],
      ['tenant -> Kafka controller pods', { from: alice, to: { namespace: 'kafka', labels: { 'strimzi.io/cluster': 'event-cluster', 'strimzi.io/kind': 'Kafka', 'strimzi.io/controller-role': 'true', 'strimzi.io/broker-role': 'false' } }, port: 9090 }, false],
      ['tenant -> other tenant', { from: alice, to: { namespace: 'user-bob', labels: { 'app.kubernetes.io/name': 'worker' } }, port: 8080 }, false],
      ['other tenant -> tenant', { from: { namespace: 'user-bob', labels: {} }, to: alice, port: 8080 }, false],
      ['tenant -> PostgreSQL of Backstage', { from: alice, to: postgres, port: 5432 }, false],
      ['Backstage -> its PostgreSQL', { from: backstagePod, to: postgres, port: 5432 }, true],
      ['Backstage -> tenant', { from: backstagePod, to: alice, port: 8080 }, true],
      ['tenant -> HTTPS outside the cluster', { from: alice, to: { ip: '93.184.216.34' }, port: 443 }, true],
    ];
    test.each(cases)('%s', (_what, flow, allowed) => {
      expect(policies.allows(flow)).toBe(allowed);
    });
  });

  test('sync waves follow the seed: operators, then Kafka / RabbitMQ / Camel K, then Backstage, then the tenants', () => {
    const wave = (app: string): number => Number(findObject(objects(plain, 'argocd'), 'Application', `dev-${app}`).metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    const operators = Math.max(wave('strimzi-operator'), wave('rabbitmq-operator'), wave('camel-k-operator'));
    expect(wave('namespaces')).toBeLessThan(operators);
    expect(Math.min(wave('kafka'), wave('rabbitmq'), wave('camel-integrations'))).toBeGreaterThan(operators);
    expect(wave('backstage')).toBeGreaterThan(Math.max(wave('kafka'), wave('rabbitmq'), wave('camel-integrations')));
    expect(wave('tenants')).toBeGreaterThan(wave('backstage'));
  });

  test('operators run in namespace operators as pinned charts: Strimzi watching kafka, RabbitMQ watching rabbitmq, Camel K every namespace', () => {
    const apps = objects(plain, 'argocd').filter((o) => o.kind === 'Application');
    const source = (app: string): Record<string, unknown> => at(apps.find((a) => a.metadata.name === `dev-${app}`), 'spec.source') as Record<string, unknown>;
    const destination = (app: string): unknown => at(apps.find((a) => a.metadata.name === `dev-${app}`), 'spec.destination.namespace');
    for (const app of ['strimzi-operator', 'rabbitmq-operator', 'camel-k-operator']) expect(destination(app)).toBe('operators');
    expect([source('strimzi-operator').chart, source('strimzi-operator').targetRevision]).toEqual(['strimzi-kafka-operator', '1.2.0']);
    expect(at(source('strimzi-operator'), 'helm.valuesObject.watchNamespaces')).toEqual(['kafka']);
    // A chart in an OCI registry: Argo CD's native OCI source (oci://<registry>/<chart>, path '.').
    expect([source('rabbitmq-operator').repoURL, source('rabbitmq-operator').path, source('rabbitmq-operator').targetRevision]).toEqual(['oci://registry-1.docker.io/cloudpirates/rabbitmq-cluster-operator', '.', '0.6.5']);
    expect(at(source('rabbitmq-operator'), 'helm.valuesObject.clusterOperator')).toEqual({ watchAllNamespaces: false, watchNamespaces: ['rabbitmq'] });
    expect([source('camel-k-operator').chart, source('camel-k-operator').targetRevision]).toEqual(['camel-k', '2.10.1']);
    expect(at(source('camel-k-operator'), 'helm.valuesObject.operator.global')).toBe('true');
  });

  test('an environment turning on SCRAM-SHA-512 gets a KafkaUser for each integration that asks for one, with its ACLs', () => {
    const scram = defineEnvironment(base, {
      name: 'dev', stage: 'development', source: 'examples/event-platform/environments/dev.ts',
      storage: { mode: 'dynamic', storageClassName: 'standard' },
      apps: { kafka: { nodePools: { mode: 'dual-role', nodes: 3 }, authentication: 'scram-sha-512' } },
    });
    const [env] = render([scram]) as [RenderedEnvironment];
    const users = objects(env, 'camel-integrations').filter((o) => o.kind === 'KafkaUser');
    expect(users.map((u) => `${u.metadata.namespace}/${u.metadata.name}`)).toEqual(['kafka/event-sourcing', 'kafka/http-webhook', 'kafka/kafka-rabbitmq-bridge', 'kafka/transformer']);
    expect(at(users.find((u) => u.metadata.name === 'http-webhook'), 'spec.authorization.acls')).toEqual([{ resource: { type: 'topic', name: 'events', patternType: 'literal' }, operations: ['Write', 'Describe'] }]);
    const webhook = findObject(objects(env, 'camel-integrations'), 'Integration', 'http-webhook');
    expect(at(webhook, 'spec.traits.camel.properties')).toEqual(expect.arrayContaining(['camel.component.kafka.sasl-mechanism=SCRAM-SHA-512', 'camel.component.kafka.security-protocol=SASL_PLAINTEXT', 'kafka.user=http-webhook']));
    // The User Operator's Secret is copied next to the integrations by Reflector, run (only) because it is used.
    expect(at(users[0], 'spec.template.secret.metadata.annotations')).toEqual(expect.objectContaining({ 'reflector.v1.k8s.emberstack.com/reflection-auto-namespaces': 'camelk' }));
    const argo = objects(env, 'argocd').filter((o) => o.kind === 'Application').map((o) => o.metadata.name);
    expect(argo).toContain('dev-reflector');
    expect(validateEnvironments([env]).errors.map((f) => `${f.kind}/${f.name} ${f.rule}: ${f.message}`)).toEqual([]);
    expect(objects(plain, 'argocd').map((o) => o.metadata.name)).not.toContain('dev-reflector');
    // Backstage's Kafka plugin gets a user of its own: Describe on every topic and group, its password from the reflected Secret.
    const portal = objects(env, 'backstage');
    expect(at(findObject(portal, 'KafkaUser', 'backstage-event-cluster'), 'spec.authorization.acls')).toEqual([
      { resource: { type: 'topic', name: '*', patternType: 'literal' }, operations: ['Describe'] },
      { resource: { type: 'group', name: '*', patternType: 'literal' }, operations: ['Describe'] },
    ]);
    const container = at(findObject(portal, 'Deployment', 'backstage'), 'spec.template.spec.containers.0') as { env: { name: string; valueFrom?: unknown }[] };
    expect(container.env.find((e) => e.name === 'KAFKA_PASSWORD_EVENT_CLUSTER')?.valueFrom).toEqual({ secretKeyRef: { name: 'backstage-event-cluster', key: 'password' } });
    const files = findObject(portal, 'ConfigMap', 'backstage-files');
    expect(Object.values(files.data as Record<string, string>)[0]).toContain('sasl:\n        mechanism: scram-sha-512\n        password: ${KAFKA_PASSWORD_EVENT_CLUSTER}\n        username: backstage-event-cluster');
    // Without authentication (the examples' environments) no user is rendered.
    expect(objects(plain).filter((o) => o.kind === 'KafkaUser')).toEqual([]);
  });

  test('the JMX exporter\'s rules ConfigMap is rendered beside the cluster and referenced by it', () => {
    const kafka = objects(plain, 'kafka');
    expect(at(findObject(kafka, 'Kafka', 'event-cluster'), 'spec.kafka.metricsConfig.valueFrom.configMapKeyRef')).toEqual({ name: 'event-cluster-kafka-metrics', key: 'kafka-metrics-config.yml' });
    expect(findObject(kafka, 'ConfigMap', 'event-cluster-kafka-metrics').metadata.namespace).toBe('kafka');
  });

  describe('mistakes', () => {
    test('a tenant quota below its own LimitRange defaults names the environment file and the field', () => {
      expect(() => render([dev({ dave: { quota: { requests: { memory: '64Mi' } } } })]))
        .toThrow(/examples\/event-platform\/environments\/dev.ts.*application 'tenants', field 'apps.tenants.users.dave.quota.requests.memory': .*the quota's memory requests 64Mi are below the LimitRange's default request 128Mi/s);
    });

    test('a misspelt tenant setting and an invalid user name are refused where the environment file writes them', () => {
      expect(() => dev({ dave: { qouta: { pods: 5 } } })).toThrow(/examples\/event-platform\/environments\/dev.ts.*field 'apps.tenants.users.dave.qouta': is not a setting of users.dave.*allowed here: quota, limits, podSecurity/s);
      expect(() => dev({ Dave: {} })).toThrow(/field 'apps.tenants.users.Dave': 'user-Dave' must be a DNS-1123 label/);
    });

    test('RabbitMQ replicas that local storage cannot place on distinct nodes in production', () => {
      const prod = defineEnvironment(base, {
        name: 'prod', stage: 'production', source: 'examples/event-platform/environments/prod.ts',
        images: { backstage: { tag: '1.0.0' } },
        storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['worker-1', 'worker-2'] },
      });
      expect(() => render([prod])).toThrow(/the 3 replicas of 'rabbitmq\/rabbitmq-cluster' would have their volumes on 2 nodes \(worker-1, worker-2\)/);
    });

    test('an integration referencing a topic the Kafka cluster does not define', () => {
      const kafka = kafkaPlatform({ name: 'event-cluster', namespace: 'kafka', topics: { events: {} } });
      const camelK = helmChart({ repoURL: 'https://apache.github.io/camel-k/charts/', chart: 'camel-k', version: '2.10.1', namespace: 'operators' });
      const platform = definePlatform({
        name: 'typo', images: defineImages({}),
        apps: {
          'camel-k-operator': camelK,
          kafka,
          integrations: camelIntegrations({
            namespace: 'camelk', operator: camelK, kafka,
            // `orders` is not a topic of the catalog: a compile error here, and at run time:
            integrations: { bridge: { source: { file: path.join(__dirname, 'fixtures/camel/bridge.yaml') }, topics: { events: kafka.topic('orders' as 'events') } } },
          }),
        },
      });
      const env = defineEnvironment(platform, { name: 'dev', stage: 'development', source: 'environments/dev.ts', namespace: 'operators', storage: { mode: 'dynamic', storageClassName: 'standard' }, gitops: { repoURL: 'https://github.com/acme/typo.git', branch: 'rendered' } });
      expect(() => render([env], platform)).toThrow(/application 'integrations'.*uses topic 'orders', which Kafka cluster 'event-cluster' does not define \(topics: events\)/s);
    });
  });
});
