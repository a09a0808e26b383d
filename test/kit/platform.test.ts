/**
 * The platform catalog and the references between its entries: misspelt or misplaced entries and references
 * fail with the file, the application and a fix; references resolve on demand, in any order.
 */
import { App } from 'cdk8s';
import { ConfigError } from '../../constructs';
import {
  AnyEntry, defineBase, defineEntry, defineEnvironment, defineImages, definePlatform, microservice, platformBuild, strimziOperator,
} from '../../tools/kit';
import { renderApp } from '../../tools/synth/render';

const image = { repository: 'ghcr.io/acme/api', tag: '1.0.0' };
const api = (): ReturnType<typeof microservice> => microservice({ image, runtime: 'node', healthCheck: { path: '/h' } });

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.file ?? ''} | ${p.application ?? '-'} | ${p.field ?? ''} | ${p.message}`);
    throw e;
  }
  return [];
}

function renderAll(apps: Record<string, AnyEntry>, input: Record<string, unknown> = {}): string[] {
  return problems(() => {
    const platform = definePlatform({ name: 'shop', images: defineImages({}), apps, source: 'platform.ts' });
    const base = defineBase(platform, { gitops: { repoURL: 'https://git.example.com/r.git', branch: 'rendered' }, source: 'environments/base.ts' });
    const env = defineEnvironment(base, { name: 'dev', stage: 'development', source: 'environments/dev.ts', ...input });
    for (const app of platformBuild(platform, [env])('dist') as Iterable<App>) renderApp(app);
  });
}

describe('definePlatform', () => {
  test('refuses invalid and reserved names, non-entries, and images named like applications', () => {
    const entry = api();
    expect(problems(() => definePlatform({
      name: 'Shop', source: 'platform.ts', images: defineImages({ 'api': { repository: 'x/y', tag: '1' } }),
      apps: { 'Bad_Name': api(), 'argocd': api(), 'plain': { kind: 'microservice' } as unknown as AnyEntry, 'api': entry, 'again': entry },
    }))).toEqual([
      "platform.ts | - | name | must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
      "platform.ts | Bad_Name | apps.Bad_Name | application name must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
      "platform.ts | argocd | apps.argocd | 'argocd' is an application the kit renders itself in every environment",
      'platform.ts | plain | apps.plain | is not a catalog entry',
      "platform.ts | again | apps.again | is the same entry as 'api'",
      "platform.ts | api | images.api | image name 'api' is also an application name (both are keys of an environment's images block)",
    ]);
  });

  test('names the module that defined it when no source is given', () => {
    expect(definePlatform({ name: 'shop', apps: {} }).source).toBe('test/kit/platform.test.ts');
  });
});

describe('references between entries', () => {
  test('resolve on demand whatever the catalog order (a backend declared after its user)', () => {
    const billing = api();
    const web = microservice({ image, runtime: 'node', healthCheck: { path: '/' }, backends: { BILLING_URL: billing } });
    expect(renderAll({ web, billing })).toEqual([]);
  });

  test('a reference to an entry outside the catalog is an error naming the user', () => {
    const web = microservice({ image, runtime: 'node', healthCheck: { path: '/' }, backends: { BILLING_URL: api() } });
    expect(renderAll({ web })).toEqual(["platform.ts | web | web | uses a microservice entry, which is not in the platform's apps"]);
  });

  test('a reference cycle is an error naming the cycle', () => {
    const a: AnyEntry = defineEntry({ kind: 'pair', schema: api().schema, options: {}, build: (c) => c.resolve(b) });
    const b: AnyEntry = defineEntry({ kind: 'pair', schema: api().schema, options: {}, build: (c) => c.resolve(a) });
    expect(renderAll({ a, b })).toEqual(['platform.ts | a | a | applications reference each other in a cycle: a -> b -> a']);
  });

  test("'when-used' entries run only where something uses them", () => {
    const operator = strimziOperator();
    const platform = definePlatform({ name: 'shop', images: defineImages({}), apps: { 'strimzi-operator': operator, 'api': api() } });
    const base = defineBase(platform, { gitops: { repoURL: 'https://git.example.com/r.git', branch: 'rendered' } });
    const env = defineEnvironment(base, { name: 'dev', stage: 'development' });
    const rendered = [...(platformBuild(platform, [env])('dist') as Iterable<App>)].flatMap((app) => renderApp(app));
    expect(rendered[0]?.graph.map((a) => a.appName).sort()).toEqual(['api', 'argocd', 'namespaces']);
    // An environment can still run it on its own.
    const forced = defineEnvironment(base, { name: 'qa', stage: 'development', apps: { 'strimzi-operator': { enabled: true } } });
    expect([...(platformBuild(platform, [forced])('dist') as Iterable<App>)].flatMap((app) => renderApp(app))[0]?.graph.map((a) => a.appName)).toContain('strimzi-operator');
  });

  test('the same environment listed twice, or two environments of one name, are errors', () => {
    const platform = definePlatform({ name: 'shop', images: defineImages({}), apps: { api: api() } });
    const base = defineBase(platform, { gitops: { repoURL: 'https://git.example.com/r.git', branch: 'rendered' } });
    const dev = defineEnvironment(base, { name: 'dev', stage: 'development', source: 'environments/dev.ts' });
    const copy = defineEnvironment(base, { name: 'dev', stage: 'development', source: 'environments/dev-copy.ts' });
    expect(problems(() => [...(platformBuild(platform, [dev, dev])('dist') as Iterable<App>)])).toEqual(["environments/dev.ts | - | name | environment 'dev' is listed twice"]);
    expect(problems(() => [...(platformBuild(platform, [dev, copy])('dist') as Iterable<App>)])).toEqual(["environments/dev-copy.ts | - | name | environment 'dev' is defined twice (environments/dev.ts and environments/dev-copy.ts)"]);
  });
});
