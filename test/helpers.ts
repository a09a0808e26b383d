/**
 * Test helpers: synthesise charts and environments in memory and find objects in the result.
 */
import { App, Chart, Testing } from 'cdk8s';
import { ApplicationChart } from '../constructs/application-chart';
import { DEFAULT_CONTEXT, PlatformContext } from '../constructs/lib/context';
import { healthXcape } from '../charts';
import { base } from '../environments/base';
import { APP_NAMES, defineEnvironment, environments, EnvironmentConfig, EnvironmentOverrides, LocalStorageSettings, StorageSettings } from '../environments';
import { deepMerge, DeepPartial } from '../constructs/lib/merge';
import { renderApp, RenderedEnvironment, KubeObject } from '../tools/synth/render';

/** A plain JSON object. */
export type Json = Record<string, unknown>;

/** A Kubernetes object as rendered (loosely typed for assertions). */
export type Manifest = KubeObject & Json;

/** All objects of a chart. */
export function synth(chart: Chart): Manifest[] {
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

const rendered = new Map<EnvironmentConfig, RenderedEnvironment>();

/** The reference platform rendered for `env` (cached per test file). */
export function renderEnvironment(env: EnvironmentConfig): RenderedEnvironment {
  let result = rendered.get(env);
  if (result === undefined) {
    const app = new App({ outdir: `dist/${env.name}` });
    healthXcape(app, env);
    result = renderApp(app);
    rendered.set(env, result);
  }
  return result;
}

/** Every object of the reference platform in `env`, with the application it belongs to. */
export function allObjects(env: EnvironmentConfig): { application: string; object: Manifest }[] {
  return renderEnvironment(env).applications.flatMap((a) => a.objects.map((o) => ({ application: a.name, object: o.object as Manifest })));
}

export { environments };

/** Local storage on one node, for test environments whose storage is not what the test is about. */
export const TEST_STORAGE: LocalStorageSettings = { mode: 'local', storageClassName: 'local-storage', nodes: ['node-1'], root: '/mnt/data' };

/** What an environment file must always declare besides its differences: storage and application tags. */
export const TEST_FILE_DEFAULTS = {
  storage: TEST_STORAGE,
  images: Object.fromEntries(APP_NAMES.map((app) => [app, { tag: 'v1.0.0' }])),
} as const;

/** An environment file's overrides in a test: `storage` and application tags default to `TEST_FILE_DEFAULTS`. */
export type TestOverrides = Omit<EnvironmentOverrides, 'storage'> & { readonly storage?: StorageSettings };

/** `defineEnvironment` over the shared defaults, with `TEST_FILE_DEFAULTS` below `overrides`. */
export function testEnvironment(overrides: TestOverrides): EnvironmentConfig {
  return defineEnvironment(base, deepMerge<EnvironmentOverrides>(TEST_FILE_DEFAULTS as unknown as EnvironmentOverrides, overrides as DeepPartial<EnvironmentOverrides>));
}
