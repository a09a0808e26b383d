import { Testing } from 'cdk8s';
import { ConfigError, GeneratedSecret, GeneratedSecretProps, IPasswordGenerator, Microservice, PasswordGenerator } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const generator: IPasswordGenerator = { generatorApiVersion: 'generators.external-secrets.io/v1alpha1', generatorKind: 'ClusterGenerator', generatorName: 'password-64-length' };

describe('GeneratedSecret', () => {
  test('an ExternalSecret taking one password from the cluster generator, once, templated with the user name', () => {
    // GIVEN
    const { chart } = applicationChart('temporal', { namespace: 'services' });
    // WHEN
    const secret = new GeneratedSecret(chart, 'temporal-db-credentials', { generator, literals: { username: 'temporal' } });
    // THEN
    const es = findObject(synth(chart), 'ExternalSecret', 'temporal-db-credentials');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata.namespace).toBe('services');
    expect(at(es, 'spec.refreshPolicy')).toBe('CreatedOnce');
    expect(at(es, 'spec.dataFrom')).toEqual([{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'ClusterGenerator', name: 'password-64-length' } } }]);
    expect(at(es, 'spec.target')).toEqual({
      name: 'temporal-db-credentials',
      creationPolicy: 'Owner',
      deletionPolicy: 'Retain',
      template: { engineVersion: 'v2', type: 'kubernetes.io/basic-auth', data: { password: '{{ .password }}', username: 'temporal' } },
    });
    // Regenerating the password would lock out what was initialised with it: Argo CD asks first.
    expect(es.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=confirm,Delete=confirm' });
    // Typed references, never values.
    expect(secret.password).toEqual({ secret: 'temporal-db-credentials', key: 'password' });
    expect(secret.key('username')).toEqual({ secret: 'temporal-db-credentials', key: 'username' });
  });

  test('uses a PasswordGenerator construct; a custom password key and no username give an Opaque Secret', () => {
    // GIVEN
    const { app, chart } = applicationChart('minio', { namespace: 'minio' });
    const cluster = applicationChart('generators', { namespace: undefined });
    const password = new PasswordGenerator(cluster.chart, 'password-64-length');
    // WHEN
    const secret = new GeneratedSecret(chart, 'minio-root', { generator: password, passwordKey: 'rootPassword', literals: { rootUser: 'minio-admin' } });
    // THEN
    const es = findObject(synth(chart), 'ExternalSecret', 'minio-root');
    expect(at(es, 'spec.target.template')).toEqual({ engineVersion: 'v2', type: 'Opaque', data: { rootPassword: '{{ .password }}', rootUser: 'minio-admin' } });
    expect(secret.password).toEqual({ secret: 'minio-root', key: 'rootPassword' });
    expect(app).toBeDefined();
  });

  test('its references are what a Microservice\'s secretEnv takes', () => {
    // GIVEN
    const { chart } = applicationChart('api', { namespace: 'services' });
    const secret = new GeneratedSecret(chart, 'api-token', { generator });
    // WHEN
    new Microservice(chart, 'api', { image: { repository: 'ghcr.io/acme/api', tag: '1.0.0' }, port: 8080, healthCheck: { path: '/healthz' }, secretEnv: { API_TOKEN: secret.password } });
    // THEN
    const env = at(findObject(synth(chart), 'Deployment', 'api'), 'spec.template.spec.containers.0.env') as unknown[];
    expect(env).toContainEqual({ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'password' } } });
  });

  test('refuses a literal that looks like a secret, and a literal under the password key', () => {
    let error: unknown;
    try {
      new GeneratedSecret(applicationChart().chart, 'db', { generator, literals: { password: 'x', api_token: 'hunter2hunter2' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.field)).toEqual(['literals.password', 'literals.api_token']);
    expect(problems[0]?.message).toMatch(/'password' is the generated password's key/);
    expect(problems[1]?.message).toMatch(/looks like a secret/);
    // The value is never echoed back.
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('refuses a namespaced generator of another namespace', () => {
    const other: IPasswordGenerator = { generatorApiVersion: 'generators.external-secrets.io/v1alpha1', generatorKind: 'Password', generatorName: 'pw', generatorNamespace: 'kafka' };
    expect(() => new GeneratedSecret(applicationChart('x', { namespace: 'services' }).chart, 'db', { generator: other }))
      .toThrow(/field 'generator'.*only visible to ExternalSecrets of its own namespace 'kafka'/);
  });

  test('refuses a key it does not have, and a chart without namespace', () => {
    const secret = new GeneratedSecret(applicationChart().chart, 'db', { generator, literals: { username: 'app' } });
    expect(() => (secret as GeneratedSecret<string>).key('user')).toThrow(/GeneratedSecret 'db' has no key 'user' \(keys: password, username\)/);
    expect(() => new GeneratedSecret(Testing.chart(), 'db', { generator } as GeneratedSecretProps)).toThrow(/field 'namespace'.*the Secret needs a namespace/);
  });
});
