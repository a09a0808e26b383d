import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ArgoApplication } from './argo-application';
import { ArgoApplicationSet } from './argo-application-set';
import { ArgoProject, ProjectDestination } from './argo-project';
import { applicationOf, contextOf, IApplication, isApplication } from './lib/context';
import { ConfigError, PlatformError } from './lib/errors';
import { apiGroupOf, GroupKind, isClusterScoped } from './lib/kinds';
import { computeWaves } from './lib/waves';

/** Annotation listing the images an upstream chart runs (read by `npm run images`). */
export const IMAGES_ANNOTATION = 'platform-synth.io/images';

/** Argo CD's API group, and the kinds the root Application manages. */
const ARGO_GROUP = 'argoproj.io';
const ARGO_KINDS = ['AppProject', 'Application', 'ApplicationSet'] as const;

/** Props of `AppOfApps`. */
export interface AppOfAppsProps {
  /** Repository of the rendered-manifests branch. */
  readonly repoURL: string;
  /** Rendered-manifests branch. */
  readonly branch: string;
  /** Cluster API server of every Application. */
  readonly server: string;
  /** Argo CD's namespace (Applications and the AppProject live there). */
  readonly argocdNamespace: string;
  /**
   * Name of the AppProject of the applications. The root Application is in a project of its own,
   * `<project>-bootstrap`, allowed nothing but Argo CD's own kinds in Argo CD's namespace.
   */
  readonly project: string;
  /**
   * Destination namespace of applications that render only cluster-scoped objects (an Application needs one;
   * it is never Argo CD's own, which only the bootstrap project may deploy to).
   */
  readonly defaultNamespace: string;
  /**
   * `applications`: one generated Application per application, with sync waves; `applicationset`: one
   * ApplicationSet over the rendered directories (Helm applications still get their own Application).
   * @default 'applications'
   */
  readonly mode?: 'applications' | 'applicationset';
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
 * The per-environment Argo CD root: an AppProject allowing exactly what the environment renders (and no
 * Argo CD kinds, nor Argo CD's namespace), a bootstrap AppProject for the root Application alone, the root
 * Application for this application's own directory (`<env>/argocd`, it manages itself and everything else),
 * and one Application per other application, whose sync wave is its depth in the dependency graph. A broken
 * change to the applications' project can therefore always be fixed by the root, whose project is separate.
 *
 * It must be created after every other application of the environment (a validation enforces it).
 * Dependency cycles, dependencies on applications missing from the environment and two applications
 * rendering to the same path are errors naming the applications involved.
 */
export class AppOfApps extends Construct {
  /** Sync wave of every application, by name. */
  public readonly waves: ReadonlyMap<string, number>;
  /** The applications this root deploys, by name. */
  public readonly applications: readonly IApplication[];

  public constructor(scope: Construct, id: string, props: AppOfAppsProps) {
    super(scope, id);
    const self = applicationOf(this);
    const context = contextOf(this);
    if (self === undefined) throw new Error('AppOfApps must be created inside an application (the Argo CD application chart)');
    const env = context.environment;
    const root = this.node.root;
    // Every application of the environment, wherever it was created.
    const apps = root.node.findAll().filter(isApplication).filter((a) => a !== self);
    this.applications = apps;

    // Two applications must never render to the same path.
    const byName = new Map<string, IApplication>();
    for (const app of [self, ...apps]) {
      const other = byName.get(app.appName);
      if (other) {
        throw new ConfigError([{
          environment: env, file: context.source, application: app.appName, field: 'appName',
          message: `applications '${other.node.path}' and '${app.node.path}' both render to ${env}/${app.appName}`,
          value: app.appName,
          fix: 'give each application its own name',
        }], 'two applications render to the same path');
      }
      byName.set(app.appName, app);
    }

    // Custom resources whose CRDs another application installs: sync after it, and skip the dry run meanwhile.
    const providers = new Map<string, IApplication>();
    for (const app of apps) for (const group of app.helm?.providesApiGroups ?? []) providers.set(group, app);
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

    const waveByApp = computeWaves(apps, { name: (a) => a.appName, dependencies: (a) => a.dependencies }, { environment: env, file: context.source });
    this.waves = new Map([...waveByApp].map(([app, wave]) => [app.appName, wave]));

    const rendered = apps.filter((a) => a.helm !== undefined || (facts.get(a)?.length ?? 0) > 0);
    const destinationOf = (app: IApplication): string => app.destinationNamespace ?? props.defaultNamespace;

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
        environment: env, file: context.source, application: rendered.find((a) => destinationOf(a) === props.argocdNamespace)?.appName ?? '', field: 'namespace',
        message: `deploys into Argo CD's namespace '${props.argocdNamespace}', which only the bootstrap project may do`,
        value: props.argocdNamespace,
        fix: "deploy applications into the platform's own namespaces",
      }], "an application deploys into Argo CD's namespace");
    }
    new ArgoProject(this, 'Project', {
      name: props.project,
      namespace: props.argocdNamespace,
      description: `${context.platform} ${env}: everything rendered in ${env}/ of ${props.repoURL}@${props.branch}`,
      sourceRepos: repos,
      destinations,
      clusterResourceWhitelist: clusterKinds,
      // Applications must never create Applications or projects: only the root, through the bootstrap project.
      namespaceResourceBlacklist: argoKinds,
    });
    const bootstrapProject = `${props.project}-bootstrap`;
    new ArgoProject(this, 'BootstrapProject', {
      name: bootstrapProject,
      namespace: props.argocdNamespace,
      description: `${context.platform} ${env}: the root Application, which manages the Argo CD objects of ${env}/${self.appName}`,
      sourceRepos: [props.repoURL],
      destinations: [{ server: props.server, namespace: props.argocdNamespace }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: argoKinds,
    });

    new ArgoApplication(this, 'Root', {
      name: `${env}-root`,
      application: self.appName,
      project: bootstrapProject,
      namespace: props.argocdNamespace,
      source: { type: 'directory', repoURL: props.repoURL, targetRevision: props.branch, path: `${env}/${self.appName}` },
      server: props.server,
      destinationNamespace: props.argocdNamespace,
      // Deleting the root must never cascade to the whole environment: the Applications it manages stay.
      cascadeDelete: false,
    });

    const mode = props.mode ?? 'applications';
    for (const app of rendered) {
      if (mode === 'applicationset' && app.helm === undefined) continue;
      new ArgoApplication(this, `App-${app.appName}`, {
        name: `${env}-${app.appName}`,
        application: app.appName,
        project: props.project,
        namespace: props.argocdNamespace,
        source: app.helm
          ? { type: 'helm', repoURL: app.helm.repoURL, chart: app.helm.chart, targetRevision: app.helm.version, releaseName: app.helm.releaseName, values: app.helm.values }
          : { type: 'directory', repoURL: props.repoURL, targetRevision: props.branch, path: `${env}/${app.appName}` },
        server: props.server,
        destinationNamespace: destinationOf(app),
        syncWave: this.waves.get(app.appName),
        skipDryRunOnMissingResource: skipDryRun.has(app),
        serverSideApply: app.serverSideApply,
        // Deleting an operator chart's Application must not delete its CRDs (and every custom resource with them).
        cascadeDelete: app.helm === undefined,
        annotations: app.helm && app.helm.images.length > 0 ? { [IMAGES_ANNOTATION]: [...app.helm.images].sort().join(',') } : undefined,
      });
    }
    if (mode === 'applicationset') {
      new ArgoApplicationSet(this, 'ApplicationSet', {
        name: `${env}-apps`,
        namePrefix: env,
        project: props.project,
        namespace: props.argocdNamespace,
        repoURL: props.repoURL,
        revision: props.branch,
        directory: env,
        exclude: [`${env}/${self.appName}`],
        server: props.server,
        destinationNamespace: props.argocdNamespace,
        environment: env,
      });
    }

    // Applications added after this construct would get no Application: refuse them.
    const known = new Set<IConstruct>([self, ...apps]);
    this.node.addValidation({
      validate: () => root.node.findAll()
        .filter(isApplication)
        .filter((a) => !known.has(a))
        .map((a) => `application '${a.appName}' was added after the Argo CD application; create the Argo CD chart last so every application gets an Application`),
    });
  }
}
