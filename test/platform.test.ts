/**
 * What the reference platform (HealthXcape) renders in every environment: services with their databases,
 * the Kafka platform, and the Argo CD app of apps.
 */
import { apiGroupOf, isClusterScoped } from '../constructs';
import { applicationOptions } from '../tools/kit';
import { allObjects, at, environments, Json, Manifest, renderEnvironment } from './helpers';

const SERVICE_NAMES = ['identity-service', 'user-service', 'blog-service'] as const;

describe.each(environments.map((env) => [env.name, env] as const))('%s', (_name, env) => {
  const database = applicationOptions(env, 'identity-service').value.database as { engine?: string; instances?: number };
  const postgres = { engine: database.engine ?? 'statefulset', instances: database.instances ?? 1 };
  const storage = env.cluster.storage;
  const rendered = renderEnvironment(env);
  const objects = allObjects(env);
  const inApp = (app: string): Manifest[] => objects.filter((o) => o.application === app).map((o) => o.object);
  const find = (kind: string, name: string): Manifest | undefined => objects.find((o) => o.object.kind === kind && o.object.metadata.name === name)?.object;

  describe('backend services', () => {
    test.each(SERVICE_NAMES.map((s) => [s]))('%s renders its Deployment, Service, ConfigMap and its own PostgreSQL', (service) => {
      const kinds = inApp(service).map((o) => `${o.kind}/${o.metadata.name}`);
      expect(kinds).toEqual(expect.arrayContaining([`Deployment/${service}`, `Service/${service}`, `ConfigMap/${service}-config`]));
      if (postgres.engine === 'statefulset') {
        expect(kinds).toEqual(expect.arrayContaining([`StatefulSet/${service}-postgres`, `Service/${service}-postgres`]));
      } else {
        expect(kinds).toContain(`Cluster/${service}-postgres`);
      }
    });

    test('only identity-service has Redis', () => {
      const redis = objects.filter((o) => o.object.kind === 'Deployment' && o.object.metadata.name.endsWith('-redis')).map((o) => o.application);
      expect(redis).toEqual(['identity-service']);
    });

    test('each database volume has a PersistentVolume reserved for it when local storage is on', () => {
      const volumes = objects.filter((o) => o.object.kind === 'PersistentVolume').map((o) => at(o.object, 'spec.claimRef') as Json);
      if (storage?.mode === 'dynamic') {
        expect(volumes).toEqual([]);
        return;
      }
      const expected = SERVICE_NAMES.flatMap((s) => postgres.engine === 'statefulset'
        ? [`healthxcape/data-${s}-postgres-0`]
        : Array.from({ length: postgres.instances }, (_, i) => `healthxcape/${s}-postgres-${i + 1}`));
      expect(volumes.map((c) => `${String(c.namespace)}/${String(c.name)}`)).toEqual(expect.arrayContaining(expected));
    });

    test('the reference node ports are exposed in dev only', () => {
      const nodePorts = SERVICE_NAMES.map((s) => at(find('Service', s), 'spec.ports.0.nodePort'));
      expect(nodePorts).toEqual(env.name === 'dev' ? [30083, 30084, 30085] : [undefined, undefined, undefined]);
    });
  });

  describe('Kafka', () => {
    test('renders the cluster, its node pools and the four topics as kafka.strimzi.io/v1 objects', () => {
      const kafka = inApp('kafka');
      expect(kafka.every((o) => o.apiVersion === 'kafka.strimzi.io/v1')).toBe(true);
      expect(kafka.filter((o) => o.kind === 'Kafka').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['kafka/platform-kafka']);
      expect(kafka.filter((o) => o.kind === 'KafkaTopic').map((o) => at(o, 'spec.topicName')).sort()).toEqual(['blog.events', 'identity.events', 'platform-dlq', 'user.events']);
      expect(kafka.filter((o) => o.kind === 'KafkaNodePool').length).toBeGreaterThan(0);
    });

    test('every service\'s KAFKA_BROKERS is the rendered cluster\'s bootstrap address', () => {
      const cluster = find('Kafka', 'platform-kafka') as Manifest;
      const plain = (at(cluster, 'spec.kafka.listeners') as Json[]).find((l) => l.name === 'plain') as Json;
      const bootstrap = `${cluster.metadata.name}-kafka-bootstrap.${String(cluster.metadata.namespace)}:${String(plain.port)}`;
      expect(bootstrap).toBe('platform-kafka-kafka-bootstrap.kafka:9092');
      for (const service of SERVICE_NAMES) expect(at(find('ConfigMap', `${service}-config`), 'data.KAFKA_BROKERS')).toBe(bootstrap);
    });

    test('the reference topic contract: user-service consumes identity.events in user-service-group', () => {
      expect(at(find('ConfigMap', 'user-service-config'), 'data')).toEqual(expect.objectContaining({
        KAFKA_CONSUMER_GROUP_ID: 'user-service-group', KAFKA_TOPIC_IDENTITY_EVENTS: 'identity.events', KAFKA_TOPIC_USER_EVENTS: 'user.events',
      }));
      expect(at(find('ConfigMap', 'identity-service-config'), 'data.KAFKA_TOPIC_IDENTITY_EVENTS')).toBe('identity.events');
      expect(at(find('ConfigMap', 'blog-service-config'), 'data.KAFKA_TOPIC_BLOG_EVENTS')).toBe('blog.events');
    });

    test('topic replicas never exceed the brokers', () => {
      const pools = inApp('kafka').filter((o) => o.kind === 'KafkaNodePool');
      const brokers = pools.filter((p) => (at(p, 'spec.roles') as string[]).includes('broker')).reduce((n, p) => n + (at(p, 'spec.replicas') as number), 0);
      for (const topic of inApp('kafka').filter((o) => o.kind === 'KafkaTopic')) {
        const replicas = at(topic, 'spec.replicas') as number;
        const minInsync = (at(topic, 'spec.config') as Record<string, number>)['min.insync.replicas'];
        expect(replicas).toBeLessThanOrEqual(brokers);
        expect(minInsync).toBe(replicas === 1 ? 1 : Math.min(minInsync as number, replicas - 1));
      }
    });

    test(env.name === 'prod' ? 'prod: at least 3 brokers, topic replicas 3, min.insync.replicas 2' : 'runs at least one broker', () => {
      const pools = inApp('kafka').filter((o) => o.kind === 'KafkaNodePool');
      const brokers = pools.filter((p) => (at(p, 'spec.roles') as string[]).includes('broker')).reduce((n, p) => n + (at(p, 'spec.replicas') as number), 0);
      const topics = inApp('kafka').filter((o) => o.kind === 'KafkaTopic');
      if (env.name !== 'prod') {
        expect(brokers).toBeGreaterThanOrEqual(1);
        return;
      }
      expect(brokers).toBeGreaterThanOrEqual(3);
      expect(pools.map((p) => at(p, 'spec.roles'))).toEqual([['broker'], ['controller']]);
      for (const topic of topics) {
        expect(at(topic, 'spec.replicas')).toBe(3);
        expect((at(topic, 'spec.config') as Record<string, number>)['min.insync.replicas']).toBe(2);
      }
      expect(at(find('Kafka', 'platform-kafka'), 'spec.kafka.config')).toEqual(expect.objectContaining({ 'min.insync.replicas': 2, 'default.replication.factor': 3 }));
    });
  });

  describe('Argo CD', () => {
    const argo = inApp('argocd');
    const applications = argo.filter((o) => o.kind === 'Application');
    const directories = rendered.applications.map((a) => a.name);

    test('one root Application for dist/<env>/argocd and one Application per other directory, each pointing at its own path', () => {
      const root = applications.find((a) => a.metadata.name === `${env.name}-root`) as Manifest;
      expect(at(root, 'spec.source.path')).toBe(`${env.name}/argocd`);
      const paths = applications.filter((a) => a !== root && at(a, 'spec.source.path') !== undefined).map((a) => at(a, 'spec.source.path'));
      expect(paths.sort()).toEqual(directories.filter((d) => d !== 'argocd').map((d) => `${env.name}/${d}`).sort());
      for (const a of applications) {
        expect(at(a, 'spec.source.repoURL')).toBeDefined();
        const path = at(a, 'spec.source.path') as string | undefined;
        if (path) expect(directories).toContain(path.split('/')[1]);
      }
    });

    test('operators are delivered as pinned upstream Helm charts', () => {
      const helm = applications.filter((a) => at(a, 'spec.source.chart') !== undefined);
      const expected = postgres.engine === 'cloudnative-pg' ? ['cloudnative-pg', 'strimzi-kafka-operator'] : ['strimzi-kafka-operator'];
      expect(helm.map((a) => at(a, 'spec.source.chart')).sort()).toEqual(expected);
      const strimzi = helm.find((a) => at(a, 'spec.source.chart') === 'strimzi-kafka-operator') as Manifest;
      expect(at(strimzi, 'spec.source.targetRevision')).toBe('1.2.0');
      expect(at(strimzi, 'spec.source.repoURL')).toBe(applicationOptions(env, 'strimzi-operator').value.repoURL ?? 'https://strimzi.io/charts/');
    });

    test('sync waves follow the dependency order: storage and operators, then Kafka, then services, then the frontend', () => {
      const wave = (app: string): number => Number(applications.find((a) => a.metadata.labels?.application === app)?.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
      for (const a of applications.filter((x) => !x.metadata.name.endsWith('-root'))) {
        expect(a.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toMatch(/^-?\d+$/);
      }
      expect(wave('strimzi-operator')).toBeLessThan(wave('kafka'));
      if (storage?.mode === 'local') expect(wave('local-storage')).toBeLessThan(wave('kafka'));
      for (const s of SERVICE_NAMES) {
        expect(wave('kafka')).toBeLessThan(wave(s));
        expect(wave(s)).toBeLessThan(wave('frontend'));
        if (postgres.engine === 'cloudnative-pg') expect(wave('cnpg-operator')).toBeLessThan(wave(s));
      }
      expect(wave('namespaces')).toBe(0);
    });

    test('the AppProject allows exactly what the environment renders, and nothing of Argo CD', () => {
      const project = argo.find((o) => o.kind === 'AppProject' && o.metadata.name === `${env.platform.name}-${env.name}`) as Manifest;
      // Everything but the Argo CD directory, which only the root Application (bootstrap project) deploys.
      const all = objects.filter((o) => o.application !== 'argocd').map((o) => o.object);
      const server = env.gitops.destinationServer;
      const clusterKinds = new Set(['/Namespace']);
      const namespaces = new Set<string>();
      for (const o of all) {
        if (isClusterScoped(o.apiVersion, o.kind)) clusterKinds.add(`${apiGroupOf(o.apiVersion)}/${o.kind}`);
        else namespaces.add(String(o.metadata.namespace));
      }
      const repos = new Set<string>();
      for (const a of applications.filter((x) => x.metadata.name !== `${env.name}-root`)) {
        expect(at(a, 'spec.project')).toBe(project.metadata.name);
        repos.add(at(a, 'spec.source.repoURL') as string);
        namespaces.add(at(a, 'spec.destination.namespace') as string);
      }
      for (const a of applications.filter((x) => at(x, 'spec.source.chart') !== undefined)) {
        for (const kind of ['apiextensions.k8s.io/CustomResourceDefinition', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding']) clusterKinds.add(kind);
        if (at(a, 'spec.source.chart') === 'cloudnative-pg') {
          clusterKinds.add('admissionregistration.k8s.io/MutatingWebhookConfiguration');
          clusterKinds.add('admissionregistration.k8s.io/ValidatingWebhookConfiguration');
        }
      }
      expect(new Set((at(project, 'spec.clusterResourceWhitelist') as Json[]).map((k) => `${String(k.group)}/${String(k.kind)}`))).toEqual(clusterKinds);
      expect(new Set((at(project, 'spec.destinations') as Json[]).map((d) => `${String(d.server)} ${String(d.namespace)}`))).toEqual(new Set([...namespaces].map((n) => `${server} ${n}`)));
      expect(new Set(at(project, 'spec.sourceRepos') as string[])).toEqual(repos);
      expect(namespaces.has(env.gitops.argocdNamespace)).toBe(false);
      expect(at(project, 'spec.namespaceResourceBlacklist')).toEqual([{ group: 'argoproj.io', kind: 'AppProject' }, { group: 'argoproj.io', kind: 'Application' }, { group: 'argoproj.io', kind: 'ApplicationSet' }]);
    });

    test('the root Application has a project of its own, allowed only Argo CD objects in Argo CD\'s namespace', () => {
      const root = applications.find((a) => a.metadata.name === `${env.name}-root`) as Manifest;
      const bootstrap = argo.find((o) => o.kind === 'AppProject' && o.metadata.name === at(root, 'spec.project')) as Manifest;
      expect(bootstrap.metadata.name).toBe(`${env.platform.name}-${env.name}-bootstrap`);
      expect(bootstrap.spec).toEqual({
        description: expect.any(String) as unknown,
        sourceRepos: [env.gitops.repoURL],
        destinations: [{ server: env.gitops.destinationServer, namespace: env.gitops.argocdNamespace }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'AppProject' }, { group: 'argoproj.io', kind: 'Application' }, { group: 'argoproj.io', kind: 'ApplicationSet' }],
      });
      // Everything the root deploys is an Argo CD object in Argo CD's namespace.
      for (const o of argo) expect([o.apiVersion, o.metadata.namespace]).toEqual(['argoproj.io/v1alpha1', env.gitops.argocdNamespace]);
    });

    test('deleting the root or an operator chart never cascades; deleting a rendered application does', () => {
      for (const a of applications) {
        const cascades = a.metadata.name !== `${env.name}-root` && at(a, 'spec.source.chart') === undefined;
        expect({ app: a.metadata.name, finalizers: at(a, 'metadata.finalizers') }).toEqual({ app: a.metadata.name, finalizers: cascades ? ['resources-finalizer.argocd.argoproj.io'] : undefined });
      }
    });

    test('custom resources whose CRDs come from another Application skip the dry run', () => {
      const options = (app: string): string[] => at(applications.find((a) => a.metadata.labels?.application === app), 'spec.syncPolicy.syncOptions') as string[];
      expect(options('kafka')).toContain('SkipDryRunOnMissingResource=true');
      expect(options('frontend')).not.toContain('SkipDryRunOnMissingResource=true');
      for (const s of SERVICE_NAMES) {
        expect(options(s).includes('SkipDryRunOnMissingResource=true')).toBe(postgres.engine === 'cloudnative-pg');
      }
    });
  });

  test('no rendered object contains a password, token or Secret data', () => {
    const text = JSON.stringify(objects.map((o) => o.object));
    expect(objects.some((o) => o.object.kind === 'Secret')).toBe(false);
    expect(text).not.toMatch(/"(password|token|secret)"\s*:\s*"(?!\{\{)[^"]+"/i);
    for (const { object } of objects) {
      for (const [key, value] of Object.entries(((object as Json).data ?? {}) as Record<string, string>)) {
        expect({ key, secretLike: /PASSWORD|TOKEN|SECRET/.test(key) }).toEqual({ key, secretLike: false });
        expect(value).not.toMatch(/:\/\/[^/@\s]+:[^/@\s]+@/);
      }
    }
  });
});
