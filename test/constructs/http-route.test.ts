import { existingGateway, HttpRoute, Microservice } from '../../constructs';
import { applicationChart, findObject, synth } from '../helpers';

const gateway = existingGateway('cilium-gateway', 'gateway');

function temporalUi() {
  const { chart } = applicationChart('temporal', { namespace: 'services' });
  const ui = new Microservice(chart, 'temporal-ui', { image: { repository: 'temporalio/ui', tag: '2.34.0' }, port: 8080, healthCheck: { path: '/' } });
  return { chart, ui };
}

describe('HttpRoute', () => {
  test('the seed\'s temporal-ui route: parentRefs to cilium-gateway in gateway, the host, the Service port by reference', () => {
    // GIVEN
    const { chart, ui } = temporalUi();
    // WHEN
    new HttpRoute(chart, 'route', { name: 'temporal-ui', gateway, hostnames: ['temporal.127.0.0.1.nip.io'], rules: [{ backend: ui }] });
    // THEN
    const route = findObject(synth(chart), 'HTTPRoute', 'temporal-ui');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata.namespace).toBe('services');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'cilium-gateway', namespace: 'gateway' }],
      hostnames: ['temporal.127.0.0.1.nip.io'],
      rules: [{ backendRefs: [{ name: 'temporal-ui', port: 8080 }] }],
    });
  });

  test('a path prefix and a listener section reach the manifest', () => {
    const { chart, ui } = temporalUi();
    new HttpRoute(chart, 'r', { gateway: existingGateway('gw', 'gateway', [{ name: 'web', protocol: 'HTTP', allowedRoutes: { from: 'All' } }]), sectionName: 'web', hostnames: ['a.example.com'], rules: [{ backend: ui, pathPrefix: '/api' }] });
    const route = findObject(synth(chart), 'HTTPRoute', 'r');
    expect(route.spec).toMatchObject({ parentRefs: [{ name: 'gw', namespace: 'gateway', sectionName: 'web' }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }] }] });
  });

  test('a route to a missing Service port is a clear error naming the ports there are', () => {
    const { chart, ui } = temporalUi();
    expect(() => new HttpRoute(chart, 'r', { gateway, hostnames: ['a.example.com'], rules: [{ backend: ui, port: 'web' }] }))
      .toThrow(/field 'rules\[0\]\.port'.*Service 'temporal-ui' has no port 'web' \(ports: http\).*Fix: name one of its Service ports/);
  });

  test('refuses a namespace no listener admits, a missing listener, a backend elsewhere, and no host', () => {
    const { chart, ui } = temporalUi();
    const same = existingGateway('gw', 'gateway', [{ name: 'web', protocol: 'HTTP' }]);
    expect(() => new HttpRoute(chart, 'a', { gateway: same, hostnames: ['a.example.com'], rules: [{ backend: ui }] })).toThrow(/no HTTP\/HTTPS listener of Gateway 'gateway\/gw' admits routes from namespace 'services'/);
    expect(() => new HttpRoute(chart, 'b', { gateway: same, sectionName: 'websecure', hostnames: ['a.example.com'], rules: [{ backend: ui }] })).toThrow(/has no listener 'websecure' \(listeners: web\)/);
    const other = applicationChart('x', { namespace: 'kafka' }).chart;
    expect(() => new HttpRoute(other, 'c', { gateway, hostnames: ['a.example.com'], rules: [{ backend: ui }] })).toThrow(/Service 'temporal-ui' is in namespace 'services', not the route's 'kafka'/);
    expect(() => new HttpRoute(chart, 'd', { gateway, hostnames: ['not a host'], rules: [{ backend: ui }] })).toThrow(/hostnames\[0\]/);
  });
});
