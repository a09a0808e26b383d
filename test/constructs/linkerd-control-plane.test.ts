import { ApplicationChart, DynamicStorage, KafkaPlatform, LinkerdControlPlane, LINKERD_CHART_VERSION, Microservice, podSecurityAdmits, Redis } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const image = { repository: 'ghcr.io/acme/api', tag: '1.0.0' };

describe('LinkerdControlPlane', () => {
  test('pins the control plane chart with the CNI plugin and an identity from existing objects (no key in values)', () => {
    const { app, chart } = applicationChart('api');
    const linkerd = new LinkerdControlPlane(app, 'linkerd-control-plane', { context: chart.context });
    expect([linkerd.helm.chart, linkerd.helm.version, linkerd.helm.repoURL, linkerd.destinationNamespace]).toEqual(['linkerd-control-plane', LINKERD_CHART_VERSION, 'https://helm.linkerd.io/edge', 'linkerd']);
    expect(linkerd.helm.values).toEqual({
      cniEnabled: true,
      identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } },
      proxy: { resources: { cpu: { request: '50m', limit: '1' }, memory: { request: '32Mi', limit: '256Mi' } } },
    });
    expect(JSON.stringify(linkerd.helm.values)).not.toMatch(/PEM|keyPEM|crtPEM/);
    expect(linkerd.meshedPodSecurity).toBe('restricted');
  });

  test('meshes a workload: inject annotation, skip ports derived from its cloud secrets, synced after the mesh', () => {
    // GIVEN
    const { app, chart } = applicationChart('api');
    const linkerd = new LinkerdControlPlane(app, 'linkerd-control-plane', { context: chart.context });
    // WHEN
    new Microservice(chart, 'api', {
      image, port: 8080, healthCheck: { path: '/healthz' }, mesh: linkerd,
      serviceAccount: { awsRoleArn: 'arn:aws:iam::123456789012:role/api' },
      cloudSecrets: {
        region: 'us-east-1',
        objects: { db: { fields: { 'db-url': 'url' }, connectsTo: { engine: 'mongodb' } }, cache: { fields: { 'cache-host': 'host' }, connectsTo: { engine: 'redis' } } },
        env: { DB_URL: 'db-url', CACHE_HOST: 'cache-host' },
      },
    });
    // THEN
    expect(at(findObject(synth(chart), 'Deployment', 'api'), 'spec.template.metadata.annotations')).toEqual({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/skip-outbound-ports': '6379,27017' });
    expect(chart.dependencies).toEqual([linkerd]);
  });

  test('without the CNI plugin a meshed workload in a restricted (or baseline) namespace is refused; meshed: false opts out', () => {
    const { app, chart } = applicationChart('api');
    const linkerd = new LinkerdControlPlane(app, 'linkerd-control-plane', { context: chart.context, cni: false });
    expect(linkerd.meshedPodSecurity).toBe('privileged');
    expect(() => new Microservice(chart, 'api', { image, port: 8080, healthCheck: { path: '/healthz' }, mesh: linkerd }))
      .toThrow("joins the linkerd mesh, but namespace 'apps' enforces Pod Security 'restricted' and would refuse its pods: without the Linkerd CNI plugin every meshed pod runs the linkerd-init container with NET_ADMIN and NET_RAW");
    new Microservice(chart, 'other', { image, port: 8080, healthCheck: { path: '/healthz' }, mesh: linkerd, meshed: false });
    expect(at(findObject(synth(chart), 'Deployment', 'other'), 'spec.template.metadata.annotations')).toBeUndefined();
    expect([podSecurityAdmits('baseline', 'privileged'), podSecurityAdmits('baseline', 'restricted'), podSecurityAdmits('restricted', 'baseline')]).toEqual([false, true, false]);
  });

  test('skip ports also come from typed in-cluster dependencies: Kafka\'s listeners, Redis; the workload syncs after them', () => {
    // GIVEN Kafka in an application of its own and a Redis beside the workload
    const { app, chart } = applicationChart('api');
    const linkerd = new LinkerdControlPlane(app, 'linkerd-control-plane', { context: chart.context });
    const kafkaApp = new ApplicationChart(app, 'kafka', { context: chart.context, namespace: 'kafka', version: '1' });
    const kafka = new KafkaPlatform(kafkaApp, 'events', { storage: new DynamicStorage('gp3') });
    const redis = new Redis(chart, 'cache', { image: { repository: 'redis', tag: '7.4.1' } });
    // WHEN
    const api = new Microservice(chart, 'api', { image, port: 8080, healthCheck: { path: '/healthz' }, mesh: linkerd, connectsTo: [kafka, redis] });
    // THEN
    expect(api.skipOutboundPorts).toEqual([6379, 9092, 9093]);
    expect(at(findObject(synth(chart), 'Deployment', 'api'), 'spec.template.metadata.annotations')).toEqual({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/skip-outbound-ports': '6379,9092,9093' });
    expect(chart.dependencies.map((d) => d.appName)).toEqual(['kafka', 'linkerd-control-plane']);
  });
});
