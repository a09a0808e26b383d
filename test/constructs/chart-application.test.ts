import { App } from 'cdk8s';
import { AppOfApps, ApplicationChart, ChartApplication, defineChart, IMAGES_ANNOTATION, k8s, PlatformContext, RESOURCES_FINALIZER } from '../../constructs';
import { renderApp } from '../../tools/synth/render';
import { at, findObject, Manifest, platformErrorOf } from '../helpers';

interface Values {
  readonly image: { readonly repository: string; readonly tag?: string };
  readonly resources?: unknown;
  readonly env: readonly ({ readonly name: string; readonly value: string })[];
  readonly extra?: Readonly<Record<string, unknown>>;
}

const chart = defineChart<Values>({
  chart: { registry: 'ghcr.io/acme', name: 'service', version: '1.0.0' },
  images: (v) => [{ field: 'image', image: v.image }],
  resources: (v) => [{ field: 'resources', resources: v.resources }],
});

const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
const values: Values = { image: { repository: 'ghcr.io/acme/api', tag: 'v1.2.3' }, resources, env: [{ name: 'LOG_LEVEL', value: 'info' }] };

function contextFor(stage: PlatformContext['stage']): PlatformContext {
  return { environment: 'dev', source: 'environments/dev.ts', stage, platform: 'shop', imagePullPolicy: 'IfNotPresent' };
}

function make(overrides: Partial<Values> = {}, stage: PlatformContext['stage'] = 'development', scope: App = new App({ outdir: '/tmp/platform-synth-test/dev' })): ChartApplication<Values> {
  return new ChartApplication(scope, 'api', { context: contextFor(stage), chart, namespace: 'shop', values: { ...values, ...overrides } });
}

/** The Argo CD objects of an App holding `build`'s applications. */
function argoApplications(build: (scope: App) => void): Manifest[] {
  const scope = new App({ outdir: '/tmp/platform-synth-test/dev' });
  build(scope);
  const argocd = new ApplicationChart(scope, 'argocd', { context: contextFor('development'), namespace: 'argocd', version: '1' });
  new AppOfApps(argocd, 'root', { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered', server: 'https://kubernetes.default.svc', argocdNamespace: 'argocd', project: 'shop-dev', defaultNamespace: 'shop' });
  const rendered = renderApp(scope).flatMap((e) => e.applications);
  return (rendered.find((a) => a.name === 'argocd')?.objects ?? []).map((o) => o.object as Manifest);
}

describe('ChartApplication', () => {
  test('renders an Application with Argo CD\'s native OCI source: oci://<registry>/<chart>, path ".", the exact version and the values', () => {
    // GIVEN / WHEN
    const objects = argoApplications((scope) => make({}, 'development', scope));
    // THEN
    const application = findObject(objects, 'Application', 'dev-api');
    expect(at(application, 'spec.source')).toEqual({
      repoURL: 'oci://ghcr.io/acme/service',
      path: '.',
      targetRevision: '1.0.0',
      helm: { releaseName: 'api', valuesObject: values },
    });
    expect(at(application, 'spec.source.chart')).toBeUndefined();
    expect(at(application, 'spec.destination.namespace')).toBe('shop');
  });

  test('cascades deletes like rendered applications (resources finalizer), unlike operator charts', () => {
    const application = findObject(argoApplications((scope) => make({}, 'development', scope)), 'Application', 'dev-api');
    expect(at(application, 'metadata.finalizers')).toEqual([RESOURCES_FINALIZER]);
  });

  test('lists the images of its values for the air-gap image list, and the registry in the project', () => {
    const objects = argoApplications((scope) => make({}, 'development', scope));
    expect(findObject(objects, 'Application', 'dev-api').metadata.annotations?.[IMAGES_ANNOTATION]).toBe('ghcr.io/acme/api:v1.2.3');
    expect(at(findObject(objects, 'AppProject', 'shop-dev'), 'spec.sourceRepos')).toContain('oci://ghcr.io/acme/service');
  });

  test('is synced after the applications it uses', () => {
    // GIVEN a database application and the chart application using it
    const objects = argoApplications((scope) => {
      const db = new ApplicationChart(scope, 'db', { context: contextFor('development'), namespace: 'shop', version: '1' });
      const cm = new k8s.KubeConfigMap(db, 'cm', { metadata: { name: 'db' }, data: { a: 'b' } });
      new ChartApplication(scope, 'api', { context: contextFor('development'), chart, namespace: 'shop', values, uses: [cm] });
    });
    // THEN
    expect(findObject(objects, 'Application', 'dev-db').metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('0');
    expect(findObject(objects, 'Application', 'dev-api').metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('1');
  });

  test('takes the registry, version and release name from its options (an air-gapped mirror, a newer chart first)', () => {
    const app = new ChartApplication(new App(), 'api', { context: contextFor('development'), chart, namespace: 'shop', values, registry: 'registry.internal:5000/charts', releaseName: 'api-v2', version: '1.0.1' });
    expect(app.helm.repoURL).toBe('oci://registry.internal:5000/charts/service');
    expect(app.helm.releaseName).toBe('api-v2');
    expect(app.helm.version).toBe('1.0.1');
    expect(() => new ChartApplication(new App(), 'api', { context: contextFor('development'), chart, namespace: 'shop', values, version: '1.x' })).toThrow(/'version' must pin an exact chart version \(no ranges\)/);
  });

  test('refuses a secret literal in the values: a key named like a secret, an env entry, credentials in a URL', () => {
    const message = platformErrorOf(() => make({
      env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'API_TOKEN', value: 's3cr3t' }],
      extra: { database: { password: 'hunter2', url: 'postgres://app:hunter2@db:5432/app' } },
    }));
    expect(message).toMatch(/field 'values\.env\[1\]\.value': ChartApplication 'api': 'API_TOKEN' looks like a secret but carries a literal value in the chart's values/);
    expect(message).toMatch(/field 'values\.extra\.database\.password'/);
    expect(message).toMatch(/field 'values\.extra\.database\.url'.*embeds credentials in a URL/);
    // The values are never echoed.
    expect(message).not.toMatch(/hunter2|s3cr3t/);
  });

  test('accepts references to Secrets in the values: a secretKeyRef key, a secret name, a key naming where a secret lives', () => {
    // GIVEN values that name Secrets (and their keys) without carrying a secret value
    const env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'app-db', key: 'password' } } }] as unknown as Values['env'];
    // WHEN the application is built THEN nothing is refused
    expect(() => make({ env, extra: { auth: { existingSecret: 'app-auth', passwordKey: 'password' }, cache: { key: 'sessions' } } })).not.toThrow();
  });

  test('refuses a floating or missing image tag in staging and production, as for rendered workloads', () => {
    expect(platformErrorOf(() => make({ image: { repository: 'ghcr.io/acme/api', tag: 'latest' } }, 'staging')))
      .toMatch(/field 'values\.image\.tag'.*'latest'.*\(stage 'staging'\) \(got "latest"\)\. Fix: pin a full version tag/);
    expect(platformErrorOf(() => make({ image: { repository: 'ghcr.io/acme/api' } }, 'production'))).toMatch(/field 'values\.image\.tag': ChartApplication 'api': is missing/);
    // development allows it, as the image-tag policy does
    expect(() => make({ image: { repository: 'ghcr.io/acme/api', tag: 'latest' } }, 'development')).not.toThrow();
  });

  test('refuses values without complete container resources', () => {
    expect(platformErrorOf(() => make({ resources: { requests: { cpu: '100m', memory: '128Mi' } } }))).toMatch(/field 'values\.resources\.limits': ChartApplication 'api': 'values\.resources\.limits' must set cpu and memory/);
    expect(platformErrorOf(() => make({ resources: { requests: { cpu: '2', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } } }))).toMatch(/request 2 is larger than the limit 1/);
  });

  test('refuses a chart version range and a registry with a scheme', () => {
    const loose = defineChart<Values>({ ...chart, chart: { registry: 'oci://ghcr.io/acme', name: 'service', version: '^1.0.0' } });
    const message = platformErrorOf(() => new ChartApplication(new App(), 'api', { context: contextFor('development'), chart: loose, namespace: 'shop', values }));
    expect(message).toMatch(/field 'chart\.version'.*must pin an exact chart version \(no ranges\)/);
    expect(message).toMatch(/field 'chart\.registry'.*without scheme/);
  });
});
