/**
 * Catalog entries: what a platform declares once per application (its kind, its options, its image and its
 * typed references to other applications), and the references between them.
 *
 * An entry is data until an environment is built: building environment `prod` turns each entry into the
 * constructs of one application of `prod`, and a reference (`kafka`, `kafka.topic('events')`,
 * `images.postgres`) into the construct or value it stands for in `prod`.
 */
import type { App } from 'cdk8s';
import type { ApplicationChart } from '../../constructs/application-chart';
import type { PlatformContext } from '../../constructs/lib/context';
import type { ProblemLocation } from '../../constructs/lib/errors';
import type { ImageSettings } from '../../constructs/lib/images';
import type { z } from '../../constructs/lib/options';
import type { IVolumeProvider } from '../../constructs/volume-provider';
import type { Stage } from '../../constructs/lib/context';

/**
 * Where an application is rendered: once per environment (`dist/<env>/<app>/`), or once per cluster for the
 * add-ons every environment of a cluster shares (operators, ingress controllers, meshes, CSI drivers).
 */
export type AppScope = 'environment' | 'cluster';

/**
 * Whether an environment runs an application: `true`, `false`, or `'when-used'` (only when another application
 * of the environment uses it, like an operator only a CloudNativePG database needs).
 */
export type Enabled = boolean | 'when-used';

/** The environment or cluster an entry is being built for. */
export interface BuildTarget {
  /** Directory under `dist/` (the environment's name, or the cluster's for cluster add-ons). */
  readonly name: string;
  /** The cluster. */
  readonly cluster: string;
  /** Life-cycle stage. */
  readonly stage: Stage;
  /** Default namespace of the environment's applications. */
  readonly namespace: string;
}

/** A value that stands for a construct (or setting) of the environment being built. */
export interface Ref<T> {
  /** What the reference names, for messages (`application 'kafka'`, `topic 'identity.events' of 'kafka'`). */
  readonly description: string;
  /** The value in the environment `context` builds. */
  resolveIn(context: BuildContext): T;
}

/** An image the platform declares, with its default repository and (optionally) tag. */
export interface ImageDeclaration {
  /** Repository, optionally with registry host (`ghcr.io/acme/api`). */
  readonly repository: string;
  /**
   * Tag used where an environment pins none (staging and production refuse a missing or floating tag).
   * @default - none: every environment that runs the image pins its tag
   */
  readonly tag?: string;
  /**
   * Content digest.
   * @default - none
   */
  readonly digest?: string;
}

/** What building one entry in one environment may use. */
export interface BuildContext {
  /** The cluster's cdk8s App: the scope of the application's chart. */
  readonly app: App;
  /** The environment (or cluster) being built. */
  readonly target: BuildTarget;
  /** The facts every construct reads through its application chart. */
  readonly context: PlatformContext;
  /** Where persistent volumes come from; a clear error when the environment declares no storage. */
  readonly storage: IVolumeProvider;
  /** The construct or value `ref` stands for in this environment (built on demand). */
  resolve<T>(ref: Ref<T>): T;
  /** A platform image as this environment pins it (checked: staging and production refuse floating tags). */
  image(name: string): ImageSettings;
  /**
   * Refuse a reference the application being built makes (a topic its Kafka cluster does not define): throws a
   * `ConfigError` naming the platform file and that application.
   */
  fail(message: string, value: unknown, fix: string): never;
}

/** What building one entry gets: the build context plus the application's name and effective options. */
export interface EntryContext<O> extends BuildContext {
  /** The application's name (its key in the catalog, its directory under `dist/<env>/`). */
  readonly name: string;
  /**
   * The construct id of the application's top-level construct (a chart, or a Helm application): its name, prefixed
   * with the environment's when environments share a cluster (ids are unique in the cluster's App). Pass `name` as
   * its `appName`.
   */
  readonly id: string;
  /** The options after layering: catalog entry, environment defaults, the environment's override. */
  readonly options: O;
  /** The application's own image as this environment pins it. */
  readonly ownImage: () => ImageSettings;
  /** Where a field of the options was set (file, application, field), for error messages. */
  readonly locate: (field: string) => ProblemLocation;
  /**
   * Run `work` once every application of the cluster is built: for references that would otherwise form a
   * cycle (a database admitting a client that uses it).
   */
  defer(work: () => void): void;
  /**
   * The application's chart (`dist/<env>/<name>/`), with the environment's context and the options' origins.
   * Call once.
   */
  chart(props?: EntryChartProps): ApplicationChart;
}

/** Props of an entry's chart. */
export interface EntryChartProps {
  /**
   * Namespace of the application's namespaced objects.
   * @default - the entry's namespace, or the environment's
   */
  readonly namespace?: string | null;
  /**
   * Default version label.
   * @default - the application image's version, or the platform repository's version
   */
  readonly version?: string;
  /**
   * Pod Security Standards level the application's pods need.
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'baseline';
}

/** How an entry kind turns effective options into constructs. */
export interface EntryDefinition<O, T> {
  /** The kind (`microservice`, `frontend`, `kafka`, ...): environments set defaults per kind in `defaults.<kind>`. */
  readonly kind: string;
  /**
   * Once per environment or once per cluster.
   * @default 'environment'
   */
  readonly scope?: AppScope;
  /** The options schema (a strict zod object): the merged options are checked against it. */
  readonly schema: z.ZodType;
  /** The catalog's options (data only, no references). */
  readonly options: O;
  /**
   * The application's own image.
   * @default - it runs no image of its own
   */
  readonly image?: ImageDeclaration;
  /**
   * Whether environments run it unless they say otherwise.
   * @default true
   */
  readonly enabled?: Enabled;
  /**
   * The environment's `workloadDefaults` (replicas, resources, env) apply to it.
   * @default false
   */
  readonly workload?: boolean;
  /**
   * Namespace of the application (a function of the environment for environment-scoped applications that must
   * not collide when environments share a cluster).
   * @default - the environment's namespace
   */
  readonly namespace?: string | ((target: BuildTarget) => string);
  /** Build the application's constructs; returns what references to it resolve to. */
  build(context: EntryContext<O>): T;
}

/** A catalog entry: an application definition and a reference to what it builds. */
export interface AppEntry<O, T, K extends string = string> extends Ref<T> {
  readonly kind: K;
  readonly scope: AppScope;
  readonly schema: z.ZodType;
  readonly options: O;
  readonly image?: ImageDeclaration;
  readonly enabled: Enabled;
  readonly workload: boolean;
  readonly namespace?: string | ((target: BuildTarget) => string);
  build(context: EntryContext<O>): T;
}

/** Any entry (for catalogs). */
export type AnyEntry = AppEntry<object, unknown, string>;

const ENTRY = Symbol.for('platform-synth.kit.Entry');

/** The resolver the build installs: resolves an entry in a build context. */
export interface EntryResolver {
  resolveEntry<T>(entry: AppEntry<object, T, string>): T;
}

/** True when `value` is a catalog entry. */
export function isEntry(value: unknown): value is AnyEntry {
  return value !== null && typeof value === 'object' && ENTRY in value;
}

/**
 * Define a catalog entry of a kind of your own: the kit's `microservice()`, `frontend()`, ... are built on this.
 * The entry's options are checked against `schema` in every environment; `build` composes constructs.
 */
export function defineEntry<O extends object, T, K extends string>(definition: EntryDefinition<O, T> & { readonly kind: K }): AppEntry<O, T, K> {
  const entry: AppEntry<O, T, K> = {
    kind: definition.kind,
    scope: definition.scope ?? 'environment',
    schema: definition.schema,
    options: definition.options,
    image: definition.image,
    enabled: definition.enabled ?? true,
    workload: definition.workload ?? false,
    namespace: definition.namespace,
    description: `a ${definition.kind} entry`,
    build: (context) => definition.build(context),
    resolveIn: (context) => (context as unknown as EntryResolver).resolveEntry(entry),
  };
  Object.defineProperty(entry, ENTRY, { value: true });
  return entry;
}

/** A reference derived from another: `kafka.topic('events')` from `kafka`. */
export function derivedRef<S, T>(from: Ref<S>, description: string, pick: (value: S, context: BuildContext) => T): Ref<T> {
  return { description, resolveIn: (context) => pick(context.resolve(from), context) };
}

/** A reference resolving every value of a map of references. */
export function resolveAll<T>(context: BuildContext, refs: Readonly<Record<string, Ref<T>>> | undefined): Record<string, T> | undefined {
  if (refs === undefined) return undefined;
  return Object.fromEntries(Object.entries(refs).map(([key, ref]) => [key, context.resolve(ref)]));
}
