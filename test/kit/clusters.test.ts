/**
 * Several environments on one cluster: cluster add-ons render once, in the cluster's directory; one root
 * Application bootstraps the whole cluster; everything that lands on the cluster is validated together.
 */
import { App } from 'cdk8s';
import {
  defineBase, defineCluster, defineEnvironment, defineImages, definePlatform, kafkaPlatform, microservice, platformBuild, strimziOperator,
} from '../../tools/kit';
import { renderApp, RenderedEnvironment } from '../../tools/synth/render';
import { validateEnvironments } from '../../tools/validate';
import { at, Manifest, objectsOf } from '../helpers';

const strimzi = strimziOperator({ namespace: 'operators' });
const kafka = kafkaPlatform({ operator: strimzi, topics: { events: {} } });
const api = microservice({ image: { repository: 'ghcr.io/acme/api', tag: '1.0.0' }, runtime: 'node', healthCheck: { path: '/healthz' } });
const platform = definePlatform({ name: 'shop', images: defineImages({}), apps: { 'strimzi-operator': strimzi, kafka, api } });
const base = defineBase(platform, { gitops: { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered' } });
const cluster = defineCluster(base, { name: 'nonprod', stage: 'staging', storage: { mode: 'dynamic', storageClassName: 'gp3' } });

/** The environments, each in a namespace of its own unless `namespace` says otherwise. */
function render(namespaces: Readonly<Record<string, string>> = {}): RenderedEnvironment[] {
  const envs = ['dev', 'qa'].map((name) => defineEnvironment(base, {
    name, stage: 'staging', cluster, namespace: namespaces[name] ?? `shop-${name}`,
    // Kafka is an application of each environment: its namespace must differ per environment too.
    apps: { kafka: { namespace: `kafka-${name}` } },
  }));
  return [...(platformBuild(platform, envs)('dist') as Iterable<App>)].flatMap((app) => renderApp(app));
}

function objects(rendered: readonly RenderedEnvironment[], dir: string): Manifest[] {
  return objectsOf(rendered.find((e) => e.name === dir) as RenderedEnvironment).map((o) => o.object);
}

describe('two environments on one cluster', () => {
  const rendered = render();

  test('render a directory each, plus the cluster\'s own', () => {
    expect(rendered.map((e) => `${e.cluster}:${e.name}`)).toEqual(['nonprod:dev', 'nonprod:nonprod', 'nonprod:qa']);
    expect(rendered.find((e) => e.name === 'dev')?.applications.map((a) => a.name)).toEqual(['argocd', 'namespaces', 'api', 'kafka'].sort());
  });

  test('a cluster add-on is rendered once, in the cluster\'s directory', () => {
    const operators = rendered.flatMap((e) => objectsOf(e)).filter((o) => o.object.kind === 'Application' && at(o.object, 'spec.source.chart') === 'strimzi-kafka-operator');
    expect(operators.map((o) => `${o.object.metadata.name}`)).toEqual(['nonprod-strimzi-operator']);
    expect(objects(rendered, 'nonprod').filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['operators']);
  });

  test('one root Application bootstraps the cluster: its add-ons, then each environment\'s root', () => {
    const argo = objects(rendered, 'nonprod').filter((o) => o.kind === 'Application');
    const wave = (name: string): unknown => argo.find((a) => a.metadata.name === name)?.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect(argo.map((a) => a.metadata.name).sort()).toEqual(['dev-root', 'nonprod-namespaces', 'nonprod-root', 'nonprod-strimzi-operator', 'qa-root']);
    expect(at(argo.find((a) => a.metadata.name === 'dev-root'), 'spec.source.path')).toBe('dev/argocd');
    expect(at(argo.find((a) => a.metadata.name === 'dev-root'), 'spec.project')).toBe('shop-nonprod-bootstrap');
    // The operator syncs after its namespace; the environments use it (their Kafka): their roots sync after it.
    expect([wave('nonprod-namespaces'), wave('nonprod-strimzi-operator'), wave('dev-root'), wave('qa-root')]).toEqual(['0', '1', '2', '2']);
    // An environment's own directory has its project and applications, and no root of its own.
    expect(objects(rendered, 'dev').filter((o) => o.kind === 'Application').map((a) => a.metadata.name).sort()).toEqual(['dev-api', 'dev-kafka', 'dev-namespaces']);
  });

  test('an environment\'s custom resources whose CRDs a cluster add-on installs skip the dry run', () => {
    const app = objects(rendered, 'qa').find((o) => o.metadata.name === 'qa-kafka');
    expect(at(app, 'spec.syncPolicy.syncOptions')).toContain('SkipDryRunOnMissingResource=true');
  });

  test('validate together with 0 errors', () => {
    expect(validateEnvironments(rendered).errors.map((f) => `${f.environment} ${f.kind}/${f.name} ${f.rule} ${f.path}: ${f.message}`)).toEqual([]);
  });

  test('a name two environments render on the cluster is refused, naming both environments', () => {
    // GIVEN both environments in one namespace
    const clashing = render({ dev: 'shop', qa: 'shop' });
    // WHEN the cluster is validated
    const errors = validateEnvironments(clashing).errors.filter((f) => f.rule === 'ref/duplicate-name');
    // THEN the Deployment (and the Namespace, and every other object of the shared namespace) collide
    expect(errors.map((f) => `${f.environment} ${f.kind}/${f.name}`)).toEqual(expect.arrayContaining(['qa Deployment/api', 'qa Namespace/shop']));
    expect(errors.find((f) => f.kind === 'Deployment')?.message).toBe("another Deployment named 'api' in namespace 'shop' is rendered by application 'api' of environment 'dev' on the same cluster 'nonprod'");
  });

  test('an environment on a shared cluster may not set what belongs to the cluster', () => {
    expect(() => defineEnvironment(base, { name: 'uat', stage: 'staging', cluster, storage: { mode: 'dynamic', storageClassName: 'standard' }, apps: { 'strimzi-operator': { repoURL: 'https://mirror.example.com/charts' } } }))
      .toThrow(/field 'storage': belongs to cluster 'nonprod'[^]*application 'strimzi-operator', field 'apps.strimzi-operator': is an add-on of cluster 'nonprod', rendered once for every environment on it/);
  });

  test('a cluster named like one of its environments is refused', () => {
    const same = defineCluster(base, { name: 'dev', stage: 'development' });
    expect(() => defineEnvironment(base, { name: 'dev', stage: 'development', cluster: same })).toThrow(/field 'name': is the name of the shared cluster 'dev'/);
  });
});
