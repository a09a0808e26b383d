/**
 * Environments and clusters: typed overrides of a platform's catalog, layered and checked at the boundary.
 *
 * Layering (later wins): the platform's catalog entry, then the shared base (`environments/base.ts`), then the
 * environment file; within each file, `workloadDefaults` (every workload), then `defaults.<kind>` (every
 * application of a kind), then `apps.<name>` (one application). Objects merge key by key, arrays replace, an
 * `undefined` value keeps what is below it, and an object whose `mode` changes replaces the one below.
 *
 * Every value is checked against the schema of the construct that uses it (the same definition gives its
 * TypeScript type), and every problem names the file that set the value, the application, the field, the value
 * received and the fix. The type of `apps`, `defaults` and `images` is derived from the platform's catalog.
 */
import { ConfigError, Problem, ProblemLocation } from '../../constructs/lib/errors';
import { PULL_POLICIES, PullPolicy, Stage, STAGES } from '../../constructs/lib/context';
import { LocalStorageOptionsSchema } from '../../constructs/local-storage';
import { deepFreeze, DeepPartial, isPlainObject, mergeTracked, originOf } from '../../constructs/lib/merge';
import { MicroserviceOptionsSchema } from '../../constructs/microservice';
import { credentialFreeUrl, discriminatorAt, dnsLabelSchema, joinField, optionProblems, OptionProblem, refuse, withFix, z } from '../../constructs/lib/options';
import { closest } from '../../constructs/lib/suggest';
import { DynamicStorageOptionsSchema } from '../../constructs/volume-provider';
import { AnyEntry, AppEntry, Enabled } from './entry';
import { ImageCatalog } from './images';
import { AnyPlatform, Catalog, Platform } from './platform';
import { BranchLayout, BRANCH_LAYOUTS } from '../publish/branches';
import { callerFile } from './source';

// ---------------------------------------------------------------------------------------------
// Settings every environment has (the kit's own), as schemas
// ---------------------------------------------------------------------------------------------

/** How persistent volumes are provided: local volumes on named nodes, or a dynamic provisioner. */
export const StorageSettingsSchema = z.discriminatedUnion('mode', [
  LocalStorageOptionsSchema.extend({ mode: z.literal('local') }),
  DynamicStorageOptionsSchema.extend({ mode: z.literal('dynamic') }),
]);

/** How persistent volumes are provided. */
export type StorageSettings = z.infer<typeof StorageSettingsSchema>;
/** Local PersistentVolumes on the cluster's nodes. */
export type LocalStorageSettings = Extract<StorageSettings, { mode: 'local' }>;
/** A dynamic provisioner's StorageClass. */
export type DynamicStorageSettings = Extract<StorageSettings, { mode: 'dynamic' }>;

function urlSchema(schemes: readonly string[], example: string): z.ZodType<string> {
  return withFix(z.string().refine((text) => {
    if (schemes.includes('ssh') && /^[\w.-]+@[\w.-]+:[\w./~-]+$/.test(text)) return true; // git@github.com:org/repo.git
    try {
      const parsed = new URL(text);
      return schemes.includes(parsed.protocol.replace(/:$/, '')) && (parsed.protocol === 'file:' || parsed.host.length > 0);
    } catch {
      return false;
    }
  }, { error: `must be a URL (${schemes.join(', ')})` }), `set it to a URL such as '${example}'`);
}

/** An external service: `host`, `host:port` or a URL without credentials. */
const externalServiceSchema = credentialFreeUrl(withFix(z.string().refine((text) => {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      return new URL(text).host.length > 0;
    } catch {
      return false;
    }
  }
  return /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/.test(text);
}, { error: 'must be a host name, host:port or a URL' }), "write it as 'kafka.shared.example.com:9092', 'billing-api.payments' or 'https://api.example.com'"));

/** How Argo CD reads the rendered branch. */
export const GitOpsSettingsSchema = z.strictObject({
  /** Repository holding the rendered-manifests branch. */
  repoURL: credentialFreeUrl(urlSchema(['https', 'http', 'ssh', 'file'], 'https://github.com/org/platform-rendered.git')),
  /** Rendered-manifests branch. */
  branch: withFix(z.string().refine((b) => /^[A-Za-z0-9._/-]+$/.test(b) && !b.includes('..') && !b.startsWith('/') && !b.endsWith('/'), { error: 'must be a valid git branch name' }), "use a branch such as 'rendered'"),
  /** Namespace where Argo CD runs (and where Applications live). */
  argocdNamespace: dnsLabelSchema,
  /** Cluster API server Applications deploy to. */
  destinationServer: urlSchema(['https'], 'https://kubernetes.default.svc'),
  /** `applications`: one Application per directory, with sync waves; `applicationset`: one git-directory ApplicationSet. */
  mode: withFix(z.enum(['applications', 'applicationset']), "use 'applications' or 'applicationset'"),
  /**
   * How environments are spread over rendered branches (tools/publish/branches.ts): `shared` (every environment
   * on `branch`), `per-environment` (`<branch>/<env>`) or `promoter` (GitOps Promoter: Argo CD reads
   * `<branch>/<env>`, publish writes `<branch>/<env>-next`).
   * @default 'shared'
   */
  layout: withFix(z.enum(BRANCH_LAYOUTS as [BranchLayout, ...BranchLayout[]]), "use 'shared', 'per-environment' or 'promoter'").optional(),
  /**
   * Applications sync only their out-of-sync objects (`ApplyOutOfSyncOnly=true`).
   * @default false
   */
  applyOutOfSyncOnly: z.boolean().optional(),
  /**
   * `applicationset` mode: fields of generated Applications the ApplicationSet controller leaves alone
   * (`[{ jsonPointers: ['/spec/syncPolicy'] }]` lets a person pause automated sync of one Application).
   * @default []
   */
  /**
   * A cluster shared by several environments (set in its cluster file): `per-environment` (each environment's
   * `mode` decides) or `platform-and-apps`, ApplicationSets grouped per cluster under two roots: the root
   * `<cluster>-platform-root` syncs one ApplicationSet `<env>-platform` per environment (the applications its
   * others use), then the root `<cluster>-apps-root` one ApplicationSet `<env>-apps` per environment (the rest,
   * and Helm chart Applications of that tier). The environments on the cluster are then in `mode: 'applicationset'`
   * (setting another mode is an error).
   * See README, "ApplicationSets per cluster".
   * @default 'per-environment'
   */
  applicationSets: withFix(z.enum(['per-environment', 'platform-and-apps']), "use 'per-environment' or 'platform-and-apps'").optional(),
  ignoreApplicationDifferences: z.array(z.strictObject({
    name: z.string().optional(),
    jsonPointers: z.array(withFix(z.string().startsWith('/', { error: 'must be a JSON pointer starting with /' }), "write it like '/spec/syncPolicy'")).optional(),
    jqPathExpressions: z.array(z.string()).optional(),
  })).optional(),
});

/** How Argo CD reads the rendered branch. */
export type GitOpsSettings = z.infer<typeof GitOpsSettingsSchema>;

const GITOPS_DEFAULTS: Pick<GitOpsSettings, 'argocdNamespace' | 'destinationServer' | 'mode'> = {
  argocdNamespace: 'argocd',
  destinationServer: 'https://kubernetes.default.svc',
  mode: 'applications',
};

/** Settings of every workload of an environment (merged below each workload's own). */
export const WorkloadDefaultsSchema = MicroserviceOptionsSchema.pick({ replicas: true, resources: true, env: true });

/** Settings of every workload of an environment. */
export type WorkloadDefaults = z.infer<typeof WorkloadDefaultsSchema>;

const registryMirrorSchema = withFix(z.string().refine((mirror) => {
  const host = mirror.split('/')[0] ?? '';
  return /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9._/-]+)?$/.test(mirror) && (host.includes('.') || host.includes(':') || host.startsWith('localhost'));
}, { error: 'must be a registry host with optional port and path, without scheme' }), "write it like 'registry.internal:5000' or 'harbor.example.com/mirror'");

const imageOverrideSchema = z.strictObject({
  /** Repository, optionally with registry host. */
  repository: z.string().optional(),
  /** Tag (`v1.0.1`). */
  tag: z.string().optional(),
  /** Content digest (`sha256:...`). */
  digest: z.string().optional(),
});

/** An environment's pin of one image. */
export type ImageOverride = z.infer<typeof imageOverrideSchema>;

// ---------------------------------------------------------------------------------------------
// Types derived from a platform's catalog
// ---------------------------------------------------------------------------------------------

type OptionsOf<E> = E extends AppEntry<infer O, unknown, string> ? O : never;
type KindOf<E> = E extends AppEntry<object, unknown, infer K> ? K : never;
type EntryOfKind<C extends Catalog, K extends string> = { [N in keyof C]: C[N] extends AppEntry<object, unknown, K> ? C[N] : never }[keyof C];

/** What an environment may set on one application: its options, and whether it runs. */
export type AppOverride<E> = DeepPartial<OptionsOf<E>> & {
  /**
   * Run the application in this environment (`'when-used'`: only when another application uses it).
   * @default - the catalog's (true unless the entry says otherwise)
   */
  readonly enabled?: Enabled;
};

/** Per-application overrides, keyed by the catalog's names. */
export type AppOverrides<C extends Catalog> = { readonly [N in keyof C]?: AppOverride<C[N]> };

/** Defaults for every application of a kind (`defaults: { 'service-with-postgres': { database: { ... } } }`). */
export type KindDefaults<C extends Catalog> = { readonly [K in KindOf<C[keyof C]>]?: DeepPartial<OptionsOf<EntryOfKind<C, K>>> };

/** Image pins, keyed by the applications' and the platform images' names. */
export type ImageOverrides<C extends Catalog, I extends ImageCatalog> = { readonly [N in (keyof C | keyof I) & string]?: ImageOverride };

/** What a shared base, a cluster file and an environment file may set (each only what differs). */
export interface SharedSettings<C extends Catalog, I extends ImageCatalog> {
  /**
   * Namespace of the environment's applications (those whose entry names none).
   * @default - the platform's name
   */
  readonly namespace?: string;
  /**
   * Namespaces the platform uses but does not render (Argo CD's own, an ingress controller's).
   * @default []
   */
  readonly externalNamespaces?: readonly string[];
  /**
   * Services the platform uses but does not render, declared once so that validation allows them: a Kafka
   * cluster, a database or an API outside the platform, as `host`, `host:port` or a URL
   * (`'kafka.shared.example.com:9092'`, `'billing-api.payments'`, `'https://api.stripe.com'`).
   * @default []
   */
  readonly externalServices?: readonly string[];
  /**
   * Pull policy of every container (`IfNotPresent` or `Never` on air-gapped nodes).
   * @default 'IfNotPresent'
   */
  readonly imagePullPolicy?: PullPolicy;
  /**
   * Registry (host, optional path) every image is pulled through, upstream registry kept in the path.
   * @default - images are pulled from their own registries
   */
  readonly registryMirror?: string;
  /**
   * Where persistent volumes come from.
   * @default - none: an application that claims a volume is an error
   */
  readonly storage?: StorageSettings;
  /** How Argo CD reads the rendered branch (`repoURL` and `branch` are required somewhere). */
  readonly gitops?: Partial<GitOpsSettings>;
  /**
   * Replicas, resources and env of every workload.
   * @default {}
   */
  readonly workloadDefaults?: DeepPartial<WorkloadDefaults>;
  /**
   * Defaults for every application of a kind.
   * @default {}
   */
  readonly defaults?: KindDefaults<C>;
  /**
   * Per-application overrides.
   * @default {}
   */
  readonly apps?: AppOverrides<C>;
  /**
   * Image tags (and repositories, digests), one line per image: the one place a CI bot updates.
   * @default {}
   */
  readonly images?: ImageOverrides<C, I>;
}

/** One file's contribution to an environment or cluster. */
export interface SettingsLayer {
  /** The file (`environments/base.ts`). */
  readonly file: string;
  /** What it sets. */
  readonly value: Readonly<Record<string, unknown>>;
}

/** The shared defaults of several environments (and clusters), from `defineBase`. */
export interface Base<C extends Catalog = Catalog, I extends ImageCatalog = ImageCatalog> {
  readonly kind: 'base';
  readonly platform: Platform<C, I>;
  readonly layers: readonly SettingsLayer[];
}

/** What a cluster file writes: its name and stage, and what differs from the base. */
export interface ClusterInput<C extends Catalog, I extends ImageCatalog> extends SharedSettings<C, I> {
  /** Cluster name: the directory `dist/<name>/` of its add-ons. */
  readonly name: string;
  /** The highest stage of the environments it runs (staging and production refuse floating tags of its add-ons). */
  readonly stage: Stage;
  /**
   * The cluster file, for error messages.
   * @default - the module calling `defineCluster`
   */
  readonly source?: string;
}

/** What an environment file writes: its name and stage, its cluster when shared, and what differs. */
export interface EnvironmentInput<C extends Catalog, I extends ImageCatalog> extends SharedSettings<C, I> {
  /** Environment name: the directory `dist/<name>/`. */
  readonly name: string;
  /** Life-cycle stage; staging and production refuse floating image tags. */
  readonly stage: Stage;
  /**
   * The cluster the environment shares with others (from `defineCluster`); its storage, registry mirror, pull
   * policy and Argo CD are the cluster's, and its add-ons are rendered once, in the cluster's directory.
   * @default - a cluster of its own, named like the environment and configured by this file
   */
  readonly cluster?: ClusterConfig<C, I>;
  /**
   * The environment file, for error messages.
   * @default - the module calling `defineEnvironment`
   */
  readonly source?: string;
}

/** Settings that belong to a cluster (its nodes, its registry, its Argo CD), not to an environment on it. */
const CLUSTER_FIELDS = ['storage', 'imagePullPolicy', 'registryMirror', 'gitops.argocdNamespace', 'gitops.destinationServer', 'gitops.applicationSets'] as const;

/** A validated cluster. */
export interface ClusterConfig<C extends Catalog = Catalog, I extends ImageCatalog = ImageCatalog> {
  readonly kind: 'cluster';
  readonly platform: Platform<C, I>;
  readonly name: string;
  readonly stage: Stage;
  /** The file that defines it (an environment file for a cluster of its own). */
  readonly source: string;
  /** True for the cluster of a single environment, configured by the environment's file. */
  readonly implicit: boolean;
  readonly namespace: string;
  readonly externalNamespaces: readonly string[];
  readonly imagePullPolicy: PullPolicy;
  readonly registryMirror?: string;
  readonly storage?: StorageSettings;
  readonly gitops: GitOpsSettings;
  readonly layers: readonly SettingsLayer[];
}

/** A complete, validated environment. */
export interface EnvironmentConfig<C extends Catalog = Catalog, I extends ImageCatalog = ImageCatalog> {
  readonly kind: 'environment';
  readonly platform: Platform<C, I>;
  readonly name: string;
  /** The environment file (`environments/prod.ts`). */
  readonly source: string;
  readonly stage: Stage;
  readonly namespace: string;
  readonly externalNamespaces: readonly string[];
  /** Services used but not rendered (see `SharedSettings.externalServices`). */
  readonly externalServices: readonly string[];
  readonly gitops: GitOpsSettings;
  readonly cluster: ClusterConfig<C, I>;
  readonly layers: readonly SettingsLayer[];
}

/** An environment or a cluster: something applications are built for. */
export type TargetConfig = EnvironmentConfig | ClusterConfig;

// ---------------------------------------------------------------------------------------------
// Layering with origins
// ---------------------------------------------------------------------------------------------

/** Where a layered value came from: the file and how the field is written there. */
interface Located {
  readonly file: string;
  readonly field: string;
}

/** One layer of an application's options: a file and the path of the options within it. */
interface OptionLayer {
  readonly file: string;
  /** How the options' root is written in that file (`apps.api`, `defaults.microservice`, `workloadDefaults`). */
  readonly prefix: string;
  readonly value: unknown;
}

/** Merged options with the location of each field. */
export interface LayeredOptions {
  readonly value: Record<string, unknown>;
  /** The file and field that set `field` (relative to the options), or the catalog's entry. */
  readonly locate: (field: string) => Located;
}

function layered(layers: readonly OptionLayer[], fallback: Located, schema?: z.ZodType): LayeredOptions {
  // Objects a schema declares as tagged unions are replaced by an override of another variant, others merge.
  const merged = mergeTracked<Record<string, unknown>>(layers.map((l) => l.value), (path) => (schema !== undefined ? discriminatorAt(schema, path) : undefined));
  return {
    value: merged.value ?? {},
    locate: (field) => {
      const layer = originOf(merged.origin, field);
      const from = layer === undefined ? undefined : layers[layer];
      if (from === undefined) return { file: fallback.file, field: joinField(fallback.field, field) };
      return { file: from.file, field: joinField(from.prefix, field) };
    },
  };
}

function valueAt(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * The effective options of application `name` in `target`, layered over its catalog entry, each field located in
 * the file that set it.
 */
export function applicationOptions(target: TargetConfig, name: string): LayeredOptions {
  const platform = target.platform as AnyPlatform;
  const entry = platform.apps[name] as AnyEntry;
  const layers: OptionLayer[] = [{ file: platform.source, prefix: name, value: entry.options }];
  const files = target.layers;
  if (entry.workload) for (const l of files) layers.push({ file: l.file, prefix: 'workloadDefaults', value: valueAt(l.value, 'workloadDefaults') });
  for (const l of files) layers.push({ file: l.file, prefix: `defaults.${entry.kind}`, value: valueAt(l.value, 'defaults', entry.kind) });
  for (const l of files) {
    const override = valueAt(l.value, 'apps', name);
    layers.push({ file: l.file, prefix: `apps.${name}`, value: isPlainObject(override) ? withoutKey(override, 'enabled') : override });
  }
  return layered(layers, { file: platform.source, field: name }, entry.schema);
}

/** Whether `target` runs application `name` (its last `enabled`, or the catalog's). */
export function applicationEnabled(target: TargetConfig, name: string): { readonly enabled: Enabled; readonly file: string } {
  const platform = target.platform as AnyPlatform;
  let result: { enabled: Enabled; file: string } = { enabled: (platform.apps[name] as AnyEntry).enabled, file: platform.source };
  for (const l of target.layers) {
    const value = valueAt(l.value, 'apps', name, 'enabled');
    if (value !== undefined) result = { enabled: value as Enabled, file: l.file };
  }
  return result;
}

/** The image `name` as `target` pins it: the declaration, then each file's `images.<name>`, each field located. */
export function imageSettings(target: TargetConfig, name: string): LayeredOptions | undefined {
  const platform = target.platform as AnyPlatform;
  const declaration = platform.apps[name]?.image ?? platform.images[name]?.declaration;
  if (declaration === undefined) return undefined;
  const layers: OptionLayer[] = [{ file: platform.source, prefix: `images.${name}`, value: { ...declaration } }];
  for (const l of target.layers) layers.push({ file: l.file, prefix: `images.${name}`, value: valueAt(l.value, 'images', name) });
  return layered(layers, { file: platform.source, field: `images.${name}` });
}

function withoutKey(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _removed, ...rest } = value;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------------------------

/** Collects problems located in files. */
class Problems {
  public readonly list: Problem[] = [];

  public constructor(private readonly environment: string | undefined) {}

  private readonly seen = new Set<string>();

  public add(where: Located, application: string | undefined, problem: Omit<OptionProblem, 'field'>): void {
    // A shared value (workloadDefaults, defaults.<kind>) is merged into several applications: report it once.
    const key = `${where.file}\u0000${where.field}\u0000${problem.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ environment: this.environment, file: where.file, application, field: where.field, message: problem.message, value: problem.value, fix: problem.fix });
  }

  public throwIfAny(heading: string): void {
    if (this.list.length > 0) throw new ConfigError(this.list, heading);
  }
}

const settingsSchemas = new WeakMap<AnyPlatform, Map<string, z.ZodType>>();

/** The schema of a platform's environment (or cluster, or base) settings, built once per platform and kind. */
function settingsSchema(platform: AnyPlatform, kind: 'environment' | 'cluster' | 'base'): z.ZodType {
  let schemas = settingsSchemas.get(platform);
  if (schemas === undefined) settingsSchemas.set(platform, (schemas = new Map()));
  let schema = schemas.get(kind);
  if (schema === undefined) schemas.set(kind, (schema = buildSettingsSchema(platform, kind)));
  return schema;
}

function buildSettingsSchema(platform: AnyPlatform, kind: 'environment' | 'cluster' | 'base'): z.ZodType {
  const appNames = Object.keys(platform.apps);
  const kinds = [...new Set(Object.values(platform.apps).map((e) => e.kind))];
  const imageNames = [...new Set([...appNames.filter((n) => platform.apps[n]?.image !== undefined), ...Object.keys(platform.images)])];
  const block = z.record(z.string(), z.unknown());
  const shape = {
    namespace: dnsLabelSchema.superRefine((ns, ctx) => {
      if (ns === 'default' || ns === 'kube-system') refuse(ctx, `workloads must not run in the '${ns}' namespace`, "use a namespace of the platform's own, such as 'healthxcape'");
    }).optional(),
    externalNamespaces: z.array(dnsLabelSchema).optional(),
    externalServices: z.array(externalServiceSchema).optional(),
    imagePullPolicy: withFix(z.enum(PULL_POLICIES as [PullPolicy, ...PullPolicy[]]), "use 'IfNotPresent' (or 'Never' on air-gapped nodes) or 'Always'").optional(),
    registryMirror: registryMirrorSchema.optional(),
    storage: StorageSettingsSchema.optional(),
    gitops: GitOpsSettingsSchema.partial().optional(),
    workloadDefaults: WorkloadDefaultsSchema.optional(),
    defaults: z.strictObject(Object.fromEntries(kinds.map((k) => [k, block.optional()]))).optional(),
    apps: z.strictObject(Object.fromEntries(appNames.map((n) => [n, block.optional()]))).optional(),
    images: z.strictObject(Object.fromEntries(imageNames.map((n) => [n, imageOverrideSchema.optional()]))).optional(),
    source: z.string().optional(),
  };
  if (kind === 'base') return z.strictObject(shape);
  return z.strictObject({
    ...shape,
    name: dnsLabelSchema,
    stage: withFix(z.enum(STAGES as [Stage, ...Stage[]]), "use 'development', 'staging' or 'production'"),
  });
}

/** Problems of the settings layers themselves (shape, unknown keys, names of applications and images). */
function checkLayers(problems: Problems, platform: AnyPlatform, layers: readonly SettingsLayer[], kind: 'environment' | 'cluster' | 'base'): void {
  const schema = settingsSchema(platform, kind);
  const merged = layered(layers.map((l) => ({ file: l.file, prefix: '', value: l.value })), { file: layers[layers.length - 1]?.file ?? platform.source, field: '' }, schema);
  const what = kind === 'base' ? 'the shared base' : `a${kind === 'environment' ? 'n' : ''} ${kind}`;
  for (const p of optionProblems(schema, merged.value, what)) {
    const [head, name] = p.field.split('.');
    let { message, fix } = p;
    if ((head === 'apps' || head === 'images' || head === 'defaults') && name !== undefined && p.field === `${head}.${name}` && message.startsWith('is not a setting')) {
      const known = head === 'apps' ? Object.keys(platform.apps) : head === 'defaults' ? [...new Set(Object.values(platform.apps).map((e) => e.kind))] : [...Object.keys(platform.apps).filter((n) => platform.apps[n]?.image), ...Object.keys(platform.images)];
      const similar = closest(name, known);
      message = head === 'apps' ? `is not an application of platform '${platform.name}'`
        : head === 'defaults' ? `is not a kind of application of platform '${platform.name}'`
          : `is not an image of platform '${platform.name}' (applications with an image of their own, and the platform's images)`;
      fix = `${similar !== undefined ? `rename it to '${similar}'` : 'remove it'}; ${head === 'defaults' ? 'kinds' : head === 'apps' ? 'applications' : 'images'} of the platform: ${known.join(', ') || 'none'}`;
    }
    problems.add(merged.locate(p.field), head === 'apps' || head === 'images' ? name : undefined, { message, value: p.value, fix });
  }
}

/** Problems of every application's merged options in `target` (those it may run). */
function checkApplications(problems: Problems, target: TargetConfig): void {
  const platform = target.platform as AnyPlatform;
  for (const [name, entry] of Object.entries(platform.apps)) {
    if (!builtIn(target, entry)) continue;
    const enabled = applicationEnabled(target, name);
    if (enabled.enabled !== true && enabled.enabled !== false && enabled.enabled !== 'when-used') {
      problems.add({ file: enabled.file, field: `apps.${name}.enabled` }, name, { message: "must be true, false or 'when-used'", value: enabled.enabled, fix: "set enabled: true, false or 'when-used'" });
      continue;
    }
    if (enabled.enabled === false) continue;
    const options = applicationOptions(target, name);
    for (const p of optionProblems(entry.schema, options.value, `application '${name}'`)) {
      problems.add(options.locate(p.field), name, p);
    }
  }
}

/** True when applications of `entry`'s scope are built for `target`. */
export function builtIn(target: TargetConfig, entry: AnyEntry): boolean {
  if (target.kind === 'cluster') return entry.scope === 'cluster';
  return entry.scope === 'environment' || target.cluster.implicit;
}

/** An environment on a shared cluster must not set what belongs to the cluster. */
function checkSharedClusterFields(problems: Problems, file: SettingsLayer, cluster: ClusterConfig): void {
  for (const field of CLUSTER_FIELDS) {
    const value = valueAt(file.value, ...field.split('.'));
    if (value !== undefined) {
      problems.add({ file: file.file, field }, undefined, {
        message: `belongs to cluster '${cluster.name}', which this environment shares (its nodes, registry and Argo CD are the cluster's)`,
        value,
        fix: `set it in ${cluster.source} (or remove 'cluster' to give the environment a cluster of its own)`,
      });
    }
  }
  const platform = cluster.platform as AnyPlatform;
  const apps = valueAt(file.value, 'apps');
  if (isPlainObject(apps)) {
    for (const name of Object.keys(apps)) {
      if (platform.apps[name]?.scope === 'cluster') {
        problems.add({ file: file.file, field: `apps.${name}` }, name, {
          message: `is an add-on of cluster '${cluster.name}', rendered once for every environment on it`,
          value: apps[name],
          fix: `set it in ${cluster.source}`,
        });
      }
    }
  }
}

function resolveBase<C extends Catalog, I extends ImageCatalog>(from: Base<C, I> | Platform<C, I>): Base<C, I> {
  return 'kind' in from && from.kind === 'base' ? from : { kind: 'base', platform: from as Platform<C, I>, layers: [] };
}

function gitopsOf(value: unknown): GitOpsSettings {
  const g = (valueAt(value, 'gitops') ?? {}) as Partial<GitOpsSettings>;
  return { ...GITOPS_DEFAULTS, ...g } as GitOpsSettings;
}

/** `gitops.applicationSets: 'platform-and-apps'` is a shared cluster's, and its environments deliver their directories by ApplicationSets. */
function checkApplicationSets(problems: Problems, gitops: GitOpsSettings, file: string, shared: ClusterConfig | undefined): void {
  if (gitops.applicationSets !== 'platform-and-apps') return;
  if (shared === undefined || (shared as { kind?: unknown }).kind !== 'cluster') {
    problems.add({ file, field: 'gitops.applicationSets' }, 'argocd', {
      message: 'groups the ApplicationSets of the environments of a shared cluster, but this environment has a cluster of its own',
      value: gitops.applicationSets,
      fix: "set it in the file of a cluster several environments share (defineCluster), or use gitops.mode: 'applicationset' alone",
    });
  } else if (gitops.mode !== 'applicationset') {
    problems.add({ file, field: 'gitops.mode' }, 'argocd', {
      message: `is '${gitops.mode}', but cluster '${shared.name}' delivers its environments' directories by ApplicationSets (gitops.applicationSets: 'platform-and-apps' in ${shared.source})`,
      value: gitops.mode,
      fix: "remove gitops.mode (an environment on this cluster is in 'applicationset' mode), or remove applicationSets from the cluster",
    });
  }
}

/** Required gitops settings missing after layering. */
function checkGitops(problems: Problems, gitops: GitOpsSettings, file: string): void {
  for (const key of ['repoURL', 'branch'] as const) {
    if (gitops[key] === undefined) {
      problems.add({ file, field: `gitops.${key}` }, 'argocd', {
        message: 'is missing: Argo CD needs to know where the rendered manifests are',
        value: undefined,
        fix: key === 'repoURL' ? "set gitops.repoURL (in the shared base) to the rendered repository, e.g. 'https://github.com/org/platform-config.git'" : "set gitops.branch (in the shared base), e.g. 'rendered'",
      });
    }
  }
}

function merge(platform: AnyPlatform, layers: readonly SettingsLayer[]): Record<string, unknown> {
  const schema = settingsSchema(platform, 'base');
  return mergeTracked<Record<string, unknown>>(layers.map((l) => l.value), (path) => discriminatorAt(schema, path)).value ?? {};
}

function heading(source: string, count: number, what: string): string {
  return `${source}: ${count} problem${count === 1 ? '' : 's'} in ${what}`;
}

// ---------------------------------------------------------------------------------------------
// define*
// ---------------------------------------------------------------------------------------------

/**
 * The shared defaults of a platform's environments (and clusters): what every environment file layers its
 * differences over.
 */
export function defineBase<C extends Catalog, I extends ImageCatalog>(platform: Platform<C, I>, settings: SharedSettings<C, I> & { readonly source?: string }): Base<C, I> {
  const file = settings.source ?? callerFile('environments/base.ts');
  const layers = [{ file, value: { ...settings } as Record<string, unknown> }];
  const problems = new Problems(undefined);
  checkLayers(problems, platform, layers, 'base');
  problems.throwIfAny(heading(file, problems.list.length, `the shared settings of platform '${platform.name}'`));
  return deepFreeze({ kind: 'base', platform, layers });
}

/** A cluster several environments share: its storage, registry, Argo CD, and the add-ons rendered once on it. */
export function defineCluster<C extends Catalog, I extends ImageCatalog>(from: Base<C, I> | Platform<C, I>, input: ClusterInput<C, I>): ClusterConfig<C, I> {
  const base = resolveBase(from);
  const source = input.source ?? callerFile(`clusters/${String(input.name)}.ts`);
  const layers = [...base.layers, { file: source, value: { ...input } as Record<string, unknown> }];
  const problems = new Problems(typeof input.name === 'string' ? input.name : undefined);
  checkLayers(problems, base.platform, layers, 'cluster');
  const merged = merge(base.platform, layers);
  const cluster: ClusterConfig<C, I> = {
    kind: 'cluster',
    platform: base.platform,
    name: input.name,
    stage: input.stage,
    source,
    implicit: false,
    namespace: (merged.namespace as string | undefined) ?? base.platform.name,
    externalNamespaces: (merged.externalNamespaces as string[] | undefined) ?? [],
    imagePullPolicy: (merged.imagePullPolicy as PullPolicy | undefined) ?? 'IfNotPresent',
    registryMirror: merged.registryMirror as string | undefined,
    storage: merged.storage as StorageSettings | undefined,
    gitops: gitopsOf(merged),
    layers,
  };
  checkGitops(problems, cluster.gitops, source);
  checkApplications(problems, cluster);
  problems.throwIfAny(heading(source, problems.list.length, `cluster '${String(input.name)}'`));
  return deepFreeze(cluster);
}

/**
 * Layer an environment's differences over the shared base, check every value, and return the environment
 * frozen. Throws a `ConfigError` listing every problem, each naming the file, the application and the field,
 * the value received and the fix.
 */
export function defineEnvironment<C extends Catalog, I extends ImageCatalog>(from: Base<C, I> | Platform<C, I>, input: EnvironmentInput<C, I>): EnvironmentConfig<C, I> {
  const base = resolveBase(from);
  const platform = base.platform;
  const source = input.source ?? callerFile(`environments/${String(input.name)}.ts`);
  const { cluster: shared, ...settings } = input;
  const file: SettingsLayer = { file: source, value: settings as Record<string, unknown> };
  const name = typeof input.name === 'string' ? input.name : undefined;
  const problems = new Problems(name);
  // On a shared cluster, the base's cluster settings are the cluster's, not the environment's.
  const layers = [...base.layers, file];
  checkLayers(problems, platform, layers, 'environment');
  if (shared !== undefined) {
    if (typeof shared !== 'object' || shared === null || (shared as { kind?: unknown }).kind !== 'cluster') {
      problems.add({ file: source, field: 'cluster' }, undefined, { message: 'must be a cluster from defineCluster()', value: shared, fix: "define the cluster with defineCluster(base, { name, stage, ... }) and pass it as 'cluster'" });
    } else if (shared.platform !== platform) {
      problems.add({ file: source, field: 'cluster' }, undefined, { message: `cluster '${shared.name}' belongs to platform '${shared.platform.name}', not '${platform.name}'`, value: shared.name, fix: 'use a cluster defined for this platform' });
    } else {
      checkSharedClusterFields(problems, file, shared);
    }
  }
  const merged = merge(platform, layers);
  const gitops = shared !== undefined
    ? {
      ...gitopsOf(merged), argocdNamespace: shared.gitops.argocdNamespace, destinationServer: shared.gitops.destinationServer,
      ...(shared.gitops.applicationSets !== undefined ? { applicationSets: shared.gitops.applicationSets } : {}),
      // The cluster's ApplicationSets deliver the directories: applicationset mode unless a file says otherwise (an error below).
      ...(shared.gitops.applicationSets === 'platform-and-apps' && valueAt(merged, 'gitops', 'mode') === undefined ? { mode: 'applicationset' as const } : {}),
    }
    : gitopsOf(merged);
  const namespace = (merged.namespace as string | undefined) ?? platform.name;
  const externalNamespaces = (merged.externalNamespaces as string[] | undefined) ?? [];
  const cluster: ClusterConfig<C, I> = shared ?? {
    kind: 'cluster',
    platform,
    name: input.name,
    stage: input.stage,
    source,
    implicit: true,
    namespace,
    externalNamespaces,
    imagePullPolicy: (merged.imagePullPolicy as PullPolicy | undefined) ?? 'IfNotPresent',
    registryMirror: merged.registryMirror as string | undefined,
    storage: merged.storage as StorageSettings | undefined,
    gitops,
    layers,
  };
  const env: EnvironmentConfig<C, I> = {
    kind: 'environment',
    platform,
    name: input.name,
    source,
    stage: input.stage,
    namespace,
    externalNamespaces,
    externalServices: (merged.externalServices as string[] | undefined) ?? [],
    gitops,
    cluster,
    layers,
  };
  if (shared !== undefined && shared.name === input.name) {
    problems.add({ file: source, field: 'name' }, undefined, { message: `is the name of the shared cluster '${shared.name}', whose add-ons render into dist/${shared.name}/`, value: input.name, fix: 'give the environment or the cluster another name' });
  }
  checkGitops(problems, gitops, source);
  checkApplicationSets(problems, gitops, source, shared);
  checkApplications(problems, env);
  problems.throwIfAny(heading(source, problems.list.length, `environment '${String(input.name)}'`));
  return deepFreeze(env);
}

/** The location of a problem with application `name`'s options in `target`, for constructs (`IApplication.locate`). */
export function optionsLocator(target: TargetConfig, name: string, options: LayeredOptions): (field: string) => ProblemLocation {
  const environment = target.name;
  return (field) => {
    const where = options.locate(field);
    return { environment, file: where.file, application: name, field: where.field };
  };
}

/** Locate a field of the environment's own settings (`storage.nodes`) in the file that set it. */
export function settingsLocator(target: TargetConfig, prefix: string, application: string): (field: string) => ProblemLocation {
  const merged = layered(target.layers.map((l) => ({ file: l.file, prefix: '', value: l.value })), { file: target.source, field: '' }, settingsSchema(target.platform as AnyPlatform, 'base'));
  return (field) => {
    const where = merged.locate(joinField(prefix, field));
    return { environment: target.name, file: where.file, application, field: where.field };
  };
}
