/**
 * The picture of one directory of the rendered tree (an environment, or a shared cluster's add-ons): its
 * applications, the dependencies between them (the typed references the kit recorded, plus "uses CRDs of"),
 * their sync waves and their namespaces. Read from a rendered environment (tools/synth/render.ts), after the
 * render-time composition, so it is exactly what the Argo CD objects were computed from.
 */
import { bootstrapPlan } from '../publish/bootstrap';
import type { RenderedEnvironment } from '../synth/render';
import { compareText } from '../../constructs/lib/order';

/** What an application is, for the picture. */
export type GraphNodeKind = 'root' | 'directory' | 'helm';

/** One application. */
export interface GraphNode {
  /**
   * Key in the graph: the application's name, or `<directory>/<name>` for an application of another directory
   * (the add-ons of a shared cluster, synced by the cluster's root before this directory's).
   */
  readonly id: string;
  /** The application's name (`dist/<directory>/<name>/`). */
  readonly name: string;
  /** The directory it renders into. */
  readonly directory: string;
  /** `root` (the app of apps: the directory of Argo CD objects), `directory` (a rendered directory) or `helm` (an upstream Helm chart). */
  readonly kind: GraphNodeKind;
  /**
   * The namespace it deploys into.
   * @default - cluster-scoped objects only
   */
  readonly namespace?: string;
  /**
   * Its Argo CD sync wave (`argocd.argoproj.io/sync-wave` of its Application).
   * @default - none: the root, an application of another directory, or ApplicationSet mode
   */
  readonly wave?: number;
  /**
   * The upstream chart, `<chart> <version>`.
   * @default - not a Helm application
   */
  readonly chart?: string;
  /** Rendered objects (`dist/<directory>/<name>/*.yaml`; 0 for Helm charts). */
  readonly objects: number;
  /** True for an application of another directory that one of this directory's applications uses. */
  readonly external: boolean;
}

/** `to` uses `from`: `from` is synced (and healthy) first. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
}

/** The graph of one directory. */
export interface EnvironmentGraph {
  readonly platform: string;
  /** The directory (environment or shared cluster). */
  readonly environment: string;
  readonly cluster: string;
  /** Sorted by id. */
  readonly nodes: readonly GraphNode[];
  /** Sorted by `from`, then `to`. */
  readonly edges: readonly GraphEdge[];
}

const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';


/** The sync wave of every application of `env`, from its rendered Applications (named `<env>-<app>`). */
function wavesOf(env: RenderedEnvironment): Map<string, number> {
  const waves = new Map<string, number>();
  for (const app of env.applications) {
    for (const { object } of app.objects) {
      if (object.apiVersion !== 'argoproj.io/v1alpha1' || object.kind !== 'Application') continue;
      const wave = object.metadata.annotations?.[SYNC_WAVE];
      const application = object.metadata.labels?.application;
      if (wave === undefined || application === undefined || object.metadata.name !== `${env.name}-${application}`) continue;
      waves.set(application, Number(wave));
    }
  }
  return waves;
}

/** The application directory of `env` holding its Argo CD objects (the directory the root Application deploys: for an environment
 * on a shared cluster, whose root lives in the cluster's directory, the one holding its AppProject). */
export function argoDirectoryOf(env: RenderedEnvironment): string | undefined {
  return bootstrapPlan(env)?.rootApplication
    ?? env.applications.find((a) => a.objects.some((o) => o.object.apiVersion === 'argoproj.io/v1alpha1' && o.object.kind === 'AppProject'))?.name;
}

/** The graph of one rendered directory. */
export function environmentGraph(env: RenderedEnvironment): EnvironmentGraph {
  const waves = wavesOf(env);
  const root = argoDirectoryOf(env);
  const objects = new Map(env.applications.map((a) => [a.name, a.objects.length]));
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const idOf = (app: { appName: string; context: { environment: string } }): string =>
    app.context.environment === env.name ? app.appName : `${app.context.environment}/${app.appName}`;

  for (const app of env.graph) {
    const id = idOf(app);
    const isRoot = app.appName === root;
    nodes.set(id, {
      id,
      name: app.appName,
      directory: env.name,
      kind: isRoot ? 'root' : app.helm !== undefined ? 'helm' : 'directory',
      ...(app.destinationNamespace !== undefined ? { namespace: app.destinationNamespace } : {}),
      ...(waves.has(app.appName) ? { wave: waves.get(app.appName) } : {}),
      ...(app.helm !== undefined ? { chart: `${app.helm.chart} ${app.helm.version}` } : {}),
      objects: objects.get(app.appName) ?? 0,
      external: false,
    });
  }
  for (const app of env.graph) {
    for (const dependency of app.dependencies) {
      const from = idOf(dependency);
      if (!nodes.has(from)) {
        nodes.set(from, {
          id: from,
          name: dependency.appName,
          directory: dependency.context.environment,
          kind: dependency.helm !== undefined ? 'helm' : 'directory',
          ...(dependency.destinationNamespace !== undefined ? { namespace: dependency.destinationNamespace } : {}),
          ...(dependency.helm !== undefined ? { chart: `${dependency.helm.chart} ${dependency.helm.version}` } : {}),
          objects: 0,
          external: true,
        });
      }
      const to = idOf(app);
      edges.set(`${from}\n${to}`, { from, to });
    }
  }
  return {
    platform: env.context.platform,
    environment: env.name,
    cluster: env.cluster,
    nodes: [...nodes.values()].sort((a, b) => compareText(a.id, b.id)),
    edges: [...edges.values()].sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to)),
  };
}

/** The box a node is drawn in: its namespace, "cluster-scoped objects only", or another directory. */
export function groupOf(node: GraphNode): string {
  if (node.external) return `directory ${node.directory}/`;
  return node.namespace !== undefined ? `namespace ${node.namespace}` : 'cluster-scoped objects only';
}
