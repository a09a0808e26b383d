/**
 * examples/vsf-miniapp (reference platform 2, seed 001): what the seed's shared Helm chart rendered per service and
 * environment, from one catalog entry per service; a fourth service from one more entry; and the mistakes the
 * chart let through, each refused with a clear error while dist/ stays as it was.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { BuildFunction } from '../../tools/synth';
import { CommandIO } from '../../tools/cli/run';
import { synthCommand } from '../../tools/cli/synth';
import { listFiles } from '../../tools/synth/output';
import { renderApp, RenderedEnvironment } from '../../tools/synth/render';
import { defineBase, defineCluster, defineEnvironment, definePlatform, EnvironmentConfig, microservice, platformBuild } from '../../tools/kit';
import { base, cluster, dev, environments, staging } from '../../examples/vsf-miniapp/environments';
import { vsfMiniapp } from '../../examples/vsf-miniapp/platform';
import { at, Json, Manifest, objectsOf, renderPlatform } from '../helpers';

const SERVICES = ['service-a', 'service-b', 'service-c'] as const;
const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;

const rendered = renderPlatform({ build: platformBuild(vsfMiniapp, environments) });

function objects(dir: string, application?: string): Manifest[] {
  const env = rendered.find((e) => e.name === dir);
  if (env === undefined) throw new Error(`no directory ${dir}`);
  return objectsOf(env).filter((o) => application === undefined || o.application === application).map((o) => o.object);
}

function find(list: readonly Manifest[], kind: string, name: string): Manifest {
  const found = list.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind}/${name} in ${list.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** Everything the seed's chart rendered for one service, asserted for `service` in `dir`. */
function expectFullService(dir: string, service: string, expected: { port: number; liveness: string; readiness: string; minReplicas: number; skipPorts: string; envFrom: readonly string[] }): void {
  const list = objects(dir, service);
  const deployment = find(list, 'Deployment', service);
  const pod = at(deployment, 'spec.template') as Json;
  const container = at(pod, 'spec.containers.0') as Json;
  // Workload identity: its own ServiceAccount with the IRSA role, no API token mounted.
  const account = find(list, 'ServiceAccount', service);
  expect(account.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe(`arn:aws:iam::123456789012:role/vsf-miniapp-${dir}-secrets-reader`);
  expect([at(pod, 'spec.serviceAccountName'), at(pod, 'spec.automountServiceAccountToken'), account.automountServiceAccountToken]).toEqual([service, false, false]);
  // Secrets: the SecretProviderClass, its synced Secret read with envFrom, the CSI volume mounted read-only.
  const spc = find(list, 'SecretProviderClass', `${service}-secrets`);
  expect(at(spc, 'spec.provider')).toBe('aws');
  expect(at(spc, 'spec.parameters.region')).toBe('us-east-1');
  expect(String(at(spc, 'spec.parameters.objects'))).toContain(`objectName: ${dir}/vsf-miniapp/${service}/`);
  expect(at(spc, 'spec.secretObjects.0.secretName')).toBe(`${service}-secrets`);
  expect(((at(spc, 'spec.secretObjects.0.data') as Json[]).map((d) => d.key))).toEqual([...expected.envFrom].sort());
  expect(container.envFrom).toEqual([{ configMapRef: { name: `${service}-config` } }, { secretRef: { name: `${service}-secrets` } }]);
  expect((at(pod, 'spec.volumes') as Json[]).find((v) => v.name === 'secrets-store')).toEqual({
    name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: `${service}-secrets` } },
  });
  expect((container.volumeMounts as Json[]).find((m) => m.name === 'secrets-store')).toEqual({ name: 'secrets-store', mountPath: '/mnt/secrets', readOnly: true });
  // Mesh and Reloader.
  expect(pod.metadata).toEqual(expect.objectContaining({ annotations: expect.objectContaining({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/skip-outbound-ports': expected.skipPorts }) }));
  expect(deployment.metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': `${service}-secrets` });
  // Autoscaling: an HPA and no spec.replicas; the budget follows the minimum.
  expect(at(deployment, 'spec.replicas')).toBeUndefined();
  const hpa = find(list, 'HorizontalPodAutoscaler', service);
  expect([hpa.apiVersion, at(hpa, 'spec.minReplicas'), at(hpa, 'spec.scaleTargetRef.name')]).toEqual(['autoscaling/v2', expected.minReplicas, service]);
  expect((at(hpa, 'spec.metrics') as Json[]).map((m) => at(m, 'resource.name'))).toEqual(['cpu', 'memory']);
  expect(list.some((o) => o.kind === 'PodDisruptionBudget')).toBe(expected.minReplicas > 1);
  // Ports and probes: the container port behind Service port 80, the seed's paths.
  expect(at(container, 'ports.0.containerPort')).toBe(expected.port);
  expect(at(find(list, 'Service', service), 'spec.ports.0')).toEqual(expect.objectContaining({ name: 'http', port: 80, targetPort: 'http' }));
  expect([at(container, 'livenessProbe.httpGet.path'), at(container, 'readinessProbe.httpGet.path')]).toEqual([expected.liveness, expected.readiness]);
  // Metrics and routing.
  const monitor = find(list, 'ServiceMonitor', service);
  expect([at(monitor, 'spec.endpoints.0.port'), at(monitor, 'spec.selector.matchLabels'), at(monitor, 'spec.namespaceSelector.matchNames')])
    .toEqual(['http', { 'app.kubernetes.io/instance': service, 'app.kubernetes.io/name': service }, [dir]]);
  const route = find(list, 'IngressRoute', service);
  expect([at(route, 'spec.entryPoints'), at(route, 'spec.routes.0.services')]).toEqual([['websecure'], [{ name: service, port: 'http' }]]);
  expect(at(route, 'spec.routes.0.match')).toMatch(new RegExp(`^Host\\(\`${service}\\.(${dir}\\.)?vsf-miniapp\\.com\`\\) && PathPrefix\\(\`/api/v1/${service}\`\\)$`));
  expect(at(route, 'spec.tls')).toEqual({});
}

describe('the seed\'s three services in every environment', () => {
  test('three environments on one cluster, each its own namespace, plus the cluster\'s add-ons', () => {
    expect(rendered.map((e) => `${e.cluster}:${e.name}`)).toEqual(['vsf-miniapp-eks:dev', 'vsf-miniapp-eks:production', 'vsf-miniapp-eks:staging', 'vsf-miniapp-eks:vsf-miniapp-eks']);
    for (const env of ENVIRONMENTS) {
      expect(objects(env).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([env]);
      expect(objects(env, 'namespaces').map((o) => o.metadata.labels?.['pod-security.kubernetes.io/enforce'])).toEqual(['restricted']);
    }
  });

  test.each(ENVIRONMENTS.flatMap((env) => SERVICES.map((service) => [env, service] as const)))('%s/%s has everything the shared chart rendered', (env, service) => {
    const floor = { dev: [1, 1, 1], staging: [2, 2, 2], production: [5, 3, 3] }[env][SERVICES.indexOf(service)] as number;
    const expected = {
      'service-a': { port: 8080, liveness: '/actuator/health/liveness', readiness: '/actuator/health/readiness', skipPorts: '5432,9092', envFrom: ['DATABASE_URL', 'DATABASE_USERNAME', 'DATABASE_PASSWORD', 'KAFKA_BROKERS', 'KAFKA_USERNAME', 'KAFKA_PASSWORD'] },
      'service-b': { port: 3000, liveness: '/health/live', readiness: '/health/ready', skipPorts: '6379,27017', envFrom: ['MONGODB_URI', 'REDIS_HOST', 'REDIS_PASSWORD'] },
      'service-c': { port: 8000, liveness: '/health/live', readiness: '/health/ready', skipPorts: '5432', envFrom: ['POSTGRES_HOST', 'POSTGRES_DATABASE', 'POSTGRES_USERNAME', 'POSTGRES_PASSWORD'] },
    }[service];
    expectFullService(env, service, { ...expected, minReplicas: floor });
  });

  test('the seed\'s production values: probe timings, resources, runtime settings', () => {
    const container = (service: string): Json => at(find(objects('production', service), 'Deployment', service), 'spec.template.spec.containers.0') as Json;
    const timings = (probe: unknown): number[] => ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'].map((k) => (probe as Json)[k] as number);
    expect([timings(container('service-a').livenessProbe), timings(container('service-a').readinessProbe)]).toEqual([[60, 10, 5, 3], [30, 5, 3, 3]]);
    expect([timings(container('service-b').livenessProbe), timings(container('service-b').readinessProbe)]).toEqual([[15, 10, 3, 3], [5, 5, 2, 3]]);
    expect([timings(container('service-c').livenessProbe), timings(container('service-c').readinessProbe)]).toEqual([[20, 10, 3, 3], [10, 5, 2, 3]]);
    expect(container('service-a').resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(container('service-c').resources).toEqual({ requests: { cpu: '150m', memory: '256Mi' }, limits: { cpu: '750m', memory: '768Mi' } });
    const config = (env: string, service: string): Json => find(objects(env, service), 'ConfigMap', `${service}-config`).data as Json;
    expect(config('production', 'service-a')).toEqual(expect.objectContaining({ JAVA_OPTS: '-Xmx512m -Xms256m -XX:+UseG1GC', SPRING_PROFILES_ACTIVE: 'production' }));
    expect(config('dev', 'service-a').SPRING_PROFILES_ACTIVE).toBe('dev');
    expect(config('production', 'service-b').NODE_OPTIONS).toBe('--max-old-space-size=512');
    expect(config('production', 'service-c').WORKERS).toBe('4');
  });

  test('the add-ons are pinned upstream charts, synced in the order of what they provide', () => {
    const apps = objects('vsf-miniapp-eks', 'argocd').filter((o) => o.kind === 'Application');
    const app = (name: string): Manifest => find(apps, 'Application', `vsf-miniapp-eks-${name}`);
    const wave = (name: string): number => Number(find(apps, 'Application', name).metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    const charts = apps.filter((a) => at(a, 'spec.source.chart') !== undefined).map((a) => `${String(at(a, 'spec.source.chart'))}@${String(at(a, 'spec.source.targetRevision'))}`).sort();
    expect(charts).toEqual(['linkerd-control-plane@2026.8.3', 'linkerd-crds@2026.8.3', 'linkerd-viz@2026.8.3', 'linkerd2-cni@2026.8.3', 'prometheus-operator-crds@31.0.0',
      'reloader@2.2.16', 'secrets-store-csi-driver-provider-aws@3.1.1', 'secrets-store-csi-driver@1.6.0', 'traefik@41.3.0']);
    // The mesh's identity comes from cert-manager's Secret and trust-roots ConfigMap: no key, no certificate in values.
    expect(at(app('linkerd-control-plane'), 'spec.source.helm.valuesObject')).toEqual({
      cniEnabled: true,
      identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } },
      proxy: { resources: { cpu: { request: '50m', limit: '1' }, memory: { request: '32Mi', limit: '256Mi' } } },
    });
    expect(at(app('secrets-store-csi-driver'), 'spec.source.helm.valuesObject.syncSecret.enabled')).toBe(true);
    // CRDs and CNI before the control plane, the control plane before viz, the driver before its provider.
    expect(wave('vsf-miniapp-eks-linkerd-control-plane')).toBeGreaterThan(Math.max(wave('vsf-miniapp-eks-linkerd-crds'), wave('vsf-miniapp-eks-linkerd-cni')));
    expect(wave('vsf-miniapp-eks-linkerd-viz')).toBeGreaterThan(wave('vsf-miniapp-eks-linkerd-control-plane'));
    expect(wave('vsf-miniapp-eks-secrets-store-csi-driver-provider-aws')).toBeGreaterThan(wave('vsf-miniapp-eks-secrets-store-csi-driver'));
    // The environments (their services use the mesh, the CSI classes, IngressRoutes and ServiceMonitors) after all of those.
    for (const env of ENVIRONMENTS) {
      for (const used of ['linkerd-control-plane', 'secrets-store-csi-driver', 'traefik', 'prometheus-operator-crds']) expect(wave(`${env}-root`)).toBeGreaterThan(wave(`vsf-miniapp-eks-${used}`));
    }
  });
});

describe('adding a service is one catalog entry', () => {
  test('service-d (python) gets everything the others have', () => {
    // GIVEN the catalog plus one entry
    const serviceD = microservice({
      image: { repository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/vsf-miniapp-service-d', tag: '1.0.0' },
      runtime: 'python', port: 8000, servicePort: 80,
      healthCheck: { path: '/health/live', readinessPath: '/health/ready' },
      envConfigMap: true,
      cloudSecrets: { region: 'us-east-1', objects: { postgres: { fields: { 'postgres-url': 'url' }, connectsTo: { engine: 'postgresql' } } }, env: { POSTGRES_URL: 'postgres-url' } },
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      metrics: {},
      ingressRoute: { hosts: ['service-d.vsf-miniapp.com'], pathPrefix: '/api/v1/service-d' },
      mesh: vsfMiniapp.apps['linkerd-control-plane'],
    });
    const platform = definePlatform({ name: 'vsf-miniapp', apps: { ...vsfMiniapp.apps, 'service-d': serviceD } });
    const base = defineBase(platform, { gitops: { repoURL: 'https://github.com/oNddleo/gitops-rendered.git', branch: 'rendered' }, defaults: { microservice: { reloader: true } } });
    const cluster = defineCluster(base, { name: 'vsf-miniapp-eks', stage: 'production', externalNamespaces: ['kube-system', 'linkerd-cni'] });
    const production = defineEnvironment(base, {
      name: 'production', stage: 'production', cluster, namespace: 'production',
      defaults: { microservice: { serviceAccount: { awsRoleArn: 'arn:aws:iam::123456789012:role/vsf-miniapp-production-secrets-reader' } } },
    });
    // WHEN
    const dirs = [...(platformBuild(platform, [production])('dist') as Iterable<App>)].flatMap((app) => renderApp(app));
    // THEN
    const list = objectsOf(dirs.find((d) => d.name === 'production') as RenderedEnvironment).filter((o) => o.application === 'service-d').map((o) => o.object);
    expect(list.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/service-d-config', 'Deployment/service-d', 'HorizontalPodAutoscaler/service-d', 'IngressRoute/service-d', 'PodDisruptionBudget/service-d',
      'SecretProviderClass/service-d-secrets', 'Service/service-d', 'ServiceAccount/service-d', 'ServiceMonitor/service-d',
    ]);
    const deployment = find(list, 'Deployment', 'service-d');
    expect(at(deployment, 'spec.replicas')).toBeUndefined();
    expect(at(deployment, 'spec.template.metadata.annotations')).toEqual(expect.objectContaining({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/skip-outbound-ports': '5432' }));
    expect(deployment.metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'service-d-secrets' });
    expect(find(list, 'ServiceAccount', 'service-d').metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/vsf-miniapp-production-secrets-reader');
    expect(String(at(find(list, 'SecretProviderClass', 'service-d-secrets'), 'spec.parameters.objects'))).toContain('objectName: production/vsf-miniapp/service-d/postgres');
  });
});

describe('mistakes the shared chart let through are synth errors, and dist/ is unchanged', () => {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-vsf-')), 'dist');
  const tree = (): Record<string, string> => Object.fromEntries(listFiles(outdir).map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(outdir, f))).digest('hex')]));
  const quiet: CommandIO = { out: () => undefined, err: () => undefined };
  let first: Record<string, string>;

  beforeAll(async () => {
    expect(await synthCommand(['--outdir', outdir, '--quiet'], quiet, platformBuild(vsfMiniapp, environments))).toBe(0);
    first = tree();
  });

  /** A build whose environments are defined inside it: their errors are synth errors, as in an environment file. */
  function buildWith(envs: () => readonly EnvironmentConfig[]): BuildFunction {
    return (dir) => platformBuild(vsfMiniapp, envs())(dir);
  }

  const production = (apps: Parameters<typeof defineEnvironment<typeof vsfMiniapp.apps, typeof vsfMiniapp.images>>[1]['apps'], onCluster = cluster): EnvironmentConfig => defineEnvironment(base, {
    name: 'production', stage: 'production', cluster: onCluster, namespace: 'production',
    defaults: { microservice: { serviceAccount: { awsRoleArn: 'arn:aws:iam::123456789012:role/vsf-miniapp-production-secrets-reader' } } },
    apps,
  });

  test.each([
    ['an HPA together with fixed replicas', () => [dev, staging, production({ 'service-a': { replicas: 5 } })],
      "field 'apps.service-a.replicas': Microservice 'service-a': 'replicas' (5) is set together with 'autoscaling'"],
    ['a secret alias used but not fetched', () => [dev, staging, production({ 'service-c': { cloudSecrets: { env: { POSTGRES_PORT: 'postgres-port' } } } })],
      "'POSTGRES_PORT' reads alias 'postgres-port', which no object fetches"],
    ['an IngressRoute to a port the Service does not have', () => [dev, staging, production({ 'service-b': { ingressRoute: { port: 'admin' } } })],
      "IngressRoute 'service-b': routes to port 'admin', which Service 'service-b' does not expose (ports: http)"],
    ['a host and path another environment of the cluster already routes', () => [dev, staging, production({ 'service-b': { ingressRoute: { hosts: ['service-b.staging.vsf-miniapp.com'] } } })],
      "routes service-b.staging.vsf-miniapp.com/api/v1/service-b, which IngressRoute 'service-b' of staging/service-b on the same cluster already routes"],
    ['an invalid role ARN', () => [dev, staging, production({ 'service-a': { serviceAccount: { awsRoleArn: 'arn:aws:iam::ACCOUNT_ID:role/vsf-miniapp-secrets-reader' } } })],
      'has no 12-digit AWS account id'],
    ['a meshed workload in a namespace that refuses it (Linkerd without its CNI plugin)', () => {
      const noCni = defineCluster(base, { name: 'vsf-miniapp-eks', stage: 'production', externalNamespaces: ['kube-system', 'linkerd-cni'], apps: { 'linkerd-control-plane': { cni: false } } });
      // The cluster's only environment here (dev and staging are on the cluster with the CNI plugin).
      return [production({}, noCni)];
    }, "joins the linkerd mesh, but namespace 'production' enforces Pod Security 'restricted' and would refuse its pods: without the Linkerd CNI plugin"],
  ])('%s', async (_what, envs, message) => {
    const lines: string[] = [];
    const io: CommandIO = { out: (l) => lines.push(l), err: (l) => lines.push(l) };
    expect(await synthCommand(['--outdir', outdir, '--quiet'], io, buildWith(envs))).toBe(1);
    expect(lines.join('\n')).toContain(message);
    expect(lines.join('\n')).not.toMatch(/^\s+at /m);
    expect(tree()).toEqual(first);
  });
});
