import { App } from 'cdk8s';
import { ApplicationChart } from '../../constructs';
import { prepareApp } from '../../constructs';
import { LocalStorage } from '../../constructs';
import { DynamicStorage } from '../../constructs';
import { applicationChart, at, findObject, findObjects, synth } from '../helpers';

const owner = { name: 'postgres', instance: 'identity-service-postgres', component: 'database', version: '15-alpine' };

describe('LocalStorage', () => {
  test('renders a no-provisioner, WaitForFirstConsumer StorageClass that retains data', () => {
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    new LocalStorage(chart, 'storage', { nodes: ['node-1'] });
    const sc = findObject(synth(chart), 'StorageClass', 'local-storage');
    expect(sc.provisioner).toBe('kubernetes.io/no-provisioner');
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(sc.reclaimPolicy).toBe('Retain');
  });

  test('derives one PersistentVolume per registered claim, reserved for it and pinned to the node', () => {
    // GIVEN
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    const storage = new LocalStorage(chart, 'storage', { nodes: ['ip-10-1-91-144'], root: '/srv/volumes/', storageClassName: 'local-ssd' });
    // WHEN
    storage.registerClaim(chart, { namespace: 'healthxcape', claimName: 'data-identity-service-postgres-0', size: '1Gi', owner });
    storage.registerClaim(chart, { namespace: 'kafka', claimName: 'data-platform-kafka-dual-role-0', size: '10Gi', owner });
    // THEN
    const volumes = findObjects(synth(chart), 'PersistentVolume');
    expect(volumes.map((v) => v.metadata.name)).toEqual(['healthxcape-data-identity-service-postgres-0', 'kafka-data-platform-kafka-dual-role-0']);
    const pv = volumes[0]!;
    expect(pv.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'data-identity-service-postgres-0', namespace: 'healthxcape' },
      local: { path: '/srv/volumes/healthxcape-data-identity-service-postgres-0' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['ip-10-1-91-144'] }] }] } },
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'local-ssd',
      volumeMode: 'Filesystem',
    });
    expect(pv.metadata.namespace).toBeUndefined();
    expect(storage.claims).toHaveLength(2);
  });

  test('spreads the replicas of one workload over the nodes, replica i on node i mod n', () => {
    // GIVEN three nodes
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    const storage = new LocalStorage(chart, 'storage', { nodes: ['node-a', 'node-b', 'node-c'] });
    // WHEN a three-instance database and a single-replica one register their claims
    const cluster = { name: 'postgres', instance: 'shop-postgres', component: 'database' };
    for (const replica of [0, 1, 2]) storage.registerClaim(chart, { namespace: 'apps', claimName: `shop-postgres-${replica + 1}`, size: '1Gi', owner: cluster, replica });
    storage.registerClaim(chart, { namespace: 'apps', claimName: 'data-cache-0', size: '1Gi', owner });
    // THEN each instance has its own node, and a claim without replica index goes to the first node
    const nodeOf = (pv: string): unknown => at(findObject(synth(chart), 'PersistentVolume', pv), 'spec.nodeAffinity.required.nodeSelectorTerms.0.matchExpressions.0.values');
    expect(['apps-shop-postgres-1', 'apps-shop-postgres-2', 'apps-shop-postgres-3', 'apps-data-cache-0'].map(nodeOf)).toEqual([['node-a'], ['node-b'], ['node-c'], ['node-a']]);
    expect(storage.node.validate()).toEqual([]);
  });

  test('in production, replicas whose volumes would share a node are an error (elsewhere they are allowed)', () => {
    const cluster = { name: 'kafka', instance: 'events-broker', component: 'messaging' };
    const register = (stage: 'production' | 'development'): (() => void) => {
      const { app, chart } = applicationChart('local-storage', { namespace: undefined, context: { stage, environment: 'prod', source: 'environments/prod.ts' } });
      const storage = new LocalStorage(chart, 'storage', { nodes: ['node-a', 'node-b'] });
      for (const replica of [0, 1, 2]) storage.registerClaim(chart, { namespace: 'kafka', claimName: `data-events-broker-${replica}`, size: '1Gi', owner: cluster, replica });
      // Checked when the App is rendered: every claim is registered by then.
      return () => prepareApp(app);
    };
    expect(register('production')).toThrow("environments/prod.ts (environment 'prod'), application 'local-storage', field 'nodes': local storage: the 3 replicas of 'kafka/events-broker' would have their volumes on 2 nodes (node-a, node-b), so losing one node would take several replicas down (stage 'production') (got [\"node-a\",\"node-b\"]). Fix: list at least 3 nodes in storage.nodes, or use a dynamic provisioner");
    expect(register('development')).not.toThrow();
  });

  test('the application registering a claim depends on the storage application', () => {
    // GIVEN two applications of one environment
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    const storage = new LocalStorage(chart, 'storage', { nodes: ['node-1'] });
    const database = new ApplicationChart(chart.node.root as App, 'db', { context: chart.context, namespace: 'apps', version: '1' });
    // WHEN the database application registers a claim
    storage.registerClaim(database, { namespace: 'apps', claimName: 'data-db-0', size: '1Gi', owner });
    // THEN it is synced after the storage application
    expect(database.dependencies.map((d) => d.appName)).toEqual(['local-storage']);
    expect(chart.dependencies).toEqual([]);
  });

  test.each([
    ['a claim registered twice', (s: LocalStorage, c: Parameters<LocalStorage['registerClaim']>[0]) => {
      s.registerClaim(c, { namespace: 'apps', claimName: 'data-0', size: '1Gi', owner });
      s.registerClaim(c, { namespace: 'apps', claimName: 'data-0', size: '1Gi', owner });
    }, /claim 'apps\/data-0' is registered twice/],
    ['an invalid size', (s: LocalStorage, c: Parameters<LocalStorage['registerClaim']>[0]) => {
      s.registerClaim(c, { namespace: 'apps', claimName: 'data-0', size: '1GB!', owner });
    }, /'size' must be a Kubernetes quantity/],
    ['a milli-byte size', (s: LocalStorage, c: Parameters<LocalStorage['registerClaim']>[0]) => {
      s.registerClaim(c, { namespace: 'apps', claimName: 'data-0', size: '500m', owner });
    }, /means milli-bytes/],
    ['a volume name longer than 63 characters', (s: LocalStorage, c: Parameters<LocalStorage['registerClaim']>[0]) => {
      s.registerClaim(c, { namespace: 'apps', claimName: `data-${'x'.repeat(60)}`, size: '1Gi', owner });
    }, /must be at most 63 characters/],
  ])('fails on %s', (_what, act, message) => {
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    const storage = new LocalStorage(chart, 'storage', { nodes: ['node-1'] });
    expect(() => act(storage, chart)).toThrow(message);
  });

  test('refuses an empty node list, invalid and duplicate node names', () => {
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    expect(() => new LocalStorage(chart, 'a', { nodes: [] })).toThrow(/'nodes' must list at least one node holding the volumes/);
    expect(() => new LocalStorage(chart, 'b', { nodes: ['Node_1'] })).toThrow(/'nodes\[0\]' .*kubernetes\.io\/hostname/);
    expect(() => new LocalStorage(chart, 'c', { nodes: ['n1', 'n1'] })).toThrow(/field 'nodes\[1\]': .*node "n1" is listed twice/);
  });

  test('refuses a root that is not an absolute directory', () => {
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    expect(() => new LocalStorage(chart, 'storage', { nodes: ['node-1'], root: 'data' })).toThrow(/'root' must be an absolute directory/);
    expect(() => new LocalStorage(chart, 'storage2', { nodes: ['node-1'], root: '/mnt/../etc' })).toThrow(/'root' must be an absolute directory/);
  });
});

describe('DynamicStorage', () => {
  test('renders nothing and only names the provisioner\'s StorageClass', () => {
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    const storage = new DynamicStorage('gp3');
    storage.registerClaim(chart, { namespace: 'apps', claimName: 'data-0', size: '1Gi', owner });
    expect(storage.storageClassName).toBe('gp3');
    expect(synth(chart)).toEqual([]);
    expect(at(storage, 'claims.0.claimName')).toBe('data-0');
  });
});

test('LocalStorage refuses a chart with a namespace (its objects are cluster-scoped)', () => {
  const { chart } = applicationChart('local-storage', { namespace: 'apps' });
  expect(() => new LocalStorage(chart, 'storage', { nodes: ['node-1'] })).toThrow(/renders cluster-scoped objects, so its chart must not have a namespace \(got "apps"\)/);
});
