import { ApplicationChart, IngressRoute, Microservice } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const image = { repository: 'ghcr.io/acme/api', tag: '1.0.0' };

describe('IngressRoute', () => {
  test('Host and PathPrefix on websecure with TLS, to the named port of the Service', () => {
    // GIVEN
    const { chart } = applicationChart('api');
    const api = new Microservice(chart, 'api', { image, port: 8080, servicePort: 80, healthCheck: { path: '/healthz' } });
    // WHEN
    new IngressRoute(chart, 'route', { service: api, hosts: ['api.example.com', 'www.example.com'], pathPrefix: '/api/v1', tls: { secretName: 'api-tls' } });
    // THEN
    const route = findObject(synth(chart), 'IngressRoute', 'api');
    expect(route.apiVersion).toBe('traefik.io/v1alpha1');
    expect(at(route, 'spec')).toEqual({
      entryPoints: ['websecure'],
      routes: [{ kind: 'Rule', match: '(Host(`api.example.com`) || Host(`www.example.com`)) && PathPrefix(`/api/v1`)', services: [{ name: 'api', port: 'http' }] }],
      tls: { secretName: 'api-tls' },
    });
  });

  test('a Microservice renders its route from `ingressRoute` (one host, path /, the default certificate)', () => {
    const { chart } = applicationChart('api');
    new Microservice(chart, 'api', { image, port: 8080, healthCheck: { path: '/healthz' }, ingressRoute: { hosts: ['api.example.com'], entryPoints: ['web'], tls: { certResolver: 'letsencrypt' } } });
    const route = findObject(synth(chart), 'IngressRoute', 'api');
    expect([at(route, 'spec.entryPoints'), at(route, 'spec.routes.0.match'), at(route, 'spec.tls')]).toEqual([['web'], 'Host(`api.example.com`) && PathPrefix(`/`)', { certResolver: 'letsencrypt' }]);
  });

  test.each([
    [{ hosts: ['api.example.com'], port: 'admin' }, "routes to port 'admin', which Service 'api' does not expose (ports: http)"],
    [{ hosts: [] }, "'hosts' must list at least one host name"],
    [{ hosts: ['api'] }, 'is not a valid host name'],
    [{ hosts: ['api.example.com'], pathPrefix: 'api' }, "must start with '/'"],
  ])('refuses %j', (ingressRoute, message) => {
    const { chart } = applicationChart('api');
    expect(() => new Microservice(chart, 'api', { image, port: 8080, healthCheck: { path: '/healthz' }, ingressRoute })).toThrow(message);
  });

  test('a route to a workload without a Service is refused', () => {
    const { chart } = applicationChart('worker');
    const worker = new Microservice(chart, 'worker', { image, ports: { jobs: { port: 9000, protocol: 'tcp', expose: false } }, probes: { startup: false, liveness: { tcp: { port: 'jobs' } }, readiness: { tcp: { port: 'jobs' } } } });
    expect(() => new IngressRoute(chart, 'route', { service: worker, hosts: ['w.example.com'] })).toThrow("routes to port 'http', which Service 'worker' does not expose (ports: none)");
  });
});

describe('IngressRoute: one Traefik per cluster', () => {
  test('the same host and path routed twice on one cluster (two environments on the catalog\'s host) is refused; other paths are fine', () => {
    // GIVEN two applications of two environments in one App (one cluster)
    const { app, chart } = applicationChart('api', { context: { environment: 'production' } });
    const devChart = new ApplicationChart(app, 'dev.api', { context: { ...chart.context, environment: 'dev' }, appName: 'api', namespace: 'dev', version: '1' });
    new Microservice(chart, 'api', { image, port: 8080, healthCheck: { path: '/healthz' }, ingressRoute: { hosts: ['api.example.com'], pathPrefix: '/v1' } });
    new Microservice(devChart, 'other', { image, port: 8080, healthCheck: { path: '/healthz' }, ingressRoute: { hosts: ['api.example.com'], pathPrefix: '/v2' } });
    // WHEN / THEN
    expect(() => new Microservice(devChart, 'api', { image, port: 8080, healthCheck: { path: '/healthz' }, ingressRoute: { hosts: ['api.example.com'], pathPrefix: '/v1' } }))
      .toThrow("routes api.example.com/v1, which IngressRoute 'api' of production/api on the same cluster already routes");
  });
});
