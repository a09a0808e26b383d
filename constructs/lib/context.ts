/**
 * What a construct needs to know about the environment and application it renders into, found by walking up
 * the construct tree. Constructs never read environment files: an `ApplicationChart` provides this context,
 * and constructs used in a plain cdk8s `Chart` (unit tests) get safe defaults.
 */
import { IConstruct } from 'constructs';
import type { ProblemLocation } from './errors';
import { compareText } from './order';

/** Life-cycle stage of an environment: staging and production refuse floating image tags. */
export type Stage = 'development' | 'staging' | 'production';

/** All stages, in promotion order. */
export const STAGES: readonly Stage[] = ['development', 'staging', 'production'];

/** Kubernetes image pull policy. Air-gapped nodes need `IfNotPresent` or `Never`. */
export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** All pull policies. */
export const PULL_POLICIES: readonly PullPolicy[] = ['Always', 'IfNotPresent', 'Never'];

/** The environment-wide facts constructs use. */
export interface PlatformContext {
  /**
   * The directory the application renders into, `dist/<environment>/<app>/`: an environment's name, or a
   * cluster's for the add-ons every environment of a cluster shares.
   */
  readonly environment: string;
  /**
   * The cluster the application is deployed to; everything landing on one cluster is validated together.
   * @default - the environment (one cluster per environment)
   */
  readonly cluster?: string;
  /** Environment source file, for error messages, e.g. `environments/prod.ts`. */
  readonly source?: string;
  /** Life-cycle stage. */
  readonly stage: Stage;
  /** The platform every object is part of (`app.kubernetes.io/part-of`). */
  readonly platform: string;
  /** Pull policy of every container. */
  readonly imagePullPolicy: PullPolicy;
  /**
   * Registry (host, optional path) every image is pulled through, upstream registry kept in the path
   * (`<mirror>/quay.io/strimzi/operator`), for air-gapped clusters.
   * @default - images are pulled from their own registries
   */
  readonly registryMirror?: string;
  /** Namespaces the platform references but does not render (Argo CD's own, for example). */
  readonly externalNamespaces?: readonly string[];
  /**
   * Services, Kafka clusters, databases and URLs the platform uses but does not render (`host`, `host:port` or a URL):
   * validation allows references to them.
   * @default - none
   */
  readonly externalServices?: readonly string[];
  /**
   * StorageClasses the cluster provides without the platform rendering them (a dynamic provisioner's).
   * Validation refuses claims of any other class that is not rendered.
   * @default - none
   */
  readonly externalStorageClasses?: readonly string[];
  /**
   * Where Argo CD reads the rendered manifests: validation requires every Application pointing at a
   * rendered directory to use exactly this repository and branch.
   * @default - not checked
   */
  readonly renderedSource?: { readonly repoURL: string; readonly branch: string };
}

/** Context used outside an `ApplicationChart` (for example in a construct unit test). */
export const DEFAULT_CONTEXT: PlatformContext = {
  environment: 'test',
  stage: 'development',
  platform: 'platform',
  imagePullPolicy: 'IfNotPresent',
};

/** An upstream Helm chart an application deploys instead of a rendered directory. */
export interface HelmSource {
  /** Chart repository (an air-gapped cluster points this at its mirror). */
  readonly repoURL: string;
  readonly chart: string;
  /** Pinned chart version. */
  readonly version: string;
  /** Helm release name. */
  readonly releaseName: string;
  /** Values (rendered as `helm.valuesObject`). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Images the chart runs, as far as known (for the air-gap image list). */
  readonly images: readonly string[];
  /** Cluster-scoped kinds the chart installs (for the Argo CD project). */
  readonly clusterScopedKinds: readonly { readonly group: string; readonly kind: string }[];
  /** API groups whose CRDs the chart installs: applications using them are synced after this one. */
  readonly providesApiGroups: readonly string[];
  /**
   * How Argo CD addresses the chart: `repository` (a Helm repository, `repoURL` + `chart`), or `oci` (a chart in
   * an OCI registry, Argo CD's native OCI source: `repoURL` `oci://<registry>/<chart>` and `path: .`).
   * @default 'repository'
   */
  readonly form?: 'repository' | 'oci';
  /**
   * Deleting the Application deletes what the chart deployed (the resources finalizer): on for workloads
   * delivered as charts, off for operator charts (their clusters depend on them).
   * @default false
   */
  readonly cascadeDelete?: boolean;
}

/**
 * An application: one directory `dist/<env>/<app>/` (or one upstream Helm chart) and one Argo CD Application.
 * Applications depend on each other; Argo CD sync waves are derived from these dependencies.
 */
export interface IApplication extends IConstruct {
  /** Application name: the directory under `dist/<env>/` and the Argo CD Application's suffix. */
  readonly appName: string;
  /** Environment facts. */
  readonly context: PlatformContext;
  /** Namespace the application deploys into (`undefined` for cluster-scoped-only applications). */
  readonly destinationNamespace?: string;
  /** Pod Security Standards level its pods need in that namespace (`baseline` for some operators). */
  readonly podSecurity: 'restricted' | 'baseline';
  /** The upstream Helm chart this application deploys; `undefined` for rendered directories. */
  readonly helm?: HelmSource;
  /** Apply with server-side apply (needed for large CRDs that overflow the last-applied annotation). */
  readonly serverSideApply?: boolean;
  /** Applications that must be synced (and healthy) before this one. */
  readonly dependencies: readonly IApplication[];
  /**
   * Where a field of the application's options was set (the environment file, the shared base or the
   * platform's catalog), for error messages. `field` is relative to the options of the application's
   * main construct (`replicas`, `database.size`).
   * @default - the environment's source file
   */
  locate?(field: string): ProblemLocation;
  /** Declare that this application must be synced after `app`. */
  dependsOn(...apps: IApplication[]): void;
}

const APPLICATION = Symbol.for('platform-synth.Application');

/** Mark a construct as an application (called by `ApplicationChart` and `HelmApplication`). */
export function markApplication(app: IApplication): void {
  Object.defineProperty(app, APPLICATION, { value: true });
}

/** True when `x` is an application. */
export function isApplication(x: unknown): x is IApplication {
  return x !== null && typeof x === 'object' && APPLICATION in x;
}

/** The application `scope` belongs to, or `undefined` outside one. */
export function applicationOf(scope: IConstruct): IApplication | undefined {
  for (const node of scope.node.scopes.slice().reverse()) {
    if (isApplication(node)) return node;
  }
  return undefined;
}

/** The platform context of `scope`: its application's, or `DEFAULT_CONTEXT`. */
export function contextOf(scope: IConstruct): PlatformContext {
  return applicationOf(scope)?.context ?? DEFAULT_CONTEXT;
}

/**
 * Record that the application of `from` needs the application of `to` (a typed reference crossed an
 * application boundary: a service using the Kafka platform, a claim on local storage). No-op inside one
 * application or outside applications.
 */
export function recordDependency(from: IConstruct, to: IConstruct): void {
  const source = applicationOf(from);
  const target = isApplication(to) ? to : applicationOf(to);
  if (source && target && source !== target) source.dependsOn(target);
}

const OPTIONS_PATHS = Symbol.for('platform-synth.OptionsPaths');
const OPTIONS_ROOT = Symbol.for('platform-synth.OptionsRoot');

/**
 * Mark `scope` as the root of an application's options: fields reported by constructs below it are relative
 * to the options the application was configured with (see `IApplication.locate`).
 */
export function markOptionsRoot(scope: IConstruct): void {
  Object.defineProperty(scope, OPTIONS_ROOT, { value: true });
}

/**
 * Say that the child `childId` of `parent` is configured by the options block at `path` of the parent's
 * options (`ServiceWithPostgres` creates its `PostgresDatabase` from `database`), so the child's problems name
 * `database.size` rather than `size`.
 */
export function mapChildOptions(parent: IConstruct, childId: string, path: string): void {
  const own = (parent as unknown as Record<symbol, Map<string, string> | undefined>)[OPTIONS_PATHS];
  if (own) own.set(childId, path);
  else Object.defineProperty(parent, OPTIONS_PATHS, { value: new Map([[childId, path]]) });
}

/**
 * The path of `scope`'s options within its application's options (`''` for the application's main construct),
 * or `undefined` when `scope` is not below an options root.
 */
export function optionsPathOf(scope: IConstruct): string | undefined {
  const parts: string[] = [];
  let node: IConstruct | undefined = scope;
  while (node !== undefined) {
    if ((node as unknown as Record<symbol, unknown>)[OPTIONS_ROOT] === true) {
      return parts.filter((p) => p !== '').join('.');
    }
    const parent: IConstruct | undefined = node.node.scope;
    const mapped = parent === undefined ? undefined : (parent as unknown as Record<symbol, Map<string, string> | undefined>)[OPTIONS_PATHS]?.get(node.node.id);
    if (mapped !== undefined) parts.unshift(mapped);
    node = parent;
  }
  return undefined;
}

/** The dependencies of one application (shared by every `IApplication` implementation). */
export class DependencySet {
  private readonly apps = new Set<IApplication>();

  public constructor(private readonly owner: IApplication) {}

  /** Add dependencies (an application never depends on itself). */
  public add(apps: readonly IApplication[]): void {
    for (const app of apps) {
      if (app !== this.owner) this.apps.add(app);
    }
  }

  /** The dependencies, sorted by name. */
  public list(): readonly IApplication[] {
    return [...this.apps].sort((a, b) => compareText(a.appName, b.appName));
  }
}
