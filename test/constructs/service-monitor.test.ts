import { Microservice, ServiceMonitor } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const image = { repository: 'ghcr.io/acme/api', tag: '1.0.0' };

describe('ServiceMonitor', () => {
  test('selects the Service by its stable labels in its namespace and scrapes the named port', () => {
    // GIVEN a workload with a metrics port
    const { chart } = applicationChart('api', { namespace: 'shop' });
    const api = new Microservice(chart, 'api', { image, ports: { http: { port: 8080 }, metrics: { port: 9090 } }, healthCheck: { path: '/healthz' } });
    // WHEN
    new ServiceMonitor(chart, 'monitor', { service: api, port: 'metrics', path: '/prometheus', interval: '15s' });
    // THEN
    const monitor = findObject(synth(chart), 'ServiceMonitor', 'api');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(at(monitor, 'spec')).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/name': 'api' } },
      namespaceSelector: { matchNames: ['shop'] },
      endpoints: [{ port: 'metrics', path: '/prometheus', interval: '15s' }],
    });
  });

  test('defaults: port http, /metrics every 30s; a Microservice renders it from `metrics`', () => {
    const { chart } = applicationChart('api');
    new Microservice(chart, 'api', { image, port: 8080, healthCheck: { path: '/healthz' }, metrics: {} });
    expect(at(findObject(synth(chart), 'ServiceMonitor', 'api'), 'spec.endpoints')).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
  });

  test.each([
    [{ port: 'metrics' }, "scrapes port 'metrics', which Service 'api' does not expose (ports: http)"],
    [{ interval: '30 seconds' }, "must be a Prometheus duration such as '30s'"],
    [{ path: 'metrics' }, "must start with '/'"],
  ])('refuses %j', (metrics, message) => {
    const { chart } = applicationChart('api');
    expect(() => new Microservice(chart, 'api', { image, port: 8080, healthCheck: { path: '/healthz' }, metrics })).toThrow(message);
  });
});
