import { App, ApiObject } from 'cdk8s';
import { AppOfApps, AppOfAppsProps, generatedApplications, IMAGES_ANNOTATION, ProjectPermissions, projectProblems } from '../../constructs';
import { ApplicationChart } from '../../constructs';
import { HelmApplication } from '../../constructs';
import { PlatformContext } from '../../constructs';
import { prepareApp } from '../../constructs';
import { k8s } from '../../constructs';
import { renderApp } from '../../tools/synth/render';
import { validateEnvironments } from '../../tools/validate';
import { at, findObject, findObjects, Json, Manifest } from '../helpers';

const context: PlatformContext = { environment: 'dev', source: 'environments/dev.ts', stage: 'development', platform: 'shop', imagePullPolicy: 'IfNotPresent' };
const props: AppOfAppsProps = { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered', server: 'https://kubernetes.default.svc', argocdNamespace: 'argocd', project: 'shop-dev', defaultNamespace: 'shop' };

/** An application rendering one ConfigMap (so it has a directory). */
function app(scope: App, name: string, namespace: string | undefined = 'shop'): ApplicationChart {
  const chart = new ApplicationChart(scope, name, { context, namespace, version: '1' });
  if (namespace) new k8s.KubeConfigMap(chart, 'cm', { metadata: { name }, data: { a: 'b' } });
  else new k8s.KubeNamespace(chart, 'ns', { metadata: { name: `${name}-ns` } });
  return chart;
}

function argocd(scope: App, overrides: Partial<AppOfAppsProps> = {}): { chart: ApplicationChart; root: AppOfApps } {
  const chart = new ApplicationChart(scope, 'argocd', { context, namespace: 'argocd', version: '1' });
  return { chart, root: new AppOfApps(chart, 'root', { ...props, ...overrides }) };
}

function argoObjects(scope: App): Manifest[] {
  const rendered = renderApp(scope).flatMap((env) => env.applications);
  return (rendered.find((a) => a.name === 'argocd')?.objects ?? []).map((o) => o.object as Manifest);
}

function newApp(): App {
  return new App({ outdir: '/tmp/platform-synth-test/dev' });
}

describe('AppOfApps', () => {
  test('renders the project, a root Application for its own directory and one Application per other directory', () => {
    const scope = newApp();
    app(scope, 'storage', undefined);
    app(scope, 'api');
    app(scope, 'web');
    argocd(scope);
    const objects = argoObjects(scope);
    expect(findObjects(objects, 'AppProject').map((p) => p.metadata.name)).toEqual(['shop-dev-bootstrap', 'shop-dev']);
    const apps = findObjects(objects, 'Application');
    expect(apps.map((a) => [a.metadata.name, at(a, 'spec.source.path')])).toEqual([
      ['dev-api', 'dev/api'],
      ['dev-root', 'dev/argocd'],
      ['dev-storage', 'dev/storage'],
      ['dev-web', 'dev/web'],
    ]);
  });

  test('every Application: automated prune and self-heal, CreateNamespace, retry with backoff, finalizer, labels', () => {
    const scope = newApp();
    app(scope, 'api');
    argocd(scope);
    const application = findObject(argoObjects(scope), 'Application', 'dev-api');
    expect(application.metadata.namespace).toBe('argocd');
    expect(at(application, 'metadata.finalizers')).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(application.metadata.labels).toEqual(expect.objectContaining({ environment: 'dev', application: 'api' }));
    expect(application.spec).toEqual({
      project: 'shop-dev',
      source: { repoURL: 'https://git.example.com/rendered.git', targetRevision: 'rendered', path: 'dev/api' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
        retry: { limit: 5, refresh: true, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
      },
    });
  });

  test('sync waves are the depth in the dependency graph, as quoted integer strings', () => {
    const scope = newApp();
    const storage = app(scope, 'storage', undefined);
    const kafka = app(scope, 'kafka');
    const api = app(scope, 'api');
    const web = app(scope, 'web');
    kafka.dependsOn(storage);
    api.dependsOn(kafka, storage);
    web.dependsOn(api);
    const { root } = argocd(scope);
    prepareApp(scope);
    expect(Object.fromEntries(root.waves)).toEqual({ storage: 0, kafka: 1, api: 2, web: 3 });
    const wave = (name: string): unknown => findObject(argoObjects(scope), 'Application', `dev-${name}`).metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect([wave('storage'), wave('kafka'), wave('api'), wave('web')]).toEqual(['0', '1', '2', '3']);
  });

  test('changing a dependency in code changes the waves', () => {
    const waves = (webDependsOnKafka: boolean): Record<string, number> => {
      const scope = newApp();
      const kafka = app(scope, 'kafka');
      const api = app(scope, 'api');
      const web = app(scope, 'web');
      api.dependsOn(kafka);
      if (webDependsOnKafka) web.dependsOn(kafka); else web.dependsOn(api);
      const { root } = argocd(scope);
      prepareApp(scope);
      return Object.fromEntries(root.waves);
    };
    expect(waves(false)).toEqual({ kafka: 0, api: 1, web: 2 });
    expect(waves(true)).toEqual({ kafka: 0, api: 1, web: 1 });
  });

  test('a dependency cycle is an error naming the applications', () => {
    const scope = newApp();
    const a = app(scope, 'a');
    const b = app(scope, 'b');
    const c = app(scope, 'c');
    a.dependsOn(b);
    b.dependsOn(c);
    c.dependsOn(a);
    argocd(scope);
    expect(() => prepareApp(scope)).toThrow(/dependency cycle: a -> b -> c -> a/);
  });

  test('a dependency on an application missing from the environment is an error', () => {
    const scope = newApp();
    const api = app(scope, 'api');
    const elsewhere = app(newApp(), 'billing');
    api.dependsOn(elsewhere);
    argocd(scope);
    expect(() => prepareApp(scope)).toThrow(/environments\/dev.ts \(environment 'dev'\), application 'api', field 'dependencies': depends on application 'billing', which is not part of environment 'dev'/);
  });

  test('two applications rendering to the same path are an error naming both', () => {
    const scope = newApp();
    app(scope, 'kafka');
    new HelmApplication(app(scope, 'operators'), 'kafka', { context, namespace: 'kafka', repoURL: 'https://charts.example.com', chart: 'kafka', version: '1.0.0' });
    argocd(scope);
    expect(() => prepareApp(scope)).toThrow(/applications 'kafka' and 'operators\/kafka' both render to dev\/kafka/);
  });

  test('applications created after the Argo CD chart get their Application too (composition is order-independent)', () => {
    // GIVEN the Argo CD chart created first
    const scope = newApp();
    argocd(scope);
    // WHEN applications come after it
    app(scope, 'api').dependsOn(app(scope, 'db'));
    // THEN they are deployed, in dependency order
    const objects = argoObjects(scope);
    expect(findObject(objects, 'Application', 'dev-api').metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('1');
    expect(findObject(objects, 'Application', 'dev-db').metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('0');
  });

  test('objects added to the Argo CD chart after the root is built are rendered and validated like the rest', () => {
    // GIVEN an environment whose Argo CD chart gets one more Application after the root was built, pointing at a
    // directory nothing renders
    const scope = newApp();
    app(scope, 'api');
    const { chart } = argocd(scope);
    new ApiObject(chart, 'late', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
      metadata: { name: 'dev-late', namespace: 'argocd' },
      spec: { project: 'shop-dev', source: { repoURL: props.repoURL, targetRevision: props.branch, path: 'dev/missing' }, destination: { server: props.server, namespace: 'shop' } },
    });
    // WHEN the environment is rendered and validated
    prepareApp(scope);
    const report = validateEnvironments(renderApp(scope));
    // THEN the late Application is in the output and its path is checked
    expect(findObject(argoObjects(scope), 'Application', 'dev-late').spec).toBeDefined();
    expect(report.findings.filter((f) => f.rule === 'ref/argocd-path').map((f) => f.value)).toContain('dev/missing');
  });

  test('Helm applications: pinned chart, values, images annotation, server-side apply; CRD users skip the dry run and sync after', () => {
    const scope = newApp();
    const operator = new HelmApplication(scope, 'strimzi-operator', {
      context, namespace: 'kafka', repoURL: 'https://strimzi.io/charts/', chart: 'strimzi-kafka-operator', version: '1.2.0',
      values: { watchAnyNamespace: false }, images: ['quay.io/strimzi/operator:1.2.0'], providesApiGroups: ['kafka.strimzi.io'],
      clusterScopedKinds: [{ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }], serverSideApply: true,
    });
    const kafka = new ApplicationChart(scope, 'kafka', { context, namespace: 'kafka', version: '1' });
    new ApiObject(kafka, 'cluster', { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'k' } });
    const { root } = argocd(scope);
    prepareApp(scope);
    const objects = argoObjects(scope);
    const helm = findObject(objects, 'Application', 'dev-strimzi-operator');
    expect(at(helm, 'spec.source')).toEqual({ repoURL: 'https://strimzi.io/charts/', chart: 'strimzi-kafka-operator', targetRevision: '1.2.0', helm: { releaseName: 'strimzi-operator', valuesObject: { watchAnyNamespace: false } } });
    expect(at(helm, 'spec.syncPolicy.syncOptions')).toEqual(['CreateNamespace=true', 'ServerSideApply=true']);
    expect(helm.metadata.annotations?.[IMAGES_ANNOTATION]).toBe('quay.io/strimzi/operator:1.2.0');
    expect(at(findObject(objects, 'Application', 'dev-kafka'), 'spec.syncPolicy.syncOptions')).toEqual(['CreateNamespace=true', 'SkipDryRunOnMissingResource=true']);
    expect(kafka.dependencies).toEqual([operator]);
    expect(Object.fromEntries(root.waves)).toEqual({ 'strimzi-operator': 0, kafka: 1 });
  });

  test('the project allows exactly the repositories, destinations and cluster-scoped kinds in use', () => {
    const scope = newApp();
    app(scope, 'storage', undefined);
    app(scope, 'api');
    new HelmApplication(scope, 'operator', { context, namespace: 'operators', repoURL: 'https://charts.example.com', chart: 'op', version: '2.0.0', clusterScopedKinds: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }] });
    argocd(scope);
    const project = findObject(argoObjects(scope), 'AppProject', 'shop-dev');
    expect(project.spec).toEqual({
      description: expect.any(String) as unknown,
      sourceRepos: ['https://charts.example.com', 'https://git.example.com/rendered.git'],
      // The cluster-scoped storage application gets the default namespace; Argo CD's own is never a destination.
      destinations: [
        { server: 'https://kubernetes.default.svc', namespace: 'operators' },
        { server: 'https://kubernetes.default.svc', namespace: 'shop' },
      ],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
      namespaceResourceBlacklist: [{ group: 'argoproj.io', kind: 'AppProject' }, { group: 'argoproj.io', kind: 'Application' }, { group: 'argoproj.io', kind: 'ApplicationSet' }],
    });
    expect(project.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-1' });
  });

  test('ApplicationSet mode: a git directory generator over <env>/*, Helm applications still explicit', () => {
    const scope = newApp();
    app(scope, 'api');
    new HelmApplication(scope, 'operator', { context, namespace: 'operators', repoURL: 'https://charts.example.com', chart: 'op', version: '2.0.0' });
    argocd(scope, { mode: 'applicationset' });
    const objects = argoObjects(scope);
    expect(findObjects(objects, 'Application').map((a) => a.metadata.name)).toEqual(['dev-operator', 'dev-root']);
    const set = findObject(objects, 'ApplicationSet', 'dev-apps');
    expect(at(set, 'spec.generators.0.git')).toEqual({
      repoURL: 'https://git.example.com/rendered.git', revision: 'rendered',
      directories: [{ path: 'dev/*' }, { path: 'dev/argocd', exclude: true }],
    });
    expect(at(set, 'spec.template.spec.source')).toEqual({ repoURL: 'https://git.example.com/rendered.git', targetRevision: 'rendered', path: '{{.path.path}}' });
    expect((at(set, 'spec.template.metadata') as Json).name).toBe('dev-{{.path.basename}}');
  });

  test("an application deploying into Argo CD's namespace is refused (only the root may)", () => {
    const scope = newApp();
    app(scope, 'api', 'argocd');
    argocd(scope);
    expect(() => prepareApp(scope)).toThrow(/application 'api', field 'namespace': deploys into Argo CD's namespace 'argocd', which only the bootstrap project may do/);
  });

  test('ApplicationSet mode keeps the environment label and never deletes workloads with the set', () => {
    const scope = newApp();
    app(scope, 'api');
    argocd(scope, { mode: 'applicationset' });
    const set = findObject(argoObjects(scope), 'ApplicationSet', 'dev-apps');
    expect(at(set, 'spec.template.metadata.labels')).toEqual({ environment: 'dev', application: '{{.path.basename}}' });
    expect(at(set, 'spec.syncPolicy')).toEqual({ preserveResourcesOnDeletion: true });
    // The controller keeps template finalizers: a resources finalizer there would cascade when the set is deleted
    expect(at(set, 'spec.template.metadata.finalizers')).toBeUndefined();
  });

  test('ApplicationSet mode: every generated Application is allowed by its project, also when no application uses the environment namespace', () => {
    // GIVEN the seed's layout: every application in a namespace of its own, none in the environment's ('shop')
    const scope = newApp();
    app(scope, 'temporal', 'services');
    app(scope, 'auth', 'services');
    app(scope, 'kafka', 'kafka');
    // WHEN
    const { root } = argocd(scope, { mode: 'applicationset', applyOutOfSyncOnly: true, ignoreApplicationDifferences: [{ jsonPointers: ['/spec/syncPolicy'] }] });
    const rendered = renderApp(scope);
    // THEN the Applications the set generates over the rendered directories pass the project check validation runs
    const objects = (rendered.flatMap((e) => e.applications).find((a) => a.name === 'argocd')?.objects ?? []).map((o) => o.object as Manifest);
    const set = findObject(objects, 'ApplicationSet', 'dev-apps');
    const project = findObject(objects, 'AppProject', 'shop-dev');
    const directories = rendered.flatMap((e) => e.applications).filter((a) => a.name !== 'argocd' && a.objects.length > 0).map((a) => `dev/${a.name}`);
    const generated = generatedApplications(set as never, directories);
    expect(generated.map((g) => [g.name, g.namespace])).toEqual([['dev-auth', 'services'], ['dev-kafka', 'services'], ['dev-temporal', 'services']]);
    for (const g of generated) expect(projectProblems(project.spec as ProjectPermissions, g)).toEqual([]);
    expect(root.generatedApplications.map((g) => g.name)).toEqual(generated.map((g) => g.name));
    // Typed sync settings reach the template and the set.
    expect(at(set, 'spec.template.spec.syncPolicy.syncOptions')).toEqual(['CreateNamespace=true', 'SkipDryRunOnMissingResource=true', 'ApplyOutOfSyncOnly=true']);
    expect(at(set, 'spec.ignoreApplicationDifferences')).toEqual([{ jsonPointers: ['/spec/syncPolicy'] }]);
  });

  test('ApplicationSet mode without rendered directories renders no ApplicationSet (it would generate nothing, into argocd)', () => {
    const scope = newApp();
    new HelmApplication(scope, 'operator', { context, namespace: 'operators', repoURL: 'https://charts.example.com', chart: 'op', version: '2.0.0' });
    const { root } = argocd(scope, { mode: 'applicationset', defaultNamespace: undefined });
    const objects = argoObjects(scope);
    expect(findObjects(objects, 'ApplicationSet')).toEqual([]);
    expect(findObjects(objects, 'Application').map((a) => a.metadata.name)).toEqual(['dev-operator', 'dev-root']);
    expect(root.generatedApplications).toEqual([]);
  });

  test('ApplicationSet mode: the project check refuses a destination the project does not list', () => {
    // GIVEN the project the old ApplicationSet mode rendered next to a destination of 'shop'
    const project: ProjectPermissions = { sourceRepos: ['https://git.example.com/rendered.git'], destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'services' }] };
    // WHEN / THEN
    expect(projectProblems(project, { name: 'dev-auth', project: 'shop-dev', repoURLs: ['https://git.example.com/rendered.git'], server: 'https://kubernetes.default.svc', namespace: 'shop' }))
      .toEqual([expect.objectContaining({ field: 'destination', value: 'shop', message: expect.stringMatching(/deploys to namespace 'shop'.*AppProject 'shop-dev' does not allow \(destinations: services\)/) })]);
    expect(projectProblems(project, { name: 'dev-auth', project: 'shop-dev', repoURLs: ['https://github.com/other.git'], server: 'https://kubernetes.default.svc', namespace: 'services' }))
      .toEqual([expect.objectContaining({ field: 'source', value: 'https://github.com/other.git' })]);
  });

  test('applications rendering nothing get no Application', () => {
    const scope = newApp();
    new ApplicationChart(scope, 'empty', { context, namespace: 'shop', version: '1' });
    app(scope, 'api');
    argocd(scope);
    expect(findObjects(argoObjects(scope), 'Application').map((a) => a.metadata.name)).toEqual(['dev-api', 'dev-root']);
  });
});
