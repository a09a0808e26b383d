import { App } from 'cdk8s';
import { ApplicationChart } from '../../constructs/application-chart';
import { LocalStorage } from '../../constructs/local-storage';
import { DynamicStorage } from '../../constructs/volume-provider';
import { applicationChart, at, findObject, findObjects, synth } from '../helpers';

const owner = { name: 'postgres', instance: 'identity-service-postgres', component: 'database', version: '15-alpine' };

describe('LocalStorage', () => {
  test('renders a no-provisioner, WaitForFirstConsumer StorageClass that retains data', () => {
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    new LocalStorage(chart, 'storage', { nodeName: 'node-1' });
    const sc = findObject(synth(chart), 'StorageClass', 'local-storage');
    expect(sc.provisioner).toBe('kubernetes.io/no-provisioner');
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(sc.reclaimPolicy).toBe('Retain');
  });

  test('derives one PersistentVolume per registered claim, reserved for it and pinned to the node', () => {
    // GIVEN
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    const storage = new LocalStorage(chart, 'storage', { nodeName: 'ip-10-1-91-144', root: '/srv/volumes/', storageClassName: 'local-ssd' });
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

  test('the application registering a claim depends on the storage application', () => {
    // GIVEN two applications of one environment
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    const storage = new LocalStorage(chart, 'storage', { nodeName: 'node-1' });
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
    const storage = new LocalStorage(chart, 'storage', { nodeName: 'node-1' });
    expect(() => act(storage, chart)).toThrow(message);
  });

  test('refuses a root that is not an absolute directory', () => {
    const { chart } = applicationChart('local-storage', { namespace: undefined });
    expect(() => new LocalStorage(chart, 'storage', { nodeName: 'node-1', root: 'data' })).toThrow(/'root' must be an absolute directory/);
    expect(() => new LocalStorage(chart, 'storage2', { nodeName: 'node-1', root: '/mnt/../etc' })).toThrow(/'root' must be an absolute directory/);
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
  expect(() => new LocalStorage(chart, 'storage', { nodeName: 'node-1' })).toThrow(/renders cluster-scoped objects, so its chart must not have a namespace \(got "apps"\)/);
});
