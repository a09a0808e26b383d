import { ApplicationChart, DynamicStorage, HelmApplication, LocalStorage, RabbitmqCluster, RabbitmqClusterProps } from '../../constructs';
import { applicationChart, at, findObject, findObjects, synth } from '../helpers';

const storage = new DynamicStorage('standard');
const image = { repository: 'rabbitmq', tag: '4.2.6-management' };

function rabbitChart(stage: 'development' | 'production' = 'development'): { app: ReturnType<typeof applicationChart>['app']; chart: ApplicationChart } {
  return applicationChart('rabbitmq', { namespace: 'rabbitmq', context: { stage, environment: stage === 'production' ? 'prod' : 'dev', source: `environments/${stage === 'production' ? 'prod' : 'dev'}.ts` } });
}

describe('RabbitmqCluster', () => {
  test('renders a RabbitmqCluster with one node, the pinned image, 10Gi of the provider\'s class and no credentials', () => {
    // GIVEN
    const { chart } = rabbitChart();
    // WHEN
    const rabbit = new RabbitmqCluster(chart, 'rabbitmq-cluster', { image, storage });
    // THEN
    const cr = findObject(synth(chart), 'RabbitmqCluster', 'rabbitmq-cluster');
    expect(cr.apiVersion).toBe('rabbitmq.com/v1beta1');
    expect(cr.metadata.namespace).toBe('rabbitmq');
    expect(cr.spec).toEqual({
      replicas: 1,
      image: 'rabbitmq:4.2.6-management',
      persistence: { storageClassName: 'standard', storage: '10Gi' },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      rabbitmq: {},
    });
    // Deleting the cluster (and its nodes) waits for a person's confirmation.
    expect(cr.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=confirm,Delete=confirm' });
    expect(JSON.stringify(cr)).not.toMatch(/guest|default_pass|password/);
    expect(rabbit.connection).toEqual({
      host: 'rabbitmq-cluster.rabbitmq.svc',
      port: 5672,
      credentials: { secretName: 'rabbitmq-cluster-default-user', usernameKey: 'username', passwordKey: 'password' },
    });
    expect(rabbit.ports).toEqual({ amqp: 5672, management: 15672, prometheus: 15692 });
  });

  test('three nodes with federation, shovel and stream plugins and sorted rabbitmq.conf lines; stream opens 5552', () => {
    const { chart } = rabbitChart();
    const rabbit = new RabbitmqCluster(chart, 'rabbitmq-cluster', {
      image, storage, replicas: 3,
      plugins: ['rabbitmq_federation', 'rabbitmq_shovel', 'rabbitmq_stream'],
      config: { 'vm_memory_high_watermark.relative': 0.6, 'cluster_partition_handling': 'pause_minority' },
    });
    const cr = findObject(synth(chart), 'RabbitmqCluster');
    expect(at(cr, 'spec.replicas')).toBe(3);
    expect(at(cr, 'spec.rabbitmq')).toEqual({
      additionalPlugins: ['rabbitmq_federation', 'rabbitmq_shovel', 'rabbitmq_stream'],
      additionalConfig: 'cluster_partition_handling = pause_minority\nvm_memory_high_watermark.relative = 0.6\n',
    });
    expect(rabbit.ports.stream).toBe(5552);
    expect(rabbit.clientEndpoint).toEqual({
      description: "RabbitMQ cluster 'rabbitmq-cluster'",
      namespace: 'rabbitmq',
      podLabels: { 'app.kubernetes.io/name': 'rabbitmq-cluster' },
      ports: [5672, 15672],
    });
  });

  test('with local storage, one PersistentVolume per node is derived for persistence-<name>-server-<i>, on distinct nodes', () => {
    const { app, chart } = rabbitChart();
    const local = new LocalStorage(new ApplicationChart(app, 'local-storage', { context: chart.context, version: '1' }), 'storage', { nodes: ['node-a', 'node-b', 'node-c'] });
    new RabbitmqCluster(chart, 'rabbitmq-cluster', { image, storage: local, replicas: 3, storageSize: '20Gi' });
    expect(local.claims.map((c) => `${c.namespace}/${c.claimName}=${c.size}`)).toEqual([
      'rabbitmq/persistence-rabbitmq-cluster-server-0=20Gi',
      'rabbitmq/persistence-rabbitmq-cluster-server-1=20Gi',
      'rabbitmq/persistence-rabbitmq-cluster-server-2=20Gi',
    ]);
    const volumes = findObjects(synth(local.node.scope as ApplicationChart), 'PersistentVolume');
    expect(volumes.map((v) => at(v, 'spec.nodeAffinity.required.nodeSelectorTerms.0.matchExpressions.0.values.0'))).toEqual(['node-a', 'node-b', 'node-c']);
    expect(volumes.map((v) => at(v, 'spec.storageClassName'))).toEqual(['local-storage', 'local-storage', 'local-storage']);
    expect(at(findObject(synth(chart), 'RabbitmqCluster'), 'spec.persistence.storageClassName')).toBe('local-storage');
    // The cluster is synced after the volumes it claims.
    expect(chart.dependencies.map((d) => d.appName)).toEqual(['local-storage']);
  });

  test('in production, replicas local storage cannot place on distinct nodes are an error', () => {
    const { app, chart } = rabbitChart('production');
    const local = new LocalStorage(new ApplicationChart(app, 'local-storage', { context: chart.context, version: '1' }), 'storage', { nodes: ['node-a', 'node-b'] });
    new RabbitmqCluster(chart, 'rabbitmq-cluster', { image, storage: local, replicas: 3 });
    expect(() => synth(chart)).toThrow(/the 3 replicas of 'rabbitmq\/rabbitmq-cluster' would have their volumes on 2 nodes \(node-a, node-b\).*list at least 3 nodes in storage.nodes/s);
  });

  test('the same placement is allowed in development', () => {
    const { app, chart } = rabbitChart('development');
    const local = new LocalStorage(new ApplicationChart(app, 'local-storage', { context: chart.context, version: '1' }), 'storage', { nodes: ['node-a'] });
    new RabbitmqCluster(chart, 'rabbitmq-cluster', { image, storage: local, replicas: 3 });
    expect(() => synth(chart)).not.toThrow();
  });

  test('the registry mirror prefixes the image; the cluster is synced after its operator', () => {
    const { app, chart } = applicationChart('rabbitmq', { namespace: 'rabbitmq', context: { registryMirror: 'registry.internal:5000' } });
    const operator = new HelmApplication(app, 'rabbitmq-operator', { context: chart.context, namespace: 'operators', repoURL: 'oci://registry-1.docker.io/bitnamicharts', chart: 'rabbitmq-cluster-operator', version: '4.4.34' });
    const rabbit = new RabbitmqCluster(chart, 'events', { image, storage, operator });
    expect(at(findObject(synth(chart), 'RabbitmqCluster'), 'spec.image')).toBe('registry.internal:5000/docker.io/library/rabbitmq:4.2.6-management');
    expect(chart.dependencies).toEqual([operator]);
    expect(rabbit.operator).toBe(operator);
  });

  describe('validation', () => {
    const cases: [string, Partial<RabbitmqClusterProps>, RegExp][] = [
      ['an even number of nodes', { replicas: 2 }, /'replicas' must be odd \(1, 3 or 5\).*\(got 2\).*use 1 node for development or 3/s],
      ['no node', { replicas: 0 }, /'replicas' must be an odd integer between 1 and 9 \(got 0\)/],
      ['a plugin the operator always enables', { plugins: ['rabbitmq_management'] }, /'plugins\[0\]' 'rabbitmq_management' is always enabled by the RabbitMQ Cluster Operator/],
      ['a plugin name the CRD refuses', { plugins: ['rabbitmq-shovel'] }, /'plugins\[0\]' is not a plugin name/],
      ['a plugin listed twice', { plugins: ['rabbitmq_shovel', 'rabbitmq_shovel'] }, /plugin "rabbitmq_shovel" is listed twice/],
      ['credentials in rabbitmq.conf', { config: { default_user: 'guest' } }, /'config.default_user' 'default_user' sets credentials, which must never be written to git/],
      ['an invalid storage size', { storageSize: 'lots' }, /'storageSize' must be a Kubernetes quantity/],
      ['requests above limits', { resources: { requests: { memory: '4Gi' } } }, /'resources.requests.memory' request 4Gi is larger than the limit 2Gi/],
      ['a typo in a setting', { replica: 3 } as Partial<RabbitmqClusterProps>, /'replica' is not a setting of RabbitmqCluster 'rabbitmq-cluster'.*rename it to 'replicas'/s],
    ];
    test.each(cases)('fails on %s', (_what, override, message) => {
      expect(() => new RabbitmqCluster(rabbitChart().chart, 'rabbitmq-cluster', { image, storage, ...override })).toThrow(message);
    });

    test('a chart without namespace and no namespace option is an error naming the fix', () => {
      const { chart } = applicationChart('rabbitmq', { namespace: undefined });
      expect(() => new RabbitmqCluster(chart, 'rabbitmq-cluster', { image, storage })).toThrow(/'namespace' is required when the chart has no namespace.*set 'namespace' \(e.g. 'rabbitmq'\)/s);
    });

    test('a name whose pods and claims would not be valid names is an error', () => {
      expect(() => new RabbitmqCluster(rabbitChart().chart, 'r'.repeat(50), { image, storage })).toThrow(/must be at most 63 characters.*use a shorter cluster name/s);
    });
  });
});
