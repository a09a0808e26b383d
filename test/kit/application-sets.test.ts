/**
 * `gitops.applicationSets: 'platform-and-apps'`: a shared cluster's environments delivered by ApplicationSets per
 * tier (the applications others use, then the rest) under a platform root and an apps root of the cluster.
 */
import { App } from 'cdk8s';
import { ConfigError, generatedApplications } from '../../constructs';
import { defineBase, defineCluster, defineEnvironment, defineImages, definePlatform, microservice, platformBuild } from '../../tools/kit';
import { renderApp, RenderedEnvironment } from '../../tools/synth/render';
import { validateEnvironments } from '../../tools/validate';
import { at, Manifest, objectsOf, platformErrorOf } from '../helpers';

const image = (name: string) => ({ repository: `ghcr.io/acme/${name}`, tag: '1.0.0' });
const api = microservice({ image: image('api'), runtime: 'node', healthCheck: { path: '/healthz' } });
const web = microservice({ image: image('web'), runtime: 'node', healthCheck: { path: '/healthz' }, backends: { API_URL: api } });
const edge = microservice({ image: image('edge'), runtime: 'node', healthCheck: { path: '/healthz' }, backends: { WEB_URL: web } });
const platform = definePlatform({ name: 'shop', images: defineImages({}), apps: { api, web, edge } });
const base = defineBase(platform, { gitops: { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered' } });
const grouped = defineCluster(base, { name: 'nonprod', stage: 'staging', storage: { mode: 'dynamic', storageClassName: 'gp3' }, gitops: { applicationSets: 'platform-and-apps' }, source: 'environments/nonprod.ts' });

function render(envs: Parameters<typeof platformBuild>[1]): RenderedEnvironment[] {
  return [...(platformBuild(platform, envs)('dist') as Iterable<App>)].flatMap((app) => renderApp(app));
}

function objects(rendered: readonly RenderedEnvironment[], dir: string, application: string): Manifest[] {
  return objectsOf(rendered.find((e) => e.name === dir) as RenderedEnvironment).filter((o) => o.application === application).map((o) => o.object);
}

const environment = (name: string, extra: object = {}) => defineEnvironment(base, { name, stage: 'staging', cluster: grouped, namespace: `shop-${name}`, apps: { edge: { enabled: false } }, ...extra });

describe("gitops.applicationSets: 'platform-and-apps'", () => {
  const envs = [environment('dev'), environment('qa')];
  const rendered = render(envs);
  const directories = rendered.flatMap((e) => e.applications.map((a) => `${e.name}/${a.name}`));

  test('puts the environments on the cluster in applicationset mode', () => {
    expect(envs.map((e) => `${e.gitops.mode} ${String(e.gitops.applicationSets)}`)).toEqual(['applicationset platform-and-apps', 'applicationset platform-and-apps']);
  });

  test('renders one ApplicationSet per environment and tier: wave 1 (used by others) in the platform one, wave 2 in the apps one', () => {
    const generated = (dir: string): Record<string, string[]> => Object.fromEntries(objects(rendered, 'nonprod', dir).filter((o) => o.kind === 'ApplicationSet')
      .map((set) => [set.metadata.name, generatedApplications(set as never, directories).map((g) => `${g.name} ${g.project} ${String(g.namespace)}`)]));
    expect(generated('platform-appsets')).toEqual({ 'dev-platform': ['dev-api shop-dev shop-dev'], 'qa-platform': ['qa-api shop-qa shop-qa'] });
    expect(generated('apps-appsets')).toEqual({ 'dev-apps': ['dev-web shop-dev shop-dev'], 'qa-apps': ['qa-web shop-qa shop-qa'] });
    // The environment's root keeps wave 0 (its namespaces) as an Application of its own.
    expect(objects(rendered, 'dev', 'argocd').filter((o) => o.kind === 'Application').map((o) => o.metadata.name)).toEqual(['dev-namespaces']);
  });

  test('the cluster\'s root syncs the environments\' roots, then the platform root, then the apps root', () => {
    const argo = objects(rendered, 'nonprod', 'argocd').filter((o) => o.kind === 'Application');
    const wave = (name: string): number => Number(argo.find((a) => a.metadata.name === name)?.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    expect([wave('dev-root'), wave('qa-root'), wave('nonprod-platform-root'), wave('nonprod-apps-root')]).toEqual([0, 0, 1, 2]);
    expect(at(argo.find((a) => a.metadata.name === 'nonprod-apps-root'), 'spec.source.path')).toBe('nonprod/apps-appsets');
  });

  test('validates with 0 errors', () => {
    expect(validateEnvironments(rendered).errors.map((f) => `${f.environment} ${f.rule} ${f.path}: ${f.message}`)).toEqual([]);
  });
});

describe("gitops.applicationSets refuses", () => {
  test('an unknown value, naming the values allowed', () => {
    expect(platformErrorOf(() => defineCluster(base, { name: 'nonprod', stage: 'staging', gitops: { applicationSets: 'per-tier' as never }, source: 'environments/nonprod.ts' })))
      .toMatch(/environments\/nonprod\.ts.*field 'gitops\.applicationSets'.*\(got "per-tier"\)\. Fix: use 'per-environment' or 'platform-and-apps'/);
  });

  test('being set in an environment file of a shared cluster', () => {
    expect(platformErrorOf(() => environment('dev', { gitops: { applicationSets: 'platform-and-apps' }, source: 'environments/dev.ts' })))
      .toMatch(/environments\/dev\.ts \(environment 'dev'\), field 'gitops\.applicationSets': belongs to cluster 'nonprod'/);
  });

  test('an environment with a cluster of its own', () => {
    const error = (() => { try { defineEnvironment(base, { name: 'dev', stage: 'staging', gitops: { applicationSets: 'platform-and-apps' }, source: 'environments/dev.ts' }); } catch (e) { return e; } return undefined; })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).format()).toMatch(/environments\/dev\.ts.*field 'gitops\.applicationSets': groups the ApplicationSets of the environments of a shared cluster, but this environment has a cluster of its own/);
  });

  test('an environment on the cluster asking for generated Applications', () => {
    expect(platformErrorOf(() => environment('dev', { gitops: { mode: 'applications' }, source: 'environments/dev.ts' })))
      .toMatch(/environments\/dev\.ts \(environment 'dev'\).*field 'gitops\.mode': is 'applications', but cluster 'nonprod' delivers its environments' directories by ApplicationSets \(gitops\.applicationSets: 'platform-and-apps' in environments\/nonprod\.ts\)/);
  });

  test('a chain of dependencies deeper than the two tiers, naming the application and its wave', () => {
    const deep = defineEnvironment(base, { name: 'dev', stage: 'staging', cluster: grouped, namespace: 'shop-dev', source: 'environments/dev.ts' });
    expect(platformErrorOf(() => render([deep]))).toMatch(/environments\/dev\.ts \(environment 'dev'\), application 'edge', field 'gitops\.applicationSets': syncs in wave 3 of environment 'dev'[^]*Fix: remove a level of dependencies/);
  });
});
