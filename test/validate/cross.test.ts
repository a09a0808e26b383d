/**
 * Cross-object rules: each fires on the mistake and stays silent on the valid neighbour.
 */
import { validateEnvironments } from '../../tools/validate';
import { changed, container, deployment, environment, findings, meta, Obj, service, validate } from './helpers';

const ingress = (name: string, host: string, path = '/', annotations: Obj = {}): Obj => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta(name, 'shop', { annotations }),
  spec: { rules: [{ host, http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }] },
});

/** A Deployment `web` whose container has `env`. */
const withEnv = (env: Obj[], name = 'web'): Obj => changed(deployment(name), (o) => {
  (((o.spec as Obj).template as Obj).spec as Obj).containers = [container('app', { env })];
});

describe('ref/host-conflict', () => {
  test('two Ingresses claiming the same host and path are an error naming the other one', () => {
    const [f] = findings(validate({ web: [deployment(), service(), ingress('web', 'shop.example.com')], admin: [ingress('admin', 'shop.example.com')] }), 'ref/host-conflict');
    expect(f).toMatchObject({ application: 'admin', path: 'spec.rules[0].host', value: 'shop.example.com' });
    expect(f?.message).toMatch(/also claimed by Ingress 'shop\/web' of application 'web'/);
  });

  test('the same host with different paths, or different hosts, pass', () => {
    expect(findings(validate({ web: [deployment(), service(), ingress('web', 'shop.example.com'), ingress('api', 'shop.example.com', '/api'), ingress('www', 'www.example.com')] }), 'ref/host-conflict')).toEqual([]);
  });

  test('HTTPRoutes on one Gateway conflict; on different Gateways they do not', () => {
    const route = (name: string, gateway: string): Obj => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta(name), spec: { parentRefs: [{ name: gateway }], hostnames: ['shop.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] } });
    expect(findings(validate({ web: [route('a', 'public'), route('b', 'public')] }), 'ref/host-conflict').map((f) => f.name)).toEqual(['b']);
    expect(findings(validate({ web: [route('a', 'public'), route('b', 'internal')] }), 'ref/host-conflict')).toEqual([]);
  });
});

describe('ref/production-host', () => {
  const staging = (host: string): ReturnType<typeof environment> => environment({ web: [deployment(), service(), ingress('web', host)] }, { name: 'staging', stage: 'staging' });
  const prod = environment({ web: [deployment(), service(), ingress('web', 'shop.example.com')] }, { name: 'prod', stage: 'production' });

  test('staging claiming a production host is an error in staging', () => {
    const [f] = findings(validateEnvironments([staging('shop.example.com'), prod]), 'ref/production-host');
    expect(f).toMatchObject({ environment: 'staging', path: 'spec.rules[0].host' });
    expect(f?.message).toMatch(/staging environment 'staging' claims host 'shop\.example\.com', which production environment 'prod' serves/);
  });

  test('staging on hosts of its own passes', () => {
    expect(findings(validateEnvironments([staging('staging.shop.example.com'), prod]), 'ref/production-host')).toEqual([]);
  });
});

describe('ref/staging-issuer', () => {
  test('a production Ingress using the Let\'s Encrypt staging issuer is an error', () => {
    const report = validate({ web: [deployment(), service(), ingress('web', 'shop.example.com', '/', { 'cert-manager.io/cluster-issuer': 'letsencrypt-staging' })] });
    expect(findings(report, 'ref/staging-issuer').map((f) => [f.path, f.value])).toEqual([['metadata.annotations["cert-manager.io/cluster-issuer"]', 'letsencrypt-staging']]);
  });

  test('a rendered issuer is judged by its ACME server, not its name', () => {
    const issuer = (server: string): Obj => ({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: meta('public', null), spec: { acme: { server, privateKeySecretRef: { name: 'acme' }, solvers: [{ http01: { ingress: {} } }] } } });
    const web = (i: Obj): Obj[] => [deployment(), service(), ingress('web', 'shop.example.com', '/', { 'cert-manager.io/cluster-issuer': 'public' }), i];
    expect(findings(validate({ web: web(issuer('https://acme-staging-v02.api.letsencrypt.org/directory')) }), 'ref/staging-issuer')).toHaveLength(1);
    expect(findings(validate({ web: web(issuer('https://acme-v02.api.letsencrypt.org/directory')) }), 'ref/staging-issuer')).toEqual([]);
  });

  test('a staging issuer in staging passes', () => {
    expect(findings(validate({ web: [deployment(), service(), ingress('web', 'staging.example.com', '/', { 'cert-manager.io/cluster-issuer': 'letsencrypt-staging' })] }, { stage: 'staging' }), 'ref/staging-issuer')).toEqual([]);
  });
});

describe('ref/port-env', () => {
  test('PORT that differs from the declared container port is an error', () => {
    const [f] = findings(validate({ web: [withEnv([{ name: 'PORT', value: '3000' }]), service()] }), 'ref/port-env');
    expect(f).toMatchObject({ path: 'spec.template.spec.containers[0].env[0].value', value: '3000' });
    expect(f?.message).toMatch(/told to listen on PORT=3000, but declares port http \(8080\) and is probed on "http"/);
  });

  test('PORT equal to the container port passes', () => {
    expect(findings(validate({ web: [withEnv([{ name: 'PORT', value: '8080' }]), service()] }), 'ref/port-env')).toEqual([]);
  });
});

describe('ref/service-url and declared external services', () => {
  test('a URL to a Service that is not rendered is an error; one to a rendered Service and port passes', () => {
    const report = validate({ web: [withEnv([{ name: 'BILLING_URL', value: 'http://billing:8080' }, { name: 'SELF_URL', value: 'http://web.shop.svc:80' }, { name: 'DOCS', value: 'https://docs.example.com' }]), service()] });
    expect(findings(report, 'ref/service-url').map((f) => [f.path, f.message])).toEqual([
      ['spec.template.spec.containers[0].env[0].value', "container 'app': BILLING_URL points at Service 'shop/billing', which is not rendered on this cluster"],
    ]);
  });

  test('a port the Service does not expose is an error', () => {
    const report = validate({ web: [withEnv([{ name: 'SELF_URL', value: 'http://web.shop.svc.cluster.local:8080/x' }]), service()] });
    expect(findings(report, 'ref/service-url').map((f) => f.message)).toEqual(["container 'app': SELF_URL uses port 8080 of Service 'shop/web', which exposes 80"]);
  });

  test('a Service in another namespace is refused until it is declared in externalServices', () => {
    const apps = { web: [withEnv([{ name: 'BILLING_URL', value: 'http://billing.payments:8080' }, { name: 'DOCS_URL', value: 'https://example.com/docs' }]), service()] };
    expect(findings(validate(apps, { externalNamespaces: ['argocd', 'payments'] }), 'ref/service-url').map((f) => f.value)).toEqual(['http://billing.payments:8080']);
    expect(findings(validate(apps, { externalServices: ['billing.payments:8080'], externalNamespaces: ['argocd', 'payments'] }), 'ref/service-url')).toEqual([]);
  });

  test('ConfigMap data is checked too', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cfg'), data: { CACHE_URL: 'redis://cache:6379' } };
    expect(findings(validate({ web: [cm] }), 'ref/service-url').map((f) => f.path)).toEqual(['data.CACHE_URL']);
  });

  test('an external Kafka is refused until it is declared', () => {
    const kafkaEnv = [{ name: 'KAFKA_BROKERS', value: 'kafka.shared.example.com:9092' }];
    expect(findings(validate({ web: [withEnv(kafkaEnv), service()] }), 'ref/kafka-bootstrap').map((f) => f.fix)).toEqual([expect.stringContaining("externalServices: ['kafka.shared.example.com:9092']")]);
    expect(findings(validate({ web: [withEnv(kafkaEnv), service()] }, { externalServices: ['kafka.shared.example.com:9092'] }), 'ref/kafka-bootstrap')).toEqual([]);
  });
});

describe('ref/argocd-project: Applications against their AppProject', () => {
  const project = (spec: Obj): Obj => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: meta('shop', 'argocd'), spec: { sourceRepos: ['https://github.com/acme/rendered.git'], destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'shop' }], ...spec } });
  const app = (namespace: string, repoURL = 'https://github.com/acme/rendered.git'): Obj => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: meta('test-web', 'argocd'), spec: { project: 'shop', destination: { server: 'https://kubernetes.default.svc', namespace }, source: { repoURL, path: 'test/web', targetRevision: 'rendered' } } });
  const rule = (report: ReturnType<typeof validate>): string[] => findings(report, 'ref/argocd-project').map((f) => `${f.kind} ${f.path}`);

  test('an Application the project permits passes', () => {
    expect(rule(validate({ web: [deployment(), service()], argocd: [project({}), app('shop')] }))).toEqual([]);
  });

  test('a destination namespace or a repository the project does not list is an error', () => {
    expect(rule(validate({ web: [deployment(), service()], argocd: [project({}), app('other', 'https://github.com/acme/other.git')] }, { externalNamespaces: ['argocd', 'other'] }))).toEqual(['Application spec.destination', 'Application spec.source.repoURL']);
  });

  test('objects of a kind the project does not permit are errors on the objects (cluster-scoped kinds need the whitelist)', () => {
    const volume = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta('pv', null), spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' } } };
    const report = validate({ web: [deployment(), service(), volume], argocd: [project({ namespaceResourceWhitelist: [{ group: 'apps', kind: '*' }] }), app('shop')] });
    expect(rule(report)).toEqual(['Service kind', 'PersistentVolume kind']);
  });

  test('a deny pattern in the destinations is honoured', () => {
    expect(rule(validate({ web: [deployment(), service()], argocd: [project({ destinations: [{ server: '*', namespace: '*' }, { server: '*', namespace: '!shop' }] }), app('shop')] }))).toEqual(['Application spec.destination']);
  });
});

