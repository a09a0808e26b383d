import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ArgoApplication } from './argo-application';
import { ArgoApplicationSet, IgnoreApplicationDifference } from './argo-application-set';
import { ApplicationTarget, projectProblems } from './lib/argo-projects';
import { ArgoProject, ProjectDestination } from './argo-project';
import { applicationOf, contextOf, IApplication, isApplication } from './lib/context';
import { ConfigError, PlatformError } from './lib/errors';
import { apiGroupOf, GroupKind, isClusterScoped } from './lib/kinds';
import { onPrepare } from './lib/prepare';
import { computeWaves } from './lib/waves';
import { ApplicationSetTier, tierOfWave } from './lib/argo-tiers';
import { compareText } from './lib/order';

/** Annotation listing the images an upstream chart runs (read by `npm run images`). */
export const IMAGES_ANNOTATION = 'platform-synth.io/images';

/** Argo CD's API group, and the kinds the root Application manages. */
const ARGO_GROUP = 'argoproj.io';
const ARGO_KINDS = ['AppProject', 'Application', 'ApplicationSet'] as const;

/** Props of `AppOfApps`. */
export interface AppOfAppsProps {
  /** Repository of the rendered-manifests branch. */
  readonly repoURL: string;
  /** Rendered-manifests branch of this directory. */
  readonly branch: string;
  /**
   * The rendered branch of another directory of the cluster (for the roots of `childDirectories`), when
   * environments are published to branches of their own.
   * @default - `branch` for every directory
   */
  readonly branchOf?: (directory: string) => string;
  /** Cluster API server of every Application. */
  readonly server: string;
  /** Argo CD's namespace (Applications and the AppProject live there). */
  readonly argocdNamespace: string;
  /** Name of the AppProject of this directory's applications. */
  readonly project: string;
  /**
   * Destination namespace of applications that render only cluster-scoped objects (an Application needs one;
   * it is never Argo CD's own, which only the bootstrap project may deploy to).
   * @default - the first namespace (by name) the directory's applications deploy into
   */
  readonly defaultNamespace?: string;
  /**
   * `applications`: one generated Application per application, with sync waves; `applicationset`: one
   * ApplicationSet over the rendered directories (Helm applications still get their own Application).
   * @default 'applications'
   */
  readonly mode?: 'applications' | 'applicationset';
  /**
   * This directory holds the cluster's root: a bootstrap AppProject, the root Application `<directory>-root`
   * managing this directory, and the roots of `childDirectories`. Without it, the directory's root Application
   * is rendered by the cluster's root (its AppOfApps lists this directory in `childDirectories`).
   * @default true
   */
  readonly root?: boolean;
  /**
   * Directories of other environments on the same cluster (`dist/<env>/`): the root renders an Application
   * `<env>-root` for each `<env>/argocd`, synced after the cluster's applications that environment uses.
   * @default []
   */
  readonly childDirectories?: readonly string[];
  /**
   * Name of the bootstrap AppProject of the roots.
   * @default '<project>-bootstrap'
   */
  readonly bootstrapProject?: string;
  /**
   * Applications sync only their out-of-sync objects (`ApplyOutOfSyncOnly=true`).
   * @default false
   */
  readonly applyOutOfSyncOnly?: boolean;
  /**
   * ApplicationSet mode: fields of generated Applications the controller leaves alone (`/spec/syncPolicy`).
   * @default []
   */
  readonly ignoreApplicationDifferences?: readonly IgnoreApplicationDifference[];
  /**
   * The cluster's `platform-and-apps` ApplicationSets (`gitops.applicationSets`). In an environment's directory:
   * its wave-0 applications keep Applications of their own (synced by the environment's root), wave 1 goes to
   * the ApplicationSet `<env>-platform`, wave 2 to `<env>-apps` (deeper chains are an error). In the cluster's
   * directory: the roots of the two directories, after the environments' roots.
   * @default - none: `mode` decides
   */
  readonly clusterApplicationSets?: ClusterApplicationSets;
}

/**
 * The two directories of a shared cluster's `platform-and-apps` ApplicationSets (`gitops.applicationSets`): each is
 * an application of the cluster's directory holding one ApplicationSet per environment of that tier, synced by a
 * root of its own (`<cluster>-platform-root`, then `<cluster>-apps-root`).
 */
export interface ClusterApplicationSets {
  /** The platform tier's directory (`<cluster>/platform-appsets`): the ApplicationSets `<env>-platform`. */
  readonly platform: IApplication;
  /** The apps tier's directory (`<cluster>/apps-appsets`): the ApplicationSets `<env>-apps` and Helm Applications of that tier. */
  readonly apps: IApplication;
}

/** A rendered object's identity, as far as the project needs it. */
interface ObjectFacts {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly clusterScoped: boolean;
}

function objectsOf(app: IApplication): ObjectFacts[] {
  if (!Chart.isChart(app)) return [];
  return app.node.findAll()
    .filter((c: IConstruct): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === app)
    .map((o) => {
      const clusterScoped = isClusterScoped(o.apiVersion, o.kind);
      return { group: apiGroupOf(o.apiVersion), kind: o.kind, namespace: clusterScoped ? undefined : o.metadata.namespace, clusterScoped };
    });
}

/**
 * The Argo CD objects of one directory of the rendered tree (`dist/<env>/`): an AppProject allowing exactly what
 * the directory renders (and no Argo CD kinds, nor Argo CD's namespace) and one Application per other
 * application of the directory, whose sync wave is its depth in the dependency graph. In the cluster's own
 * directory it also renders the bootstrap AppProject, the root Application for this application's directory
 * (`<dir>/argocd`, it manages itself and everything else) and the roots of the other environments on the
 * cluster, so one app of apps bootstraps the whole cluster. A broken change to an applications' project can
 * always be fixed by the root, whose project is separate.
 *
 * Everything is computed when the App is rendered, from the applications that exist by then: it does not matter
 * whether they are created before or after this construct. Dependency cycles, dependencies on applications
 * missing from the cluster and two applications rendering to the same path are errors naming the applications.
 */
export class AppOfApps extends Construct {
  /** Sync wave of every application of the directory, by name (known once the App is rendered). */
  public readonly waves = new Map<string, number>();
  /** The applications of the directory this root deploys (known once the App is rendered). */
  public readonly applications: IApplication[] = [];
  /**
   * ApplicationSet mode: the Applications the ApplicationSet generates, one per rendered directory (known once the
   * App is rendered); each is checked against the project.
   */
  public readonly generatedApplications: ApplicationTarget[] = [];

  public constructor(scope: Construct, id: string, private readonly props: AppOfAppsProps) {
    super(scope, id);
    const self = applicationOf(this);
    if (self === undefined) throw new PlatformError('AppOfApps must be created inside an application (the Argo CD application chart)');
    onPrepare(this, 'gitops', () => this.render(self));
  }

  private render(self: IApplication): void {
    const props = this.props;
    const context = contextOf(this);
    const directory = context.environment;
    const cluster = context.cluster ?? directory;
    const all = this.node.root.node.findAll().filter(isApplication);
    const setDirectories = new Set<IApplication>(props.clusterApplicationSets !== undefined ? [props.clusterApplicationSets.platform, props.clusterApplicationSets.apps] : []);
    const apps = all.filter((a) => a !== self && a.context.environment === directory && !setDirectories.has(a));
    this.applications.push(...apps);

    // Two applications must never render to the same path.
    const byName = new Map<string, IApplication>();
    for (const app of [self, ...apps]) {
      const other = byName.get(app.appName);
      if (other) {
        throw new ConfigError([{
          environment: directory, file: context.source, application: app.appName, field: 'appName',
          message: `applications '${other.node.path}' and '${app.node.path}' both render to ${directory}/${app.appName}`,
          value: app.appName,
          fix: 'give each application its own name',
        }], 'two applications render to the same path');
      }
      byName.set(app.appName, app);
    }

    // Custom resources whose CRDs another application of the cluster installs: sync after it, skip the dry run meanwhile.
    const providers = new Map<string, IApplication>();
    for (const app of all) for (const group of app.helm?.providesApiGroups ?? []) providers.set(group, app);
    const skipDryRun = new Set<IApplication>();
    const facts = new Map<IApplication, ObjectFacts[]>();
    for (const app of [self, ...apps]) {
      const objects = objectsOf(app);
      facts.set(app, objects);
      for (const o of objects) {
        const provider = providers.get(o.group);
        if (provider && provider !== app) {
          app.dependsOn(provider);
          skipDryRun.add(app);
        }
      }
    }

    // Dependencies on the cluster's own applications are satisfied by the cluster root, which syncs them before
    // this directory's root; any other application outside the directory cannot be ordered.
    const inDirectory = (a: IApplication): readonly IApplication[] => a.dependencies.filter((d) => !(directory !== cluster && d.context.environment === cluster));
    const waveByApp = computeWaves(apps, { name: (a) => a.appName, dependencies: inDirectory }, { environment: directory, file: context.source });
    for (const [app, wave] of waveByApp) this.waves.set(app.appName, wave);

    const rendered = apps.filter((a) => a.helm !== undefined || (facts.get(a)?.length ?? 0) > 0);
    const defaultNamespace = props.defaultNamespace ?? apps.map((a) => a.destinationNamespace).filter((n): n is string => n !== undefined && n !== props.argocdNamespace).sort()[0];
    if (defaultNamespace === undefined && rendered.some((a) => a.destinationNamespace === undefined)) {
      throw new ConfigError([{
        environment: directory, file: context.source, application: self.appName, field: 'namespace',
        message: `directory '${directory}' renders only cluster-scoped objects, so its Applications have no namespace to deploy to`,
        value: undefined,
        fix: 'set the namespace of the environment or cluster (namespace: ...)',
      }], 'no destination namespace');
    }
    const destinationOf = (app: IApplication): string => app.destinationNamespace ?? (defaultNamespace as string);

    // The applications' project: exactly the repositories, destinations and cluster-scoped kinds in use.
    const destinations: ProjectDestination[] = [];
    const clusterKinds: GroupKind[] = [{ group: '', kind: 'Namespace' }]; // CreateNamespace=true creates Namespaces
    const repos = [props.repoURL];
    for (const app of rendered) {
      destinations.push({ server: props.server, namespace: destinationOf(app) });
      for (const o of facts.get(app) ?? []) {
        if (o.clusterScoped) clusterKinds.push({ group: o.group, kind: o.kind });
        else if (o.namespace) destinations.push({ server: props.server, namespace: o.namespace });
      }
      if (app.helm) {
        repos.push(app.helm.repoURL);
        clusterKinds.push(...app.helm.clusterScopedKinds);
      }
    }
    for (const o of facts.get(self) ?? []) {
      if (o.group !== ARGO_GROUP) {
        throw new PlatformError(`the Argo CD application may only render Argo CD objects (its project allows nothing else), got ${o.group}/${o.kind}`);
      }
    }
    const argoKinds = ARGO_KINDS.map((kind) => ({ group: ARGO_GROUP, kind }));
    if (destinations.some((d) => d.namespace === props.argocdNamespace)) {
      throw new ConfigError([{
        environment: directory, file: context.source, application: rendered.find((a) => destinationOf(a) === props.argocdNamespace)?.appName ?? '', field: 'namespace',
        message: `deploys into Argo CD's namespace '${props.argocdNamespace}', which only the bootstrap project may do`,
        value: props.argocdNamespace,
        fix: "deploy applications into the platform's own namespaces",
      }], "an application deploys into Argo CD's namespace");
    }
    if (rendered.length > 0 || props.root === false) {
      new ArgoProject(this, 'Project', {
        name: props.project,
        namespace: props.argocdNamespace,
        description: `${context.platform} ${directory}: everything rendered in ${directory}/ of ${props.repoURL}@${props.branch}`,
        sourceRepos: repos,
        destinations: destinations.length > 0 ? destinations : [{ server: props.server, namespace: defaultNamespace ?? props.argocdNamespace }],
        clusterResourceWhitelist: clusterKinds,
        // Applications must never create Applications or projects: only the roots, through the bootstrap project.
        namespaceResourceBlacklist: argoKinds,
      });
    }

    if (props.root !== false) this.renderRoots(self, all, directory);

    const mode = props.mode ?? 'applications';
    // A shared cluster's platform-and-apps ApplicationSets (only in an environment's directory): the tier of each application.
    const sets = props.clusterApplicationSets !== undefined && directory !== cluster ? props.clusterApplicationSets : undefined;
    const tierOf = (app: IApplication): ApplicationSetTier => tierOfWave(app, this.waves.get(app.appName) ?? 0, context.source);
    for (const app of rendered) {
      if (sets !== undefined ? app.helm === undefined && tierOf(app) !== 'root' : mode === 'applicationset' && app.helm === undefined) continue;
      // Helm Applications of the apps tier sync with the apps root, after the platform ApplicationSets.
      const scope = sets !== undefined && app.helm !== undefined && tierOf(app) === 'apps' ? sets.apps : this;
      new ArgoApplication(scope, `App-${sets !== undefined && scope !== this ? `${directory}-` : ''}${app.appName}`, {
        name: `${directory}-${app.appName}`,
        application: app.appName,
        project: props.project,
        namespace: props.argocdNamespace,
        source: app.helm
          ? { type: 'helm', repoURL: app.helm.repoURL, chart: app.helm.chart, targetRevision: app.helm.version, releaseName: app.helm.releaseName, values: app.helm.values, oci: app.helm.form === 'oci' }
          : { type: 'directory', repoURL: props.repoURL, targetRevision: props.branch, path: `${directory}/${app.appName}` },
        server: props.server,
        destinationNamespace: destinationOf(app),
        syncWave: this.waves.get(app.appName),
        skipDryRunOnMissingResource: skipDryRun.has(app),
        serverSideApply: app.serverSideApply,
        // Deleting an operator chart's Application must not remove the operator its clusters depend on (Argo CD never
        // deletes CRDs); workloads delivered as charts cascade like rendered directories.
        cascadeDelete: app.helm === undefined || app.helm.cascadeDelete === true,
        annotations: app.helm && app.helm.images.length > 0 ? { [IMAGES_ANNOTATION]: [...app.helm.images].sort().join(',') } : undefined,
        applyOutOfSyncOnly: props.applyOutOfSyncOnly,
      });
    }
    const directoryApps = rendered.filter((a) => a.helm === undefined);
    if (sets !== undefined) {
      const platformApps = directoryApps.filter((a) => tierOf(a) === 'platform');
      const appsTier = directoryApps.filter((a) => tierOf(a) === 'apps');
      if (platformApps.length > 0) this.renderApplicationSet(sets.platform, `${directory}-platform`, platformApps, self, repos, destinations, destinationOf);
      if (appsTier.length > 0) this.renderApplicationSet(sets.apps, `${directory}-apps`, appsTier, self, repos, destinations, destinationOf);
    } else if (mode === 'applicationset' && directoryApps.length > 0) {
      this.renderApplicationSet(this, `${directory}-apps`, directoryApps, self, repos, destinations, destinationOf);
    }
  }

  /**
   * One ApplicationSet `name` generating an Application per directory of `directoryApps` (every subdirectory of
   * the environment's but the Argo CD one when they are all of them), each checked against the project.
   */
  private renderApplicationSet(
    scope: Construct, name: string, directoryApps: readonly IApplication[], self: IApplication,
    repos: readonly string[], destinations: readonly ProjectDestination[], destinationOf: (app: IApplication) => string,
  ): void {
    const props = this.props;
    const context = contextOf(this);
    const directory = context.environment;
    const explicit = props.clusterApplicationSets !== undefined;
    // One destination for every generated Application (objects carry their own namespaces): the environment's
    // namespace when a rendered directory deploys there, else the namespace most of them deploy to. Never one
    // the project does not list (Argo CD would refuse every generated Application).
    const counts = new Map<string, number>();
    for (const app of directoryApps) counts.set(destinationOf(app), (counts.get(destinationOf(app)) ?? 0) + 1);
    const setNamespace = props.defaultNamespace !== undefined && counts.has(props.defaultNamespace)
      ? props.defaultNamespace
      : [...counts.entries()].sort(([a, x], [b, y]) => y - x || compareText(a, b))[0]?.[0] as string;
    const generated: ApplicationTarget[] = [];
    for (const app of [...directoryApps].sort((a, b) => compareText(a.appName, b.appName))) {
      generated.push({ name: `${directory}-${app.appName}`, project: props.project, repoURLs: [props.repoURL], server: props.server, namespace: setNamespace });
    }
    this.generatedApplications.push(...generated);
    const permissions = { sourceRepos: repos, destinations };
    const problems = generated.flatMap((g) => projectProblems(permissions, g).map((p) => ({ generated: g, p })));
    if (problems.length > 0) {
      throw new ConfigError(problems.map(({ generated: g, p }) => ({
        environment: directory, file: context.source, application: g.name.slice(directory.length + 1), field: explicit ? 'gitops.applicationSets' : 'gitops.mode',
        message: `ApplicationSet '${name}': ${p.message}`, value: p.value, fix: p.fix,
      })), 'the ApplicationSet would generate Applications their project refuses');
    }
    new ArgoApplicationSet(scope, explicit ? `ApplicationSet-${name}` : 'ApplicationSet', {
      name,
      directories: explicit ? [...directoryApps].map((a) => `${directory}/${a.appName}`).sort() : undefined,
      namePrefix: directory,
      project: props.project,
      namespace: props.argocdNamespace,
      repoURL: props.repoURL,
      revision: props.branch,
      directory,
      exclude: [`${directory}/${self.appName}`],
      server: props.server,
      destinationNamespace: setNamespace,
      environment: directory,
      ignoreApplicationDifferences: props.ignoreApplicationDifferences,
      applyOutOfSyncOnly: props.applyOutOfSyncOnly,
    });
  }

  /** The bootstrap project, this directory's root and the roots of the other environments on the cluster. */
  private renderRoots(self: IApplication, all: readonly IApplication[], directory: string): void {
    const props = this.props;
    const context = contextOf(this);
    const bootstrapProject = props.bootstrapProject ?? `${props.project}-bootstrap`;
    const children = props.childDirectories ?? [];
    new ArgoProject(this, 'BootstrapProject', {
      name: bootstrapProject,
      namespace: props.argocdNamespace,
      description: children.length === 0
        ? `${context.platform} ${directory}: the root Application, which manages the Argo CD objects of ${directory}/${self.appName}`
        : `${context.platform} cluster ${directory}: the root Applications, which manage the Argo CD objects of ${[directory, ...children].map((d) => `${d}/${self.appName}`).join(', ')}`,
      sourceRepos: [props.repoURL],
      destinations: [{ server: props.server, namespace: props.argocdNamespace }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: ARGO_KINDS.map((kind) => ({ group: ARGO_GROUP, kind })),
    });
    new ArgoApplication(this, 'Root', {
      name: `${directory}-root`,
      application: self.appName,
      project: bootstrapProject,
      namespace: props.argocdNamespace,
      source: { type: 'directory', repoURL: props.repoURL, targetRevision: props.branch, path: `${directory}/${self.appName}` },
      server: props.server,
      destinationNamespace: props.argocdNamespace,
      // Deleting the root must never cascade to the whole cluster: the Applications it manages stay.
      cascadeDelete: false,
    });
    let lastRootWave = 0;
    for (const child of [...children].sort()) {
      // After the cluster's applications the environment's applications use (operators, storage).
      const used = new Set(all.filter((a) => a.context.environment === child).flatMap((a) => a.dependencies).filter((d) => d.context.environment === directory));
      const wave = Math.max(-1, ...[...used].map((d) => this.waves.get(d.appName) ?? 0)) + 1;
      lastRootWave = Math.max(lastRootWave, wave);
      new ArgoApplication(this, `Root-${child}`, {
        name: `${child}-root`,
        application: self.appName,
        project: bootstrapProject,
        namespace: props.argocdNamespace,
        source: { type: 'directory', repoURL: props.repoURL, targetRevision: props.branchOf?.(child) ?? props.branch, path: `${child}/${self.appName}` },
        server: props.server,
        destinationNamespace: props.argocdNamespace,
        syncWave: wave,
        // Deleting an environment's root must not cascade to the environment.
        cascadeDelete: false,
      });
    }
    const sets = props.clusterApplicationSets;
    if (sets === undefined || children.length === 0) return;
    // The platform-and-apps ApplicationSets: the platform root after every environment's root (their projects and
    // wave-0 Applications), the apps root after the platform root. The cluster's root waits for each to be healthy
    // with the Application health check; the platform root is healthy once its ApplicationSets are, which with the
    // bootstrap's ApplicationSet health check means once every Application they generated is (README, "ApplicationSets per cluster").
    [sets.platform, sets.apps].forEach((tier, i) => {
      new ArgoApplication(this, `Root-${tier.appName}`, {
        name: `${directory}-${tier === sets.platform ? 'platform' : 'apps'}-root`,
        application: self.appName,
        project: bootstrapProject,
        namespace: props.argocdNamespace,
        source: { type: 'directory', repoURL: props.repoURL, targetRevision: props.branch, path: `${directory}/${tier.appName}` },
        server: props.server,
        destinationNamespace: props.argocdNamespace,
        syncWave: lastRootWave + 1 + i,
        // Deleting a tier's root must not cascade to its ApplicationSets (and the Applications they generated).
        cascadeDelete: false,
      });
    });
  }
}
