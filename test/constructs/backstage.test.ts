import { parse } from 'yaml';
import { ApplicationChart, Backstage, BackstageProps, DynamicStorage, KafkaPlatform, RabbitmqCluster } from '../../constructs';
import { applicationChart, at, findObject, findObjects, Json, Manifest, synth } from '../helpers';

const storage = new DynamicStorage('standard');
const image = { repository: 'ghcr.io/acme/backstage', tag: '1.0.0' };
const postgresImage = { repository: 'postgres', tag: '15.17-alpine' };

function render(override: Partial<BackstageProps> = {}): { chart: ApplicationChart; kafkaChart: ApplicationChart; objects: Manifest[]; backstage: Backstage } {
  const { app, chart } = applicationChart('backstage', { namespace: 'backstage' });
  const kafkaChart = new ApplicationChart(app, 'kafka', { context: chart.context, namespace: 'kafka', version: '1' });
  const kafka = new KafkaPlatform(kafkaChart, 'event-cluster', { storage });
  const backstage = new Backstage(chart, 'backstage', { image, postgresImage, storage, kafka: [kafka], ...override });
  return { chart, kafkaChart, objects: synth(chart), backstage };
}

function appConfig(objects: readonly Manifest[]): Json {
  const files = findObjects(objects, 'ConfigMap').find((c) => Object.keys((c.data ?? {}) as Json).some((k) => k.includes('app-config')));
  const text = Object.values((files?.data ?? {}) as Record<string, string>)[0] as string;
  return parse(text) as Json;
}

describe('Backstage', () => {
  test('renders the backend on 7007 with its app-config mounted from a ConfigMap and its own PostgreSQL 15 of 5Gi', () => {
    // GIVEN / WHEN
    const { objects, backstage } = render();
    // THEN
    const deployment = findObject(objects, 'Deployment', 'backstage');
    const container = at(deployment, 'spec.template.spec.containers.0') as Json;
    expect(container.image).toBe('ghcr.io/acme/backstage:1.0.0');
    expect(at(container, 'ports.0.containerPort')).toBe(7007);
    expect(JSON.stringify(container.volumeMounts)).toContain('/app/app-config.production.yaml');
    expect(at(container, 'readinessProbe.httpGet.path')).toBe('/.backstage/health/v1/readiness');
    const env = container.env as { name: string; valueFrom?: Json }[];
    expect(env.find((e) => e.name === 'POSTGRES_PASSWORD')?.valueFrom).toEqual({ secretKeyRef: { name: 'backstage-postgres-credentials', key: 'password' } });
    const postgres = findObject(objects, 'StatefulSet', 'backstage-postgres');
    expect(at(postgres, 'spec.template.spec.containers.0.image')).toBe('postgres:15.17-alpine');
    expect(at(postgres, 'spec.volumeClaimTemplates.0.spec.resources.requests.storage')).toBe('5Gi');
    expect(backstage.url).toBe('http://backstage.backstage.svc:7007');
  });

  test('app-config: the database from env, the in-cluster Kubernetes API with the pod\'s token, and the Kafka clusters', () => {
    const config = appConfig(render().objects);
    expect(at(config, 'backend.listen.port')).toBe(7007);
    expect(at(config, 'backend.database')).toEqual({
      client: 'pg', pluginDivisionMode: 'schema',
      connection: { host: '${POSTGRES_HOST}', port: '${POSTGRES_PORT}', user: '${POSTGRES_USER}', password: '${POSTGRES_PASSWORD}', database: 'backstage' },
    });
    expect(at(config, 'kubernetes.clusterLocatorMethods.0.clusters.0')).toEqual({
      name: 'local', url: 'https://kubernetes.default.svc', authProvider: 'serviceAccount', caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', skipTLSVerify: false,
    });
    expect(at(config, 'kafka')).toEqual({ clientId: 'backstage', clusters: [{ name: 'event-cluster', brokers: ['event-cluster-kafka-bootstrap.kafka:9092'] }] });
  });

  test('a public host sets the base URLs; appConfig merges over the generated settings', () => {
    const config = appConfig(render({ host: 'portal.example.com', appConfig: { organization: { name: 'Acme' }, backend: { cors: { origin: 'https://portal.example.com' } } } }).objects);
    expect(at(config, 'app.baseUrl')).toBe('https://portal.example.com');
    expect(at(config, 'backend.baseUrl')).toBe('https://portal.example.com');
    expect(at(config, 'backend.listen.port')).toBe(7007);
    expect(at(config, 'organization.name')).toBe('Acme');
  });

  test('its ServiceAccount (token mounted) is bound to a read-only ClusterRole', () => {
    const { objects } = render();
    expect(at(findObject(objects, 'ServiceAccount', 'backstage'), 'automountServiceAccountToken')).toBe(true);
    const role = findObject(objects, 'ClusterRole', 'backstage-backstage-read-only');
    const verbs = new Set(((role.rules ?? []) as { verbs: string[] }[]).flatMap((r) => r.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
    expect(JSON.stringify(role.rules)).not.toContain('secrets');
    const binding = findObject(objects, 'ClusterRoleBinding', 'backstage-backstage-read-only');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'backstage', namespace: 'backstage' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'backstage-backstage-read-only' });
  });

  test('only Backstage may reach its PostgreSQL; it is synced after the Kafka clusters it shows', () => {
    const { objects, chart, kafkaChart } = render();
    const policy = findObject(objects, 'NetworkPolicy', 'backstage-postgres');
    expect(at(policy, 'spec.ingress.0.from')).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'backstage', 'app.kubernetes.io/instance': 'backstage' } } }]);
    expect(chart.dependencies).toEqual([kafkaChart]);
  });

  test('the custom resources of what it shows are listed by the Kubernetes plugin and readable by its ClusterRole', () => {
    const { app, chart } = applicationChart('backstage', { namespace: 'backstage' });
    const rabbitChart = new ApplicationChart(app, 'rabbitmq', { context: chart.context, namespace: 'rabbitmq', version: '1' });
    const rabbit = new RabbitmqCluster(rabbitChart, 'rabbitmq-cluster', { image: { repository: 'rabbitmq', tag: '4.2.6-management' }, storage });
    new Backstage(chart, 'backstage', { image, postgresImage, storage, shows: [rabbit] });
    const objects = synth(chart);
    expect(at(appConfig(objects), 'kubernetes.customResources')).toEqual([{ group: 'rabbitmq.com', apiVersion: 'v1beta1', plural: 'rabbitmqclusters' }]);
    expect((findObject(objects, 'ClusterRole').rules as unknown[]).slice(-1)).toEqual([{ apiGroups: ['rabbitmq.com'], resources: ['rabbitmqclusters'], verbs: ['get', 'list', 'watch'] }]);
    expect(chart.dependencies).toEqual([rabbitChart]);
  });

  describe('validation', () => {
    const cases: [string, Partial<BackstageProps>, RegExp][] = [
      ['a host that is not a host name', { host: 'portal' }, /'host' is not a valid host name/],
      ['a typo', { replica: 2 } as Partial<BackstageProps>, /'replica' is not a setting of Backstage 'backstage'.*rename it to 'replicas'/s],
      ['a database size that is no quantity', { database: { size: 'big' } }, /'database.size' must be a Kubernetes quantity/],
      ['an invalid name', { name: 'Backstage' }, /'name' must be a DNS-1123 label/],
    ];
    test.each(cases)('fails on %s', (_what, override, message) => {
      expect(() => render(override)).toThrow(message);
    });
  });
});
