/** Platform-service entries and services bound to them (tools/kit/services.ts). */
import { App } from 'cdk8s';
import { bindingEnv, defineChart } from '../../constructs';
import { ChartWorkload, defineEnvironment, defineImages, definePlatform, kafkaPlatform, kafkaService, platformBuild, redisStore, service } from '../../tools/kit';
import { renderApp } from '../../tools/synth/render';
import { at, Manifest, objectsOf } from '../helpers';

const images = defineImages({ 'redis-server': { repository: 'redis', tag: '7.4.6-alpine' } });
const cache = redisStore({ image: images['redis-server'], storageSize: '3Gi' });
const events = kafkaPlatform({ name: 'events', topics: { orders: {} } });
const api = service({ image: { repository: 'ghcr.io/acme/api', tag: '1.0.0' }, port: 8080, healthCheck: { path: '/health' }, uses: { CACHE: cache, EVENTS: kafkaService(events) } });
const platform = definePlatform({ name: 'shop', images, apps: { cache, events, api } });

function render(): Manifest[] {
  const env = defineEnvironment(platform, {
    name: 'dev', stage: 'development', namespace: 'shop', gitops: { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered' },
    storage: { mode: 'dynamic', storageClassName: 'gp3' },
  });
  return [...(platformBuild(platform, [env])('dist') as Iterable<App>)].flatMap((app) => renderApp(app)).flatMap((e) => objectsOf(e)).map((o) => o.object);
}

describe('platform services', () => {
  const objects = render();
  const find = (kind: string, name: string): Manifest | undefined => objects.find((o) => o.kind === kind && o.metadata.name === name);

  test('redisStore() renders Redis with its append-only file on a volume from the environment\'s storage', () => {
    const redis = find('StatefulSet', 'cache');
    expect(at(redis, 'spec.replicas')).toBe(1);
    expect(at(redis, 'spec.template.spec.containers.0.args')).toEqual(['--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', '/data']);
    expect(at(redis, 'spec.volumeClaimTemplates.0.spec.storageClassName')).toBe('gp3');
    expect(at(redis, 'spec.volumeClaimTemplates.0.spec.resources.requests.storage')).toBe('3Gi');
    expect(at(redis, 'spec.template.spec.securityContext.runAsUser')).toBe(999);
  });

  test('a service gets each platform service\'s connection settings under its prefix, and syncs after them', () => {
    const env = at(find('Deployment', 'api'), 'spec.template.spec.containers.0.env') as { name: string; value?: string }[];
    expect(env.filter((e) => /^(CACHE|EVENTS)_/.test(e.name))).toEqual([
      { name: 'CACHE_HOST', value: 'cache.shop.svc' }, { name: 'CACHE_PORT', value: '6379' },
      { name: 'EVENTS_HOST', value: 'events-kafka-bootstrap.shop' }, { name: 'EVENTS_PORT', value: '9092' },
    ]);
    const wave = (name: string): unknown => find('Application', name)?.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect([wave('dev-cache'), wave('dev-events'), wave('dev-api')]).toEqual(['1', '1', '2']);
  });

  test('bindingEnv: literals for host, port, database and a literal user; Secret keys for credentials and connection strings', () => {
    expect(bindingEnv('DB', { type: 'postgresql', host: 'db', port: 5432, database: 'app', username: { secret: 'db-app', key: 'username' }, password: { secret: 'db-app', key: 'password' } })).toEqual({
      literals: { DB_HOST: 'db', DB_PORT: '5432', DB_NAME: 'app' },
      secrets: { DB_USER: { secret: 'db-app', key: 'username' }, DB_PASSWORD: { secret: 'db-app', key: 'password' } },
    });
    expect(bindingEnv('DOCS', { type: 'mongodb', host: 'm', port: 27017, username: 'app', uri: { secret: 'm-uri', key: 'connectionString.standard' } }).literals).toEqual({ DOCS_HOST: 'm', DOCS_PORT: '27017', DOCS_USER: 'app' });
  });

  test('a uses prefix that is not an upper-case environment variable prefix is refused', () => {
    expect(() => service({ image: { repository: 'ghcr.io/acme/api' }, uses: { database: cache } })).toThrow(/'uses\.database' must be an upper-case environment-variable prefix such as DATABASE/);
  });

  test('redisStore() options are checked: an unknown appendfsync policy', () => {
    expect(() => defineEnvironment(platform, {
      name: 'dev', stage: 'development', gitops: { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered' }, apps: { cache: { appendfsync: 'sometimes' as never } },
    })).toThrow(/field 'apps\.cache\.appendfsync'.*Fix: use 'always', 'everysec' or 'no'/);
  });

  test('chart delivery: the values get the image under the registry mirror and the pull policy, and the image list names it', () => {
    // GIVEN a chart whose values are the workload itself, and an air-gapped environment
    const chart = defineChart<ChartWorkload>({
      chart: { registry: 'ghcr.io/acme', name: 'svc', version: '2.0.0' },
      images: (w) => [{ field: 'image', image: w.image }],
      resources: (w) => [{ field: 'resources', resources: w.resources }],
    });
    const svc = service({ image: { repository: 'ghcr.io/acme/svc', tag: '1.0.0' }, runtime: 'node', delivery: 'chart', deliverAs: { chart, values: (w) => w } });
    const single = definePlatform({ name: 'shop', apps: { svc } });
    const env = defineEnvironment(single, {
      name: 'prod', stage: 'production', namespace: 'shop', registryMirror: 'registry.internal:5000', imagePullPolicy: 'Never',
      gitops: { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered' },
    });
    // WHEN
    const app = [...(platformBuild(single, [env])('dist') as Iterable<App>)].flatMap((a) => renderApp(a)).flatMap((e) => objectsOf(e)).map((o) => o.object)
      .find((o) => o.kind === 'Application' && o.metadata.name === 'prod-svc');
    // THEN
    expect(at(app, 'spec.source.helm.valuesObject.image')).toEqual({ repository: 'registry.internal:5000/ghcr.io/acme/svc', tag: '1.0.0' });
    expect(at(app, 'spec.source.helm.valuesObject.imagePullPolicy')).toBe('Never');
    expect(at(app, 'spec.source.helm.valuesObject.resources')).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(app?.metadata.annotations?.['platform-synth.io/images']).toBe('registry.internal:5000/ghcr.io/acme/svc:1.0.0');
  });
});
