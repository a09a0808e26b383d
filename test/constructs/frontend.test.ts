import { App, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ApplicationChart } from '../../constructs';
import { Frontend, FrontendProps } from '../../constructs';
import { IHttpBackend } from '../../constructs';
import { applicationChart, at, findObject, findObjects, Json, synth } from '../helpers';

const image = { repository: 'healthxcape/frontend', tag: 'v1.0.1' };

/** A minimal IHttpBackend in another application of the same App. */
function backend(chart: ApplicationChart, url: string): IHttpBackend {
  const other = new ApplicationChart(chart.node.root as App, 'backend-app', { context: chart.context, namespace: 'apps', version: '1' });
  return Object.assign(new Construct(other, 'svc'), { url });
}

describe('Frontend', () => {
  test('every prop reaches the manifest', () => {
    // GIVEN
    const { chart } = applicationChart('web');
    // The frontend's own props, and the workload options it sets defaults for (the others: microservice.test.ts).
    type Own = 'image' | 'hosts' | 'name' | 'port' | 'servicePort' | 'healthCheck' | 'probes' | 'replicas' | 'resources' | 'env' | 'backends' | 'tls' | 'ingressClassName' | 'writablePaths' | 'runAsUser' | 'component';
    const all: Required<Pick<FrontendProps, Own>> = {
      image: { repository: 'org/web', tag: 'v2.3.4' },
      hosts: ['example.com', 'www.example.com'],
      name: 'portal',
      port: 8080,
      servicePort: 8081,
      healthCheck: { path: '/healthz' },
      probes: {
        startup: { periodSeconds: 7, timeoutSeconds: 2, failureThreshold: 11 },
        liveness: { periodSeconds: 9, timeoutSeconds: 4, failureThreshold: 5 },
        readiness: { periodSeconds: 6, timeoutSeconds: 1, failureThreshold: 2 },
      },
      replicas: 4,
      resources: { requests: { cpu: '200m', memory: '300Mi' }, limits: { cpu: '700m', memory: '600Mi' } },
      env: { FEATURE_FLAG: 'on' },
      backends: {},
      tls: { clusterIssuer: 'letsencrypt-staging', secretName: 'portal-cert' },
      ingressClassName: 'traefik',
      writablePaths: ['/var/cache/web'],
      runAsUser: { uid: 1001, gid: 1002, fsGroup: 1003 },
      component: 'web',
    };
    // WHEN
    new Frontend(chart, 'frontend', all);
    const objects = synth(chart);
    // THEN
    const deployment = findObject(objects, 'Deployment', 'portal');
    const pod = at(deployment, 'spec.template.spec') as Json;
    const container = (pod.containers as Json[])[0] as Json;
    expect(at(deployment, 'spec.replicas')).toBe(4);
    expect(container.image).toBe('org/web:v2.3.4');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(at(container, 'livenessProbe.httpGet.path')).toBe('/healthz');
    expect(at(container, 'readinessProbe.periodSeconds')).toBe(6);
    expect(at(container, 'startupProbe.failureThreshold')).toBe(11);
    expect(at(container, 'livenessProbe.timeoutSeconds')).toBe(4);
    expect(container.resources).toEqual({ requests: { cpu: '200m', memory: '300Mi' }, limits: { cpu: '700m', memory: '600Mi' } });
    expect(container.env).toEqual(expect.arrayContaining([{ name: 'FEATURE_FLAG', value: 'on' }, { name: 'PORT', value: '8080' }]));
    expect(container.volumeMounts).toEqual([{ name: 'var-cache-web', mountPath: '/var/cache/web' }]);
    expect(pod.securityContext).toEqual(expect.objectContaining({ runAsUser: 1001, runAsGroup: 1002, fsGroup: 1003 }));
    const service = findObject(objects, 'Service', 'portal');
    expect(at(service, 'spec.ports')).toEqual([{ name: 'http', port: 8081, targetPort: 'http', protocol: 'TCP' }]);
    const ingress = findObject(objects, 'Ingress', 'portal');
    expect(at(ingress, 'spec.ingressClassName')).toBe('traefik');
    expect(at(ingress, 'metadata.annotations')).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-staging' });
    expect(at(ingress, 'spec.tls')).toEqual([{ hosts: ['example.com', 'www.example.com'], secretName: 'portal-cert' }]);
    expect(findObjects(objects, 'PodDisruptionBudget')).toHaveLength(1);
    expect(deployment.metadata.labels?.['app.kubernetes.io/component']).toBe('web');
  });

  test('defaults: 2 replicas, port 3000, health check on /, nginx with ssl-redirect, letsencrypt-prod', () => {
    const { chart } = applicationChart('web');
    new Frontend(chart, 'frontend', { image, hosts: ['healthxcape.com'] });
    const objects = synth(chart);
    const deployment = findObject(objects, 'Deployment', 'frontend');
    const container = at(deployment, 'spec.template.spec.containers.0') as Json;
    expect(at(deployment, 'spec.replicas')).toBe(2);
    expect(at(container, 'ports.0.containerPort')).toBe(3000);
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      expect(at(container, `${probe}.httpGet`)).toEqual({ path: '/', port: 'http' });
    }
    const ingress = findObject(objects, 'Ingress', 'frontend');
    expect(at(ingress, 'metadata.annotations')).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
    });
    expect(at(ingress, 'spec.ingressClassName')).toBe('nginx');
    expect(at(ingress, 'spec.tls.0.secretName')).toBe('frontend-tls');
    // Next.js writes its cache: both writable paths are emptyDirs, the root file system is read-only.
    expect(at(container, 'securityContext.readOnlyRootFilesystem')).toBe(true);
    expect(at(deployment, 'spec.template.spec.volumes')).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'app-next-cache', emptyDir: {} },
    ]);
  });

  test('serves every host with its own rule, all under one TLS certificate', () => {
    const { chart } = applicationChart('web');
    const hosts = ['healthxcape.com', 'www.healthxcape.com', 'auth.healthxcape.com'];
    new Frontend(chart, 'frontend', { image, hosts });
    const ingress = findObject(synth(chart), 'Ingress');
    const rules = at(ingress, 'spec.rules') as Json[];
    expect(rules.map((r) => r.host)).toEqual(hosts);
    for (const rule of rules) {
      expect(at(rule, 'http.paths')).toEqual([{ path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend', port: { name: 'http' } } } }]);
    }
    expect(at(ingress, 'spec.tls.0.hosts')).toEqual(hosts);
  });

  test('two frontends in one namespace never share a selector', () => {
    const { chart } = applicationChart('web');
    new Frontend(chart, 'frontend', { image, hosts: ['a.example.com'] });
    new Frontend(chart, 'auth-frontend', { image, hosts: ['auth.example.com'] });
    const objects = synth(chart);
    const selectors = findObjects(objects, 'Deployment').map((d) => JSON.stringify(at(d, 'spec.selector.matchLabels')));
    expect(new Set(selectors).size).toBe(2);
    expect(at(findObject(objects, 'Service', 'auth-frontend'), 'spec.selector')).toEqual({
      'app.kubernetes.io/instance': 'auth-frontend',
      'app.kubernetes.io/name': 'auth-frontend',
    });
  });

  test('pull policy and registry mirror come from the environment', () => {
    const { chart } = applicationChart('web', { context: { imagePullPolicy: 'Never', registryMirror: 'mirror.local:5000' } });
    new Frontend(chart, 'frontend', { image, hosts: ['a.example.com'] });
    const container = at(findObject(synth(chart), 'Deployment'), 'spec.template.spec.containers.0') as Json;
    expect(container.image).toBe('mirror.local:5000/docker.io/healthxcape/frontend:v1.0.1');
    expect(container.imagePullPolicy).toBe('Never');
  });

  test('injects backend URLs and makes the frontend application depend on theirs', () => {
    const { chart } = applicationChart('web');
    const api = backend(chart, 'http://identity-service.apps.svc:3000');
    new Frontend(chart, 'frontend', { image, hosts: ['a.example.com'], backends: { IDENTITY_API_URL: api } });
    const container = at(findObject(synth(chart), 'Deployment'), 'spec.template.spec.containers.0') as Json;
    expect(container.env).toContainEqual({ name: 'IDENTITY_API_URL', value: 'http://identity-service.apps.svc:3000' });
    expect(chart.dependencies.map((d) => d.appName)).toEqual(['backend-app']);
  });

  test('one replica gets no PodDisruptionBudget (it would block node drains)', () => {
    const { chart } = applicationChart('web');
    new Frontend(chart, 'frontend', { image, hosts: ['a.example.com'], replicas: 1 });
    expect(findObjects(synth(chart), 'PodDisruptionBudget')).toHaveLength(0);
  });

  test.each([
    ['replicas 0', { replicas: 0 }, /field 'replicas': Microservice 'frontend': 'replicas' must be an integer between 1 and 1000 \(got 0\)/],
    ['an invalid host', { hosts: ['Bad_Host'] }, /field 'hosts\[0\]': .*is not a valid host name: must be a DNS-1123 subdomain.*\(got "Bad_Host"\)/],
    ['a duplicate host', { hosts: ['a.example.com', 'a.example.com'] }, /field 'hosts\[1\]': .*host "a.example.com" is listed twice/],
    ['no hosts', { hosts: [] }, /'hosts' must list at least one host name/],
    ['a health path without /', { healthCheck: { path: 'health' } }, /'healthCheck.path' must start with '\/'/],
    ['a secret literal in env', { env: { API_TOKEN: 'abc' } }, /'API_TOKEN' looks like a secret but carries a literal value/],
    ['running as root', { runAsUser: { uid: 0, gid: 0, fsGroup: 0 } }, /'uid' must not be 0/],
    ['a port out of range', { port: 70000 }, /'port' must be an integer between 1 and 65535 \(got 70000\)/],
    ['requests above limits', { resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }, /request 2 is larger than the limit 1/],
  ])('fails with a clear message on %s', (_what, override, message) => {
    const { chart } = applicationChart('web');
    expect(() => new Frontend(chart, 'frontend', { image, hosts: ['a.example.com'], ...override })).toThrow(message);
  });

  test('errors name the environment file, the application and the field', () => {
    const { chart } = applicationChart('frontend', { context: { environment: 'prod', source: 'environments/prod.ts' } });
    expect(() => new Frontend(chart, 'frontend', { image, hosts: ['a.example.com'], replicas: 0 }))
      .toThrow("environments/prod.ts (environment 'prod'), application 'frontend', field 'replicas': Microservice 'frontend': 'replicas' must be an integer between 1 and 1000 (got 0)");
  });

  test('works in a plain cdk8s chart with default context', () => {
    const chart = Testing.chart();
    new Frontend(chart, 'frontend', { image, hosts: ['a.example.com'] });
    expect(at(findObject(synth(chart), 'Deployment'), 'spec.template.spec.containers.0.imagePullPolicy')).toBe('IfNotPresent');
  });
});
