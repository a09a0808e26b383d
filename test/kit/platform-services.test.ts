/** The platform-services entry kinds, through a small platform (the monorepo example covers the rest). */
import { App } from 'cdk8s';
import { existingGateway } from '../../constructs';
import {
  defineBase, defineEnvironment, defineImages, definePlatform, externalSecretsOperator, passwordGenerator, platformBuild, sharedDatabaseService, sharedPostgres,
} from '../../tools/kit';
import { renderApp } from '../../tools/synth/render';
import { at, Manifest } from '../helpers';

function render(namespace: string): Manifest[] {
  const images = defineImages({ pg: { repository: 'ghcr.io/voltade/postgres', tag: '17.5-20250805-859fe66' } });
  const eso = externalSecretsOperator();
  const passwords = passwordGenerator({ operator: eso });
  const postgres = sharedPostgres({ namespace: 'services', image: images.pg, passwordGenerator: passwords, databases: { orders: {} } });
  const orders = sharedDatabaseService({
    image: { repository: 'ghcr.io/acme/orders', tag: '1.0.0' }, namespace, port: 8080, healthCheck: { path: '/healthz' },
    database: postgres.database('orders'), route: { gateway: existingGateway('gw', 'gateway'), hostnames: ['orders.example.com'] },
  });
  const platform = definePlatform({ name: 'shop', images, apps: { 'external-secrets': eso, 'passwords': passwords, 'common': postgres, 'orders': orders }, source: 'test/platform.ts' });
  const env = defineEnvironment(defineBase(platform, { namespace: 'services', storage: { mode: 'dynamic', storageClassName: 'standard' }, gitops: { repoURL: 'https://github.com/acme/r.git', branch: 'rendered' } }), { name: 'dev', stage: 'development' });
  return [...(platformBuild(platform, [env])('dist') as Iterable<App>)].flatMap((app) => renderApp(app)).flatMap((e) => e.applications.flatMap((a) => a.objects.map((o) => o.object as Manifest)));
}

describe('sharedDatabaseService', () => {
  test('gets the DATABASE_* contract from its database reference, and its route', () => {
    const objects = render('services');
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'orders');
    expect(at(deployment, 'spec.template.spec.containers.0.env')).toEqual(expect.arrayContaining([
      { name: 'DATABASE_HOST', value: 'common-rw.services.svc' },
      { name: 'DATABASE_PORT', value: '5432' },
      { name: 'DATABASE_NAME', value: 'orders' },
      { name: 'DATABASE_USER', valueFrom: { secretKeyRef: { name: 'common-orders', key: 'username' } } },
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'common-orders', key: 'password' } } },
    ]));
    expect(objects.find((o) => o.kind === 'HTTPRoute')?.spec).toMatchObject({ hostnames: ['orders.example.com'], rules: [{ backendRefs: [{ name: 'orders', port: 8080 }] }] });
    expect(objects.find((o) => o.kind === 'Database')?.spec).toMatchObject({ name: 'orders', owner: 'orders' });
  });

  test('a namespace other than the cluster\'s is a clear error', () => {
    expect(() => render('shop')).toThrow(/application 'orders'.*runs in namespace 'shop', but database 'orders' of cluster 'common' has its credentials Secret in 'services'/s);
  });
});
