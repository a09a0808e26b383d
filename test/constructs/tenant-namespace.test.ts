import { ApplicationChart, DynamicStorage, kafkaClientEndpoint, RabbitmqCluster, TenantNamespace, TenantNamespaceProps } from '../../constructs';
import { Construct } from 'constructs';
import { NetworkPolicies } from '../support/network-policy';
import { applicationChart, at, findObject, findObjects, Manifest, synth } from '../helpers';

/** A platform workload in namespace `backstage`. */
class Peer extends Construct {
  public readonly namespace = 'backstage';
}

const kafkaEndpoint = kafkaClientEndpoint({ clusterName: 'event-cluster', namespace: 'kafka' });
const kafkaBroker = { namespace: 'kafka', labels: { 'strimzi.io/cluster': 'event-cluster', 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true', 'strimzi.io/pool-name': 'broker' } };

function tenantsChart(): ApplicationChart {
  return applicationChart('tenants', { namespace: undefined }).chart;
}

/** A tenant `alice` whose pods may reach Kafka and RabbitMQ; Backstage's namespace may reach them. */
function render(override: Partial<TenantNamespaceProps> = {}): { tenant: TenantNamespace; objects: Manifest[] } {
  const { app, chart } = applicationChart('tenants', { namespace: undefined });
  const rabbitChart = new ApplicationChart(app, 'rabbitmq', { context: chart.context, namespace: 'rabbitmq', version: '1' });
  const rabbit = new RabbitmqCluster(rabbitChart, 'rabbitmq-cluster', { image: { repository: 'rabbitmq', tag: '4.2.6-management' }, storage: new DynamicStorage('standard'), replicas: 3 });
  const backstage = new Peer(new ApplicationChart(app, 'backstage', { context: chart.context, namespace: 'backstage', version: '1' }), 'backstage');
  const tenant = new TenantNamespace(chart, 'alice', {
    user: 'alice',
    egressTo: [kafkaEndpoint, { ...rabbit.clientEndpoint, owner: rabbit }],
    ingressFrom: [backstage],
    ...override,
  });
  return { tenant, objects: synth(chart) };
}

describe('TenantNamespace', () => {
  test('renders user-<name> with Pod Security labels, the seed\'s quota and container defaults', () => {
    // GIVEN / WHEN
    const { tenant, objects } = render();
    // THEN
    expect(tenant.namespace).toBe('user-alice');
    const ns = findObject(objects, 'Namespace', 'user-alice');
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(ns.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=confirm,Delete=confirm');
    const quota = findObject(objects, 'ResourceQuota', 'tenant-quota');
    expect(quota.metadata.namespace).toBe('user-alice');
    expect(at(quota, 'spec.hard')).toEqual({
      'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', 'limits.memory': '16Gi',
      'persistentvolumeclaims': 10, 'services': 10, 'pods': 20,
    });
    expect(at(findObject(objects, 'LimitRange', 'tenant-limits'), 'spec.limits')).toEqual([{
      type: 'Container',
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      default: { cpu: '500m', memory: '512Mi' },
      max: { cpu: '2', memory: '4Gi' },
    }]);
  });

  test('RBAC: ServiceAccount user-sa bound to a Role with CRUD on pods, services, configmaps, secrets and integrations in the namespace only', () => {
    const { objects } = render();
    expect(findObject(objects, 'ServiceAccount', 'user-sa').metadata.namespace).toBe('user-alice');
    const role = findObject(objects, 'Role', 'tenant-user');
    expect(role.metadata.namespace).toBe('user-alice');
    const crud = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'secrets'], verbs: crud },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['camel.apache.org'], resources: ['integrations'], verbs: crud },
    ]);
    const binding = findObject(objects, 'RoleBinding', 'tenant-user');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tenant-user' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'user-sa', namespace: 'user-alice' }]);
    expect(findObjects(objects, 'ClusterRoleBinding')).toEqual([]);
  });

  describe('network policies admit exactly the declared traffic', () => {
    const { objects } = render();
    const policies = new NetworkPolicies(objects);
    const alice = { namespace: 'user-alice', labels: { app: 'worker' } };
    const rabbitPod = { namespace: 'rabbitmq', labels: { 'app.kubernetes.io/name': 'rabbitmq-cluster', 'app.kubernetes.io/component': 'rabbitmq' } };
    const cases: [string, Parameters<NetworkPolicies['allows']>[0], boolean][] = [
      ['tenant -> Kafka broker 9092', { from: alice, to: kafkaBroker, port: 9092 }, true],
      ['tenant -> Kafka broker 9093 (TLS)', { from: alice, to: kafkaBroker, port: 9093 }, true],
      ['tenant -> Kafka broker 9094 (no such client port)', { from: alice, to: kafkaBroker, port: 9094 }, false],
      ['tenant -> a Kafka pod that is no broker (entity operator)', { from: alice, to: { namespace: 'kafka', labels: { 'strimzi.io/cluster': 'event-cluster', 'strimzi.io/kind': 'Kafka' } }, port: 9092 }, false],
      ['tenant -> RabbitMQ AMQP 5672', { from: alice, to: rabbitPod, port: 5672 }, true],
      ['tenant -> RabbitMQ management 15672', { from: alice, to: rabbitPod, port: 15672 }, true],
      ['tenant -> RabbitMQ Prometheus 15692', { from: alice, to: rabbitPod, port: 15692 }, false],
      ['tenant -> PostgreSQL of Backstage', { from: alice, to: { namespace: 'backstage', labels: { 'app.kubernetes.io/name': 'postgres' } }, port: 5432 }, false],
      ['tenant -> another tenant', { from: alice, to: { namespace: 'user-bob', labels: { app: 'worker' } }, port: 8080 }, false],
      ['another tenant -> tenant', { from: { namespace: 'user-bob', labels: {} }, to: alice, port: 8080 }, false],
      ['tenant -> cluster DNS (UDP 53)', { from: alice, to: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: 'UDP' }, true],
      ['tenant -> a kube-system pod that is not DNS', { from: alice, to: { namespace: 'kube-system', labels: { component: 'kube-apiserver' } }, port: 53 }, false],
      ['tenant -> HTTPS outside the cluster', { from: alice, to: { ip: '140.82.112.3' }, port: 443 }, true],
      ['tenant -> HTTP outside the cluster', { from: alice, to: { ip: '140.82.112.3' }, port: 80 }, false],
      ['tenant -> 443 on a pod address inside the cluster', { from: alice, to: { ip: '10.42.0.17' }, port: 443 }, false],
      ['tenant pod -> tenant pod (same namespace)', { from: alice, to: { namespace: 'user-alice', labels: { app: 'api' } }, port: 8080 }, true],
      ['Backstage -> tenant', { from: { namespace: 'backstage', labels: {} }, to: alice, port: 8080 }, true],
      ['Kafka namespace -> tenant (not a declared platform namespace)', { from: { namespace: 'kafka', labels: {} }, to: alice, port: 8080 }, false],
    ];
    test.each(cases)('%s', (_what, flow, allowed) => {
      expect(policies.allows(flow)).toBe(allowed);
    });
  });

  test('the tenant is synced after the applications it connects to', () => {
    const { app, chart } = applicationChart('tenants', { namespace: undefined });
    const rabbitChart = new ApplicationChart(app, 'rabbitmq', { context: chart.context, namespace: 'rabbitmq', version: '1' });
    const rabbit = new RabbitmqCluster(rabbitChart, 'rabbitmq-cluster', { image: { repository: 'rabbitmq', tag: '4.2.6-management' }, storage: new DynamicStorage('standard') });
    new TenantNamespace(chart, 'alice', { user: 'alice', egressTo: [{ ...rabbit.clientEndpoint, owner: rabbit }] });
    expect(chart.dependencies).toEqual([rabbitChart]);
  });

  describe('validation', () => {
    const cases: [string, Partial<TenantNamespaceProps>, RegExp][] = [
      ['a quota below its own LimitRange default request', { quota: { requests: { cpu: '50m' } } },
        /field 'quota.requests.cpu': .*the quota's cpu requests 50m are below the LimitRange's default request 100m, so not even one container with default settings could start.*raise quota.requests.cpu to at least 100m/s],
      ['a quota below its own LimitRange default limit', { quota: { limits: { memory: '256Mi' } } },
        /the quota's memory limits 256Mi are below the LimitRange's default limit 512Mi/],
      ['a container maximum above the whole quota', { quota: { limits: { cpu: '1' } } }, /the LimitRange allows a container cpu limit of 2, more than the whole quota \(1\)/],
      ['a default request above the default limit', { limits: { defaultRequest: { memory: '1Gi' } } }, /the default memory request 1Gi is larger than the default limit 512Mi/],
      ['quota requests above its limits', { quota: { requests: { cpu: '10' } } }, /the quota's cpu requests 10 exceed its limits 8/],
      ['a user name that makes an invalid namespace', { user: 'Alice' }, /namespace 'user-Alice' must be a DNS-1123 label/],
      ['egress to another tenant', { egressTo: [{ description: "pods of 'bob'", namespace: 'user-bob', podLabels: { app: 'x' }, ports: [80] }] }, /is in tenant namespace 'user-bob': tenants never reach each other/],
      ['an endpoint without ports', { egressTo: [{ ...kafkaEndpoint, ports: [] }] }, /names no pods or no ports/],
      ['an invalid quantity', { quota: { requests: { memory: 'eight gigs' } } }, /'quota.requests.memory' must be a Kubernetes quantity/],
      ['an unknown setting', { quotas: {} } as Partial<TenantNamespaceProps>, /'quotas' is not a setting of TenantNamespace 'alice'.*rename it to 'quota'/s],
    ];
    test.each(cases)('fails on %s', (_what, override, message) => {
      expect(() => new TenantNamespace(tenantsChart(), 'alice', { user: 'alice', ...override })).toThrow(message);
    });

    test('a chart with a namespace is refused (the tenant renders its own)', () => {
      const { chart } = applicationChart('tenants', { namespace: 'apps' });
      expect(() => new TenantNamespace(chart, 'alice', { user: 'alice' })).toThrow(/renders its own namespace, so its chart must not have a namespace/);
    });
  });
});
