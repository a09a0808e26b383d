/**
 * Test helpers: synthesise charts and platforms in memory and find objects in the result.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { ApplicationChart, DEFAULT_CONTEXT, deepMerge, DeepPartial, PlatformContext, PlatformError, prepareApp } from '../constructs';
import { base, environments } from '../environments';
import { build as referenceBuild } from '../main';
import { defineEnvironment, EnvironmentConfig, EnvironmentInput, LocalStorageSettings, StorageSettings } from '../tools/kit';
import type { BuildFunction } from '../tools/synth';
import { KubeObject, renderApp, RenderedDirectory, RenderedEnvironment } from '../tools/synth/render';

/** A plain JSON object. */
export type Json = Record<string, unknown>;

/** A Kubernetes object as rendered (loosely typed for assertions). */
export type Manifest = KubeObject & Json;

/** All objects of a chart, after the render-time composition of its App (network policies, namespaces, Argo CD). */
export function synth(chart: Chart): Manifest[] {
  prepareApp(chart.node.root);
  return Testing.synth(chart) as Manifest[];
}

/** The single object of `kind` (and `name`, when given); fails the test when there is not exactly one. */
export function findObject(objects: readonly Manifest[], kind: string, name?: string): Manifest {
  const matches = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (matches.length !== 1) {
    throw new Error(`expected exactly one ${kind}${name ? ` '${name}'` : ''}, found ${matches.length}: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return matches[0] as Manifest;
}

/** All objects of `kind`. */
export function findObjects(objects: readonly Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

/** Navigate a JSON path such as `spec.template.spec.containers.0.image`. */
export function at(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** An ApplicationChart in a fresh App, for construct tests that need an application context. */
export function applicationChart(id = 'test-app', options: { namespace?: string; context?: Partial<PlatformContext> } = {}): { app: App; chart: ApplicationChart } {
  const app = Testing.app({ outdir: `/tmp/platform-synth-test/${options.context?.environment ?? 'test'}` });
  const chart = new ApplicationChart(app, id, {
    context: { ...DEFAULT_CONTEXT, ...options.context },
    namespace: 'namespace' in options ? options.namespace : 'apps',
    version: '1.0.0',
  });
  return { app, chart };
}

/** A platform of the repository: the reference platform or one of examples/. */
export interface TestPlatform {
  readonly name: string;
  readonly environments: readonly EnvironmentConfig[];
  readonly build: BuildFunction;
}

const EXAMPLES = path.resolve(__dirname, '..', 'examples');

/** Every platform of the repository: the reference platform, then each of examples/<name>/ (loaded once). */
export function platforms(): readonly TestPlatform[] {
  const examples = fs.existsSync(EXAMPLES) ? fs.readdirSync(EXAMPLES).filter((d) => fs.existsSync(path.join(EXAMPLES, d, 'main.ts'))).sort() : [];
  return [
    { name: 'reference', environments, build: referenceBuild },
    ...examples.map((name) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(path.join(EXAMPLES, name, 'main.ts')) as { build: BuildFunction; environments: readonly EnvironmentConfig[] };
      return { name, environments: module.environments, build: module.build };
    }),
  ];
}

const renderedPlatforms = new Map<BuildFunction, RenderedEnvironment[]>();

/** Every directory a platform renders (environments and shared clusters), rendered once per test file. */
export function renderPlatform(platform: Pick<TestPlatform, 'build'>): RenderedEnvironment[] {
  let result = renderedPlatforms.get(platform.build);
  if (result === undefined) {
    result = [];
    for (const app of platform.build('dist') as Iterable<App>) result.push(...renderApp(app));
    renderedPlatforms.set(platform.build, result);
  }
  return result;
}

/** The reference platform's directory of environment `env` (rendered once per test file). */
export function renderEnvironment(env: EnvironmentConfig): RenderedEnvironment {
  const found = renderPlatform({ build: referenceBuild }).find((e) => e.name === env.name);
  if (found === undefined) throw new Error(`test helper: the reference platform renders no directory '${env.name}'`);
  return found;
}

/** Every directory the reference platform renders, as plain data (what the output stage and a worker receive). */
export function referenceDirectories(): RenderedDirectory[] {
  return renderPlatform({ build: referenceBuild }).map(({ name, cluster, context, applications }) => ({ name, cluster, context, applications }));
}

/** The reference platform's directory `name`, as plain data. */
export function referenceDirectory(name: string): RenderedDirectory {
  const found = referenceDirectories().find((d) => d.name === name);
  if (found === undefined) throw new Error(`test helper: the reference platform renders no directory '${name}'`);
  return found;
}

/** Every object of a rendered directory, with the application it belongs to. */
export function objectsOf(env: RenderedEnvironment): { application: string; object: Manifest }[] {
  return env.applications.flatMap((a) => a.objects.map((o) => ({ application: a.name, object: o.object as Manifest })));
}

/** Every object of the reference platform in `env`, with the application it belongs to. */
export function allObjects(env: EnvironmentConfig): { application: string; object: Manifest }[] {
  return objectsOf(renderEnvironment(env));
}

export { base, environments };

/** Local storage on one node, for test environments whose storage is not what the test is about. */
export const TEST_STORAGE: LocalStorageSettings = { mode: 'local', storageClassName: 'local-storage', nodes: ['node-1'], root: '/mnt/data' };

/** The reference platform's applications with images of their own. */
export const APP_IMAGES = ['frontend', 'identity-service', 'user-service', 'blog-service'] as const;

/** What an environment file must always declare besides its differences: storage and application tags. */
export const TEST_FILE_DEFAULTS = {
  storage: TEST_STORAGE,
  images: Object.fromEntries(APP_IMAGES.map((app) => [app, { tag: 'v1.0.0' }])),
} as const;

type ReferenceInput = EnvironmentInput<typeof base.platform.apps, typeof base.platform.images>;

/** An environment file's input in a test: `storage` and application tags default to `TEST_FILE_DEFAULTS`. */
export type TestOverrides = Omit<ReferenceInput, 'storage'> & { readonly storage?: StorageSettings };

/** `defineEnvironment` over the reference platform's base, with `TEST_FILE_DEFAULTS` below `overrides`. */
export function testEnvironment(overrides: TestOverrides): EnvironmentConfig {
  return defineEnvironment(base, { source: `environments/${overrides.name}.ts`, ...deepMerge<ReferenceInput>(TEST_FILE_DEFAULTS as unknown as ReferenceInput, overrides as DeepPartial<ReferenceInput>) });
}

/** The formatted message of the PlatformError `fn` throws (fails the test if it throws something else or nothing). */
export function platformErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError);
    return (error as PlatformError).format();
  }
  throw new Error('expected a PlatformError, but nothing was thrown');
}
