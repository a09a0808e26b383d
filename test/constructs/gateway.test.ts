import { ApplicationChart, Certificate, Gateway, HttpRoute, Microservice, SelfSignedCa } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

describe('Gateway', () => {
  test('listeners with TLS from a typed certificate and the issuer annotation; routes attach when a listener admits them', () => {
    // GIVEN
    const { app, chart } = applicationChart('gateway', { namespace: 'gateway' });
    const caChart = new ApplicationChart(app, 'ca', { context: chart.context, namespace: 'cert-manager', version: '1' });
    const ca = new SelfSignedCa(caChart, 'ca');
    const tls = new Certificate(chart, 'wildcard', { issuer: ca, dnsNames: ['*.127.0.0.1.nip.io'] });
    // WHEN
    const gateway = new Gateway(chart, 'cilium-gateway', {
      gatewayClassName: 'cilium',
      issuer: ca,
      listeners: [
        { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { from: 'Selector', namespaces: ['services', 'maildev'] } },
        { name: 'https', protocol: 'HTTPS', port: 443, hostname: '*.127.0.0.1.nip.io', tlsSecret: tls, allowedRoutes: { from: 'All' } },
      ],
    });
    // THEN
    const cr = findObject(synth(chart), 'Gateway', 'cilium-gateway');
    expect(cr.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'selfsigned-cluster-issuer' });
    expect(at(cr, 'spec.listeners')).toEqual([
      { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['maildev', 'services'] }] } } } },
      { name: 'https', protocol: 'HTTPS', port: 443, hostname: '*.127.0.0.1.nip.io', tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'wildcard-tls' }] }, allowedRoutes: { namespaces: { from: 'All' } } },
    ]);
    const services = new ApplicationChart(app, 'svc', { context: chart.context, namespace: 'kafka-ui', version: '1' });
    const ui = new Microservice(services, 'ui', { image: { repository: 'a/ui', tag: '1' }, port: 8080, healthCheck: { path: '/' } });
    expect(() => new HttpRoute(services, 'r', { gateway, sectionName: 'http', hostnames: ['ui.example.com'], rules: [{ backend: ui }] })).toThrow(/no HTTP\/HTTPS listener of Gateway 'gateway\/cilium-gateway' admits routes from namespace 'kafka-ui'/);
    expect(() => new HttpRoute(services, 's', { gateway, sectionName: 'https', hostnames: ['ui.127.0.0.1.nip.io'], rules: [{ backend: ui }] })).not.toThrow();
  });

  test('refuses an HTTPS listener without a certificate, a name used twice and a port clash', () => {
    const { chart } = applicationChart('gateway', { namespace: 'gateway' });
    expect(() => new Gateway(chart, 'g', { gatewayClassName: 'cilium', listeners: [
      { name: 'web', protocol: 'HTTPS', port: 443 },
      { name: 'web', protocol: 'HTTP', port: 80 },
      { name: 'other', protocol: 'HTTP', port: 80 },
    ] })).toThrow(/HTTPS listener 'web' has no certificate Secret[\s\S]*listener name 'web' is used twice[\s\S]*both take port 80/);
  });
});
