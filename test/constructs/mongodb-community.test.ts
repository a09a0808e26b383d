import { DynamicStorage, MongoDbCommunity, PlatformError } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const password = { secret: 'catalog-password', key: 'password' };

function make(options: Partial<ConstructorParameters<typeof MongoDbCommunity>[2]> = {}, namespace: string | null = 'shop'): { mongo: MongoDbCommunity; storage: DynamicStorage; chart: ReturnType<typeof applicationChart>['chart'] } {
  const { chart } = applicationChart('mongodb', { namespace: namespace ?? undefined });
  const storage = new DynamicStorage('gp3');
  const mongo = new MongoDbCommunity(chart, 'mongodb', { database: 'catalog', storage, password, ...options });
  return { mongo, storage, chart };
}

describe('MongoDbCommunity', () => {
  test('renders a SCRAM replica set whose application user reads its password from a Secret in the cluster', () => {
    // GIVEN / WHEN
    const { chart } = make({ members: 3, username: 'catalog-service' });
    // THEN
    const resource = findObject(synth(chart), 'MongoDBCommunity', 'mongodb');
    expect(resource.apiVersion).toBe('mongodbcommunity.mongodb.com/v1');
    expect(at(resource, 'spec.type')).toBe('ReplicaSet');
    expect(at(resource, 'spec.members')).toBe(3);
    expect(at(resource, 'spec.version')).toBe('6.0.5');
    expect(at(resource, 'spec.security')).toEqual({ authentication: { modes: ['SCRAM'] } });
    expect(at(resource, 'spec.users')).toEqual([{
      name: 'catalog-service', db: 'admin', passwordSecretRef: { name: 'catalog-password', key: 'password' },
      roles: [{ name: 'readWrite', db: 'catalog' }], scramCredentialsSecretName: 'mongodb-catalog-service-scram',
    }]);
  });

  test('takes its data and logs volumes from the environment\'s storage, one claim of each per member', () => {
    const { chart, storage } = make({ members: 3, storageSize: '20Gi' });
    const templates = at(findObject(synth(chart), 'MongoDBCommunity', 'mongodb'), 'spec.statefulSet.spec.volumeClaimTemplates') as { metadata: { name: string }; spec: Record<string, unknown> }[];
    expect(templates.map((t) => [t.metadata.name, t.spec.storageClassName, at(t, 'spec.resources.requests.storage')])).toEqual([['data-volume', 'gp3', '20Gi'], ['logs-volume', 'gp3', '2Gi']]);
    expect(storage.claims.map((c) => `${c.claimName}@${c.replica ?? 0}`)).toEqual([
      'data-volume-mongodb-0@0', 'logs-volume-mongodb-0@0', 'data-volume-mongodb-1@1', 'logs-volume-mongodb-1@1', 'data-volume-mongodb-2@2', 'logs-volume-mongodb-2@2',
    ]);
  });

  test('renders the database pods\' ServiceAccount and Role beside it (the operator watches other namespaces)', () => {
    const objects = synth(make().chart);
    expect(findObject(objects, 'ServiceAccount', 'mongodb-database').metadata.namespace).toBe('shop');
    expect(at(findObject(objects, 'Role', 'mongodb-database'), 'rules')).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['patch', 'delete', 'get'] },
    ]);
    expect(at(findObject(objects, 'RoleBinding', 'mongodb-database'), 'roleRef.name')).toBe('mongodb-database');
  });

  test('gives clients host, port, database, user, password and the operator\'s connection-string Secret', () => {
    const { mongo } = make({ username: 'catalog_app' });
    expect(mongo.connection).toEqual({
      type: 'mongodb', host: 'mongodb-svc.shop.svc', port: 27017, database: 'catalog', username: 'catalog_app',
      password, uri: { secret: 'mongodb-catalog-catalog-app', key: 'connectionString.standard' },
    });
  });

  test('asks before Argo CD prunes or deletes the replica set', () => {
    expect(findObject(synth(make().chart), 'MongoDBCommunity', 'mongodb').metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=confirm,Delete=confirm');
  });

  test('refuses an even member count, a short version, incomplete resources and a chart without namespace', () => {
    expect(() => make({ members: 2 })).toThrow(/'members' must be odd \(a replica set elects its primary by majority\) \(got 2\)/);
    expect(() => make({ version: '7.0' })).toThrow(/'version' must be a full MongoDB version x\.y\.z/);
    expect(() => make({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } })).toThrow(/request 2 is larger than the limit 1/);
    expect(() => make({}, null)).toThrow(PlatformError);
    expect(() => make({}, null)).toThrow(/MongoDB must be in a chart with a namespace/);
  });

  test('refuses an unknown option with the closest name', () => {
    expect(() => make({ member: 3 } as never)).toThrow(/'member' is not a setting of MongoDbCommunity 'mongodb'.*rename it to 'members'/);
  });
});
