/**
 * Building a platform: one cdk8s App per cluster, holding every environment that runs on it. Each catalog entry
 * an environment runs becomes one application (`dist/<env>/<app>/`); cluster add-ons are built once, in the
 * cluster's directory (`dist/<cluster>/<app>/`, the environment's own when it has the cluster to itself).
 * References between entries are resolved on demand, so the catalog's order does not matter; the namespaces and
 * Argo CD applications of every directory are derived when the App is rendered.
 */
import * as path from 'node:path';
import { App } from 'cdk8s';
import { AppOfApps, ClusterApplicationSets } from '../../constructs/app-of-apps';
import { ApplicationChart } from '../../constructs/application-chart';
import { DerivedNamespaces } from '../../constructs/derived-namespaces';
import type { PlatformContext } from '../../constructs/lib/context';
import { ConfigError, PlatformError, ProblemLocation } from '../../constructs/lib/errors';
import { installFastResolve } from '../../constructs/lib/fast-resolve';
import { ImageSettings, imageProblems, imageVersion } from '../../constructs/lib/images';
import { LocalStorage } from '../../constructs/local-storage';
import { DynamicStorage, IVolumeProvider, VolumeClaimRequest } from '../../constructs/volume-provider';
import type { BuildFunction } from '../synth';
import { AnyEntry, AppEntry, BuildContext, BuildTarget, EntryChartProps, EntryContext, EntryResolver, Ref } from './entry';
import {
  applicationEnabled, applicationOptions, builtIn, ClusterConfig, EnvironmentConfig, imageSettings, optionsLocator, settingsLocator, TargetConfig,
} from './environment';
import { AnyPlatform } from './platform';
import { branchFor } from '../publish/branches';
import { PLATFORM_VERSION } from './version';

/** The unit a directory is built from: an environment, or a shared cluster's add-ons. */
class Unit implements BuildContext, EntryResolver {
  public readonly target: BuildTarget;
  public readonly context: PlatformContext;
  private readonly built = new Map<AnyEntry, unknown>();
  private readonly building: string[] = [];
  private readonly checkedImages = new Map<string, ImageSettings>();

  public constructor(
    public readonly app: App,
    public readonly config: TargetConfig,
    private readonly cluster: ClusterBuild,
  ) {
    const clusterConfig = cluster.config;
    this.target = { name: config.name, cluster: clusterConfig.name, stage: config.stage, namespace: config.namespace };
    const storage = clusterConfig.storage;
    this.context = {
      environment: config.name,
      cluster: clusterConfig.name,
      source: config.source,
      stage: config.stage,
      platform: config.platform.name,
      imagePullPolicy: clusterConfig.imagePullPolicy,
      registryMirror: clusterConfig.registryMirror,
      externalNamespaces: [...new Set([...config.externalNamespaces, clusterConfig.gitops.argocdNamespace])],
      externalServices: config.kind === 'environment' ? config.externalServices : [],
      externalStorageClasses: storage?.mode === 'dynamic' ? [storage.storageClassName] : [],
      renderedSource: { repoURL: config.gitops.repoURL, branch: branchFor(config.name, config.gitops) },
    };
  }

  private get platform(): AnyPlatform {
    return this.config.platform as AnyPlatform;
  }

  public get storage(): IVolumeProvider {
    return this.cluster.storage;
  }

  public resolve<T>(ref: Ref<T>): T {
    return ref.resolveIn(this);
  }

  public fail(message: string, value: unknown, fix: string): never {
    const user = this.building[this.building.length - 1];
    throw new ConfigError([{ environment: this.config.name, file: this.platform.source, application: user, field: user, message, value, fix }],
      `${this.platform.source}: application '${user ?? '?'}' makes a reference that does not resolve`);
  }

  public resolveEntry<T>(entry: AppEntry<object, T, string>): T {
    const name = this.platform.nameOf(entry as AnyEntry);
    const user = this.building[this.building.length - 1];
    if (name === undefined) {
      throw new ConfigError([{
        file: this.platform.source, application: user, field: user ?? 'apps',
        message: `uses ${entry.description}, which is not in the platform's apps`,
        value: entry.kind,
        fix: 'add the entry to definePlatform({ apps: { ... } }) under a name of its own',
      }], `platform '${this.platform.name}': a reference to an application outside the catalog`);
    }
    if (entry.scope === 'cluster' && this.config.kind === 'environment' && !this.config.cluster.implicit) {
      return this.cluster.clusterUnit().resolveEntry(entry);
    }
    if (entry.scope === 'environment' && this.config.kind === 'cluster') {
      throw new ConfigError([{
        file: this.platform.source, application: user, field: user ?? name,
        message: `cluster add-on '${user ?? '?'}' uses '${name}', an application rendered once per environment (a cluster add-on cannot depend on one environment)`,
        value: name,
        fix: `make '${name}' a cluster add-on (scope 'cluster'), or remove the reference`,
      }], `cluster '${this.config.name}': an add-on uses an environment's application`);
    }
    return this.buildEntry(name, entry as unknown as AnyEntry) as T;
  }

  /** Build `name` (once) and return what references to it resolve to. */
  public buildEntry(name: string, entry: AnyEntry): unknown {
    if (this.built.has(entry)) return this.built.get(entry);
    const enabled = applicationEnabled(this.config, name);
    const user = this.building[this.building.length - 1];
    if (enabled.enabled === false) {
      throw new ConfigError([{
        environment: this.config.name, file: enabled.file, application: user ?? name, field: `apps.${name}.enabled`,
        message: `'${user ?? '?'}' uses application '${name}', which ${this.config.kind} '${this.config.name}' does not run`,
        value: false,
        fix: `enable '${name}' (enabled: true or 'when-used'), or disable '${user ?? '?'}' in ${this.config.kind} '${this.config.name}' too`,
      }], `${this.config.source}: an application uses one the ${this.config.kind} does not run`);
    }
    if (this.building.includes(name)) {
      const cycle = [...this.building.slice(this.building.indexOf(name)), name];
      throw new ConfigError([{
        environment: this.config.name, file: this.platform.source, application: name, field: name,
        message: `applications reference each other in a cycle: ${cycle.join(' -> ')}`,
        value: cycle,
        fix: 'remove one of these references; applications must form a directed acyclic graph',
      }], `platform '${this.platform.name}': a reference cycle`);
    }
    this.building.push(name);
    try {
      const options = applicationOptions(this.config, name);
      const locate = optionsLocator(this.config, name, options);
      let chartMade = false;
      const unit = this;
      const context: EntryContext<object> = {
        app: this.app,
        target: this.target,
        context: this.context,
        name,
        id: this.idOf(name),
        options: options.value,
        locate,
        get storage() { return unit.storage; },
        defer: (work) => this.cluster.defer(work),
        resolve: (ref) => this.resolve(ref),
        fail: (message, value, fix) => this.fail(message, value, fix),
        image: (image) => this.image(image),
        ownImage: () => {
          if (entry.image === undefined) throw new PlatformError(`application '${name}' (${entry.kind}) declares no image of its own`);
          return this.image(name);
        },
        chart: (props: EntryChartProps = {}) => {
          if (chartMade) throw new PlatformError(`application '${name}': its entry created its chart twice`);
          chartMade = true;
          return this.chart(name, entry, locate, props);
        },
      };
      const result = entry.build(context);
      this.built.set(entry, result);
      return result;
    } finally {
      this.building.pop();
    }
  }

  /** Every entry this unit runs unconditionally. */
  public buildAll(): void {
    for (const [name, entry] of Object.entries(this.platform.apps)) {
      if (!builtIn(this.config, entry)) continue;
      if (applicationEnabled(this.config, name).enabled === true) this.buildEntry(name, entry);
    }
  }

  /** The construct id of application `name`: prefixed with the directory when several share the cluster's App. */
  public idOf(name: string): string {
    return this.config.name === this.cluster.config.name ? name : `${this.config.name}.${name}`;
  }

  /** The chart of application `name`. */
  private chart(name: string, entry: AnyEntry, locate: (field: string) => ProblemLocation, props: EntryChartProps): ApplicationChart {
    const declared = typeof entry.namespace === 'function' ? entry.namespace(this.target) : entry.namespace;
    const namespace = props.namespace === null ? undefined : props.namespace ?? declared ?? this.config.namespace;
    return new ApplicationChart(this.app, this.idOf(name), {
      appName: name,
      context: this.context,
      namespace,
      version: props.version ?? (entry.image !== undefined ? imageVersion(this.image(name)) : PLATFORM_VERSION),
      podSecurity: props.podSecurity,
      locate,
    });
  }

  /** Image `name` as this unit's environment pins it, checked (once) against the stage. */
  public image(name: string): ImageSettings {
    const known = this.checkedImages.get(name);
    if (known !== undefined) return known;
    // A cluster add-on's image is pinned by the cluster; an application's by its environment.
    const entry = this.platform.apps[name];
    const owner: TargetConfig = entry?.scope === 'cluster' && this.config.kind === 'environment' && !this.config.cluster.implicit ? this.config.cluster : this.config;
    const settings = imageSettings(owner, name);
    if (settings === undefined) {
      throw new ConfigError([{
        environment: owner.name, file: this.platform.source, application: this.building[this.building.length - 1], field: `images.${name}`,
        message: `is not an image of platform '${this.platform.name}'`,
        value: name,
        fix: `declare it in definePlatform({ images: defineImages({ '${name}': { repository, tag } }) })`,
      }], `${owner.source}: an unknown image`);
    }
    const image = settings.value as unknown as ImageSettings;
    const requirePinned = owner.stage !== 'development';
    const problems = imageProblems(image, requirePinned).map((p) => {
      const where = settings.locate(p.field);
      // A missing tag is pinned in the environment's file (the catalog declared the image without one).
      const file = p.field === 'tag' && p.value === undefined && where.file === this.platform.source ? owner.source : where.file;
      return {
        environment: owner.name, file, application: entry !== undefined ? name : this.building[this.building.length - 1], field: where.field,
        message: p.field === 'tag' && requirePinned ? `${p.message} (stage '${owner.stage}')` : p.message,
        value: p.value, fix: p.fix,
      };
    });
    if (problems.length > 0) throw new ConfigError(problems, `${owner.source}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in environment '${owner.name}'`);
    this.checkedImages.set(name, image);
    return image;
  }

  /** The namespaces and Argo CD applications of this unit's directory. */
  public complete(childDirectories: readonly string[] | undefined, clusterApplicationSets?: ClusterApplicationSets): void {
    const platform = this.platform;
    const clusterConfig = this.cluster.config;
    const gitops = this.config.gitops;
    const namespaces = new ApplicationChart(this.app, this.idOf('namespaces'), { appName: 'namespaces', context: this.context, version: PLATFORM_VERSION });
    new DerivedNamespaces(namespaces, 'Namespaces', { external: this.context.externalNamespaces });
    const argocd = new ApplicationChart(this.app, this.idOf('argocd'), { appName: 'argocd', context: this.context, namespace: gitops.argocdNamespace, version: PLATFORM_VERSION });
    new AppOfApps(argocd, 'AppOfApps', {
      repoURL: gitops.repoURL,
      branch: branchFor(this.config.name, gitops),
      branchOf: (directory) => branchFor(directory, gitops),
      server: gitops.destinationServer,
      argocdNamespace: gitops.argocdNamespace,
      project: `${platform.name}-${this.config.name}`,
      // A shared cluster's own directory holds add-ons in namespaces of their own: deploy cluster-wide objects with the first.
      defaultNamespace: this.config.kind === 'cluster' ? undefined : this.config.namespace,
      mode: gitops.mode,
      applyOutOfSyncOnly: gitops.applyOutOfSyncOnly,
      ignoreApplicationDifferences: gitops.ignoreApplicationDifferences,
      root: childDirectories !== undefined,
      childDirectories,
      bootstrapProject: `${platform.name}-${clusterConfig.name}-bootstrap`,
      ...(clusterApplicationSets !== undefined ? { clusterApplicationSets } : {}),
    });
  }
}

/** A volume provider for a cluster that declares no storage: any claim is an error naming the file to fix. */
class NoStorage implements IVolumeProvider {
  public readonly storageClassName = '';

  public constructor(private readonly cluster: ClusterConfig) {}

  public registerClaim(_requester: unknown, claim: VolumeClaimRequest): void {
    throw new ConfigError([{
      environment: this.cluster.name, file: this.cluster.source, application: claim.owner.instance, field: 'storage',
      message: `'${claim.owner.instance}' claims a persistent volume (${claim.namespace}/${claim.claimName}, ${claim.size}), but cluster '${this.cluster.name}' declares no storage`,
      value: undefined,
      fix: "set storage: { mode: 'dynamic', storageClassName: '<the provisioner's class>' } or { mode: 'local', storageClassName: 'local-storage', nodes: [...] }",
    }], `${this.cluster.source}: no storage for a persistent volume`);
  }
}

/** Everything of one cluster. */
class ClusterBuild {
  public readonly app: App;
  private readonly units = new Map<string, Unit>();
  private readonly deferred: (() => void)[] = [];
  private storageProvider?: IVolumeProvider;

  /** Run `work` once every application of the cluster is built (references that would otherwise form cycles). */
  public defer(work: () => void): void {
    this.deferred.push(work);
  }

  public constructor(outdir: string, public readonly config: ClusterConfig, private readonly environments: readonly EnvironmentConfig[]) {
    // Serialising (metadata reads while building, then the render) uses the faster equivalent of cdk8s's resolve.
    installFastResolve();
    this.app = new App({ outdir: path.join(outdir, config.name) });
  }

  /** The unit of the cluster's own directory (its add-ons); for a cluster of its own, the environment's. */
  public clusterUnit(): Unit {
    const key = this.config.name;
    let unit = this.units.get(key);
    if (unit === undefined) {
      const only = this.environments[0];
      unit = new Unit(this.app, this.config.implicit && only !== undefined ? only : this.config, this);
      this.units.set(key, unit);
    }
    return unit;
  }

  private unitOf(env: EnvironmentConfig): Unit {
    if (this.config.implicit) return this.clusterUnit();
    let unit = this.units.get(env.name);
    if (unit === undefined) {
      unit = new Unit(this.app, env, this);
      this.units.set(env.name, unit);
    }
    return unit;
  }

  /** Where the cluster's volumes come from (local volumes are an application of the cluster's directory). */
  public get storage(): IVolumeProvider {
    if (this.storageProvider === undefined) {
      const storage = this.config.storage;
      if (storage?.mode === 'local') {
        const unit = this.clusterUnit();
        const chart = new ApplicationChart(this.app, 'local-storage', { context: unit.context, version: PLATFORM_VERSION, locate: settingsLocator(unit.config, 'storage', 'local-storage') });
        this.storageProvider = new LocalStorage(chart, 'LocalStorage', { nodes: storage.nodes, storageClassName: storage.storageClassName, root: storage.root });
      } else if (storage?.mode === 'dynamic') {
        this.storageProvider = new DynamicStorage(storage.storageClassName);
      } else {
        this.storageProvider = new NoStorage(this.config);
      }
    }
    return this.storageProvider;
  }

  /**
   * `gitops.applicationSets: 'platform-and-apps'`: the two directories of the cluster holding its environments'
   * ApplicationSets, one per tier (`<cluster>/platform-appsets`, `<cluster>/apps-appsets`), each synced by a root.
   */
  private applicationSets(): ClusterApplicationSets | undefined {
    if (this.config.implicit || this.config.gitops.applicationSets !== 'platform-and-apps') return undefined;
    const unit = this.clusterUnit();
    const chart = (appName: string): ApplicationChart => new ApplicationChart(this.app, unit.idOf(appName), { appName, context: unit.context, namespace: this.config.gitops.argocdNamespace, version: PLATFORM_VERSION });
    return { platform: chart('platform-appsets'), apps: chart('apps-appsets') };
  }

  public build(): App {
    // Local volumes are an application of their own even before anything claims one.
    if (this.config.storage?.mode === 'local') void this.storage;
    const clusterUnit = this.config.implicit ? undefined : this.clusterUnit();
    clusterUnit?.buildAll();
    for (const env of this.environments) this.unitOf(env).buildAll();
    while (this.deferred.length > 0) this.deferred.shift()?.();
    const children = this.config.implicit ? [] : this.environments.map((e) => e.name);
    const sets = this.applicationSets();
    this.clusterUnit().complete(children, sets);
    if (!this.config.implicit) for (const env of this.environments) this.unitOf(env).complete(undefined, sets);
    return this.app;
  }
}

/** Group environments by cluster, in the order they are listed; a cluster's name may not be another environment's. */
function clustersOf(platform: AnyPlatform, environments: readonly EnvironmentConfig[]): Map<ClusterConfig, EnvironmentConfig[]> {
  const clusters = new Map<ClusterConfig, EnvironmentConfig[]>();
  const byName = new Map<string, EnvironmentConfig>();
  environments.forEach((env, i) => {
    if (env === null || typeof env !== 'object' || (env as { kind?: unknown }).kind !== 'environment') {
      throw new ConfigError([{
        file: platform.source, field: `environments[${i}]`,
        message: "is not an environment: environments are made with defineEnvironment(base, { name, stage, ... }), not written as plain objects",
        value: env,
        fix: 'list the values defineEnvironment() returns',
      }], 'an environment list holds something else');
    }
  });
  for (const env of environments) {
    if (env.platform !== platform) {
      throw new ConfigError([{ environment: env.name, file: env.source, field: 'platform', message: `is an environment of platform '${env.platform.name}', not '${platform.name}'`, value: env.platform.name, fix: `define it with defineEnvironment(<${platform.name}'s base>, ...)` }], 'an environment of another platform');
    }
    const twin = byName.get(env.name);
    if (twin !== undefined) {
      throw new ConfigError([{
        environment: env.name, file: env.source, field: 'name',
        message: twin === env ? `environment '${env.name}' is listed twice` : `environment '${env.name}' is defined twice (${twin.source} and ${env.source})`,
        value: env.name,
        fix: 'list each environment once, each with a name of its own',
      }], 'an environment is listed twice');
    }
    byName.set(env.name, env);
    const list = clusters.get(env.cluster) ?? [];
    list.push(env);
    clusters.set(env.cluster, list);
  }
  for (const cluster of clusters.keys()) {
    const clash = byName.get(cluster.name);
    if (!cluster.implicit && clash !== undefined) {
      throw new ConfigError([{ environment: clash.name, file: cluster.source, field: 'name', message: `cluster '${cluster.name}' has the name of environment '${clash.name}' (${clash.source}); both would render into dist/${cluster.name}/`, value: cluster.name, fix: 'rename the cluster or the environment' }], 'a cluster and an environment share a name');
    }
  }
  return clusters;
}

/**
 * The build function of a platform (see main.ts): one App per cluster, built one at a time so only one cluster's
 * objects are in memory at once.
 */
export function platformBuild(platform: AnyPlatform, environments: readonly EnvironmentConfig[]): BuildFunction {
  return function* build(outdir: string): Generator<App> {
    for (const [cluster, envs] of clustersOf(platform, environments)) {
      yield new ClusterBuild(outdir, cluster, envs).build();
    }
  };
}
