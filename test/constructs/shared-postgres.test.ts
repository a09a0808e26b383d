import { ConfigError, DynamicStorage, IPasswordGenerator, SharedPostgres, SharedPostgresProps } from '../../constructs';
import { applicationChart, at, findObject, findObjects, synth } from '../helpers';

const generator: IPasswordGenerator = { generatorApiVersion: 'generators.external-secrets.io/v1alpha1', generatorKind: 'ClusterGenerator', generatorName: 'password-64-length' };
const wiring = { image: { repository: 'ghcr.io/voltade/postgres', tag: '17.5-20250805-859fe66' }, storage: new DynamicStorage('standard'), passwordGenerator: generator };

/** The seed's cluster. */
const seed: Omit<SharedPostgresProps, keyof typeof wiring> = {
  parameters: { wal_level: 'logical', max_wal_senders: '10', max_replication_slots: '10', 'pgsodium.enable_event_trigger': 'off' },
  sharedPreloadLibraries: ['supabase_vault'],
  roles: { admin: { superuser: true, replication: true } },
  databases: { temporal: {}, temporal_visibility: { owner: 'temporal' } },
};

describe('SharedPostgres', () => {
  test('the seed\'s cluster: custom image, parameters, shared_preload_libraries, managed roles with generated passwords', () => {
    // GIVEN
    const { chart } = applicationChart('common', { namespace: 'services' });
    // WHEN
    new SharedPostgres(chart, 'cnpg-cluster', { ...wiring, ...seed });
    // THEN
    const objects = synth(chart);
    const cluster = findObject(objects, 'Cluster', 'cnpg-cluster');
    expect(at(cluster, 'spec.imageName')).toBe('ghcr.io/voltade/postgres:17.5-20250805-859fe66');
    expect(at(cluster, 'spec.instances')).toBe(1);
    expect(at(cluster, 'spec.enableSuperuserAccess')).toBe(false);
    expect(at(cluster, 'spec.postgresql')).toEqual({
      parameters: { wal_level: 'logical', max_wal_senders: '10', max_replication_slots: '10', 'pgsodium.enable_event_trigger': 'off' },
      shared_preload_libraries: ['supabase_vault'],
    });
    expect(at(cluster, 'spec.managed.roles')).toEqual([
      { name: 'admin', ensure: 'present', login: true, superuser: true, replication: true, passwordSecret: { name: 'cnpg-cluster-admin' } },
      { name: 'temporal', ensure: 'present', login: true, superuser: false, passwordSecret: { name: 'cnpg-cluster-temporal' } },
    ]);
    // Login roles get generated basic-auth Secrets, as CloudNativePG wants them.
    expect(findObjects(objects, 'ExternalSecret').map((e) => [e.metadata.name, at(e, 'spec.target.template.type'), at(e, 'spec.target.template.data.username')])).toEqual([
      ['cnpg-cluster-admin', 'kubernetes.io/basic-auth', 'admin'],
      ['cnpg-cluster-temporal', 'kubernetes.io/basic-auth', 'temporal'],
    ]);
  });

  test('one CloudNativePG Database per declared database, retained when removed; typed references for consumers', () => {
    // GIVEN
    const { chart } = applicationChart('common', { namespace: 'services' });
    // WHEN
    const cluster = new SharedPostgres(chart, 'cnpg-cluster', { ...wiring, ...seed });
    // THEN
    const objects = synth(chart);
    expect(findObjects(objects, 'Database').map((d) => d.spec)).toEqual([
      { cluster: { name: 'cnpg-cluster' }, name: 'temporal', owner: 'temporal', ensure: 'present', databaseReclaimPolicy: 'retain' },
      { cluster: { name: 'cnpg-cluster' }, name: 'temporal_visibility', owner: 'temporal', ensure: 'present', databaseReclaimPolicy: 'retain' },
    ]);
    const ref = cluster.database('temporal_visibility', 'services');
    expect({ ...ref, owner: undefined }).toEqual({
      cluster: 'cnpg-cluster', serviceName: 'cnpg-cluster-rw', host: 'cnpg-cluster-rw.services.svc', port: 5432, database: 'temporal_visibility',
      credentials: { secretName: 'cnpg-cluster-temporal', usernameKey: 'username', passwordKey: 'password' }, namespace: 'services', owner: undefined,
    });
  });

  test('a service referencing a database the cluster does not declare is a clear error', () => {
    const cluster = new SharedPostgres(applicationChart('common', { namespace: 'services' }).chart, 'cnpg-cluster', { ...wiring, ...seed });
    expect(() => cluster.database('orders')).toThrow(/database 'orders' is not declared by shared PostgreSQL cluster 'cnpg-cluster' \(databases: temporal, temporal_visibility\)\. Fix: add 'orders'/);
    expect(() => cluster.database('temporal', 'kafka')).toThrow(/used from namespace 'kafka', but its credentials Secret is in 'services'/);
  });

  test('shared_preload_libraries as a parameter and a number value are refused, not dropped', () => {
    let error: unknown;
    try {
      new SharedPostgres(applicationChart('common', { namespace: 'services' }).chart, 'pg', { ...wiring, parameters: { shared_preload_libraries: 'supabase_vault', max_wal_senders: 10 as unknown as string } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => [p.field, p.fix])).toEqual([
      ['parameters.shared_preload_libraries', 'move it: sharedPreloadLibraries: [...]'],
      ['parameters.max_wal_senders', expect.any(String)],
    ]);
    expect(problems[1]?.message).toMatch(/must be a string/);
  });

  test('refuses a database owner without login and a role name that is not an identifier', () => {
    expect(() => new SharedPostgres(applicationChart('c', { namespace: 's' }).chart, 'pg', { ...wiring, roles: { app: { login: false } }, databases: { app: {} } }))
      .toThrow(/field 'databases\.app\.owner'.*owner 'app' is declared without login/);
    expect(() => new SharedPostgres(applicationChart('c', { namespace: 's' }).chart, 'pg', { ...wiring, roles: { 'Bad-Role': {} } })).toThrow(/roles/);
  });
});
