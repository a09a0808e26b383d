import { parse } from 'yaml';
import { optionProblems, SecretProviderClass, SecretProviderClassOptions, SecretProviderClassOptionsSchema } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const identity = { name: 'orders', instance: 'orders', component: 'backend', version: '1.0.0' };
const declaration: SecretProviderClassOptions = {
  region: 'eu-west-1',
  objects: {
    database: { fields: { 'db-url': 'url', 'db-password': 'password' }, connectsTo: { engine: 'postgresql' } },
    cache: { objectName: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-cache', objectType: 'secretsmanager', fields: { 'cache-password': 'password' }, connectsTo: { engine: 'redis', port: 6380 } },
  },
  env: { DATABASE_URL: 'db-url', DATABASE_PASSWORD: 'db-password', CACHE_PASSWORD: 'cache-password' },
};

describe('SecretProviderClass', () => {
  test('renders the provider, region, objects with jmesPath aliases and the synced Secret; names only', () => {
    // GIVEN an application of environment 'prod' of platform 'shop'
    const { chart } = applicationChart('orders', { context: { environment: 'prod', platform: 'shop' } });
    // WHEN
    const spc = new SecretProviderClass(chart, 'spc', { ...declaration, name: 'orders', identity });
    // THEN
    const object = findObject(synth(chart), 'SecretProviderClass', 'orders-secrets');
    expect(object.apiVersion).toBe('secrets-store.csi.x-k8s.io/v1');
    expect([at(object, 'spec.provider'), at(object, 'spec.parameters.region')]).toEqual(['aws', 'eu-west-1']);
    expect(parse(String(at(object, 'spec.parameters.objects')))).toEqual([
      { objectName: 'prod/shop/orders/database', objectType: 'secretsmanager', jmesPath: [{ path: 'url', objectAlias: 'db-url' }, { path: 'password', objectAlias: 'db-password' }] },
      { objectName: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-cache', objectType: 'secretsmanager', jmesPath: [{ path: 'password', objectAlias: 'cache-password' }] },
    ]);
    expect(at(object, 'spec.secretObjects')).toEqual([{
      secretName: 'orders-secrets', type: 'Opaque', labels: expect.objectContaining({ 'app.kubernetes.io/name': 'orders' }),
      data: [{ objectName: 'cache-password', key: 'CACHE_PASSWORD' }, { objectName: 'db-password', key: 'DATABASE_PASSWORD' }, { objectName: 'db-url', key: 'DATABASE_URL' }],
    }]);
    // The pod's side: a read-only CSI volume and mount; the engines' ports for the mesh.
    expect(spc.volume).toEqual({ name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'orders-secrets' } } });
    expect(spc.volumeMount).toEqual({ name: 'secrets-store', mountPath: '/mnt/secrets', readOnly: true });
    expect(spc.outboundPorts).toEqual([5432, 6380]);
    expect(spc.envNames).toEqual(['CACHE_PASSWORD', 'DATABASE_PASSWORD', 'DATABASE_URL']);
  });

  test.each([
    ['an alias read but not fetched', { ...declaration, env: { ...declaration.env, DATABASE_USER: 'db-user' } }, 'env.DATABASE_USER', "'DATABASE_USER' reads alias 'db-user', which no object fetches"],
    ['an alias fetched but never read', { ...declaration, env: { DATABASE_URL: 'db-url', DATABASE_PASSWORD: 'db-password' } }, 'objects.cache.fields.cache-password', "alias 'cache-password' of 'cache' is fetched and synced but no environment variable reads it"],
    ['an alias fetched twice', { ...declaration, objects: { ...declaration.objects, other: { fields: { 'db-url': 'url' } } } }, 'objects.other.fields.db-url', "alias 'db-url' is fetched from both 'database' and 'other'"],
    ['an invalid env name', { ...declaration, env: { ...declaration.env, 'DB-URL': 'db-url' } }, 'env.DB-URL', "'DB-URL' is not a valid environment variable name"],
    ['an unknown region', { ...declaration, region: 'europe' }, 'region', "'europe' is not an AWS region name"],
    ['an unknown engine', { ...declaration, objects: { database: { fields: { 'db-url': 'url', 'db-password': 'password', 'cache-password': 'x' }, connectsTo: { engine: 'oracle' } } } }, 'objects.database.connectsTo.engine', ''],
  ])('refuses %s', (_what, value, field, message) => {
    const problems = optionProblems(SecretProviderClassOptionsSchema, value);
    expect(problems.map((p) => p.field)).toEqual([field]);
    expect(problems[0]?.message).toContain(message);
  });

  test('used directly, it checks the declaration too', () => {
    const { chart } = applicationChart('orders');
    expect(() => new SecretProviderClass(chart, 'spc', { ...declaration, env: { DATABASE_URL: 'db-url' }, name: 'orders', identity }))
      .toThrow("alias 'db-password' of 'database' is fetched and synced but no environment variable reads it");
  });
});
