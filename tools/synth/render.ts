/**
 * Rendering: cdk8s Apps (one per environment) to plain objects in memory, grouped by application.
 *
 * We do not call `App.synth()`: it writes straight into the output directory, and `Chart.toJson()`
 * re-validates the whole App for every chart (quadratic in the number of applications). Here every construct
 * is validated once, then each chart's objects are serialised once.
 */
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IApplication, isApplication, PlatformContext } from '../../constructs/lib/context';
import { installFastResolve } from '../../constructs/lib/fast-resolve';
import { prepareApp } from '../../constructs/lib/prepare';
import { PlatformError } from '../../constructs/lib/errors';
import { appendTo } from '../../constructs/lib/maps';
import { compareText } from '../../constructs/lib/order';

/** A rendered Kubernetes object (plain JSON). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [key: string]: unknown;
}

/** One object and the file it is written to, relative to its application directory. */
export interface RenderedObject {
  readonly file: string;
  readonly object: KubeObject;
}

/** One application: the objects of `dist/<env>/<app>/`. */
export interface RenderedApplication {
  readonly name: string;
  readonly objects: readonly RenderedObject[];
}

/**
 * One directory of the rendered tree (`dist/<name>/`: an environment, or a shared cluster's add-ons) without its
 * applications, as plain data (it can be handed to another thread).
 */
export interface RenderedDirectoryHeader {
  readonly name: string;
  /** The cluster the directory's applications are deployed to (directories of one cluster are validated together). */
  readonly cluster: string;
  readonly context: PlatformContext;
}

/** One directory of the rendered tree with its applications, as plain data: what validation and the files need. */
export interface RenderedDirectory extends RenderedDirectoryHeader {
  /** Applications with objects, sorted by name. */
  readonly applications: readonly RenderedApplication[];
}

/** A rendered directory with its application graph (including applications without files). */
export interface RenderedEnvironment extends RenderedDirectory {
  /** Every application construct (also those rendering no directory, such as upstream Helm charts). */
  readonly graph: readonly IApplication[];
}

/** One rendered application and the directory it is written to (`dist/<directory>/<application>/`). */
export interface RenderedPart {
  readonly directory: string;
  readonly application: RenderedApplication;
}

/** An App prepared and validated, its applications rendered one at a time (`renderParts`). */
export interface RenderedParts {
  /** Every directory the App renders (also those without objects), sorted by name, as plain data. */
  readonly directories: readonly RenderedDirectoryHeader[];
  /** Every application construct of each directory (also those rendering no files; see `RenderedEnvironment`). */
  readonly graph: ReadonlyMap<string, readonly IApplication[]>;
  /** How many objects the App renders. */
  readonly objects: number;
  /** The applications with objects, rendered as iterated: directory by directory, by name within each. */
  readonly parts: Iterable<RenderedPart>;
}

/** Construct validations (`node.addValidation`) failed. */
export class ConstructValidationError extends PlatformError {
  public constructor(environment: string, public readonly errors: readonly string[]) {
    super(`environment '${environment}': ${errors.length} construct validation error${errors.length === 1 ? '' : 's'}:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  }
}

/** Two objects of one application would be written to the same file. */
export class RenderError extends PlatformError {}

/** File name of an object inside its application directory: `<Kind>.<name>.yaml`. */
export function objectFileName(object: { kind: string; metadata: { name: string; namespace?: string } }, qualifyNamespace = false): string {
  return qualifyNamespace && object.metadata.namespace !== undefined
    ? `${object.kind}.${object.metadata.namespace}.${object.metadata.name}.yaml`
    : `${object.kind}.${object.metadata.name}.yaml`;
}

/** The name of an App for messages: the last segment of its outdir (`dist/prod` is `prod`). */
export function environmentOf(app: App): string {
  return path.basename(path.resolve(app.outdir));
}

function allConstructs(root: IConstruct): IConstruct[] {
  const out: IConstruct[] = [];
  const stack: IConstruct[] = [root];
  while (stack.length > 0) {
    const next = stack.pop() as IConstruct;
    out.push(next);
    const children = next.node.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as IConstruct);
  }
  return out;
}

/**
 * Render one App (one cluster: one or more directories of the rendered tree): run the render-time composition
 * (namespaces, network policies, Argo CD) and validate every construct (throws on construct validation errors);
 * then its applications are serialised one at a time, in the order of the rendered tree (directories by name,
 * applications by name within each), each chart's objects once, as `parts` is iterated. Synth hands each one on
 * as soon as it is rendered (validated and written while the next renders); `renderApp` collects them all.
 */
export function renderParts(app: App): RenderedParts {
  const name = environmentOf(app);
  installFastResolve();
  prepareApp(app);
  const constructs = allConstructs(app);

  const errors: string[] = [];
  for (const c of constructs) {
    for (const message of c.node.validate()) errors.push(`[${c.node.path}] ${message}`);
  }
  if (errors.length > 0) throw new ConstructValidationError(name, errors);

  const graph = new Map<string, IApplication[]>();
  const charts = new Map<Chart, ApiObject[]>();
  for (const child of app.node.children) {
    if (isApplication(child)) {
      const directory = child.context.environment;
      appendTo(graph, directory, child);
    }
    if (Chart.isChart(child)) {
      if (!isApplication(child)) {
        throw new RenderError(`App '${name}': chart '${child.node.id}' is a plain cdk8s Chart; every top-level chart must be an ApplicationChart so it renders into dist/<env>/<app>/ and gets an Argo CD Application`);
      }
      charts.set(child, []);
    }
  }

  let objects = 0;
  for (const c of constructs) {
    if (!(c instanceof ApiObject)) continue;
    const chart = Chart.of(c);
    const members = charts.get(chart);
    if (members === undefined) {
      // Nested charts are not supported: cdk8s would order them by dependency and rename folders.
      throw new RenderError(`App '${name}': object '${c.node.path}' is in chart '${chart.node.path}', which is not a top-level ApplicationChart; put it in an application chart`);
    }
    members.push(c);
    objects++;
  }

  const directories = new Map<string, { context: PlatformContext; applications: { application: IApplication; members: ApiObject[] }[] }>();
  for (const [chart, members] of charts) {
    const application = chart as unknown as IApplication;
    const directory = application.context.environment;
    const entry = directories.get(directory) ?? { context: application.context, applications: [] };
    directories.set(directory, entry);
    if (members.length > 0) entry.applications.push({ application, members });
  }
  if (directories.size === 0) {
    throw new RenderError(`App '${name}' has no applications; add at least one ApplicationChart`);
  }
  const sorted = [...directories].sort(([a], [b]) => compareText(a, b));
  for (const [, entry] of sorted) entry.applications.sort((a, b) => compareText(a.application.appName, b.application.appName));
  charts.clear();

  return {
    directories: sorted.map(([directory, { context }]) => ({ name: directory, cluster: context.cluster ?? directory, context })),
    graph,
    objects,
    parts: (function* (): Generator<RenderedPart> {
      for (const [directory, entry] of sorted) {
        // Each application's list of objects is dropped once it is rendered (the constructs live as long as the App).
        for (let next = entry.applications.shift(); next !== undefined; next = entry.applications.shift()) {
          yield { directory, application: { name: next.application.appName, objects: renderChart(directory, next.application, next.members) } };
        }
      }
    })(),
  };
}

/** The objects of one application chart (`members`: its ApiObjects in construct order), sorted by file. */
function renderChart(directory: string, application: IApplication, members: readonly ApiObject[]): RenderedObject[] {
  const objects: RenderedObject[] = [];
  for (const c of members) {
    const object = c.toJson() as KubeObject;
    objects.push({ file: objectFileName(object), object });
  }
  // An application spanning several namespaces (one namespace per tenant) may hold same-named objects in each:
  // its namespaced objects' files are named by namespace too. Applications of one namespace keep the short names.
  if (new Set(objects.map((o) => o.object.metadata.namespace).filter((n) => n !== undefined)).size >= 2) {
    for (let i = 0; i < objects.length; i++) {
      const o = objects[i] as RenderedObject;
      objects[i] = { ...o, file: objectFileName(o.object, true) };
    }
  }
  objects.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (let i = 1; i < objects.length; i++) {
    const previous = objects[i - 1] as RenderedObject;
    const current = objects[i] as RenderedObject;
    if (previous.file === current.file) {
      const where = (o: KubeObject): string => `${o.metadata.namespace ?? '(cluster)'}/${o.metadata.name}`;
      throw new RenderError(`environment '${directory}', application '${application.appName}': two ${current.object.kind} objects would both be written to ${current.file} (${where(previous.object)} and ${where(current.object)}); give them different names`);
    }
  }
  return objects;
}

/**
 * Render one App into memory, every application at once (the commands that need whole environments: validate,
 * diff, publish, graph). Throws on construct validation errors. See `renderParts`.
 */
export function renderApp(app: App): RenderedEnvironment[] {
  const { directories, graph, parts } = renderParts(app);
  const applications = new Map<string, RenderedApplication[]>();
  for (const part of parts) appendTo(applications, part.directory, part.application);
  return directories.map((d) => ({ ...d, applications: applications.get(d.name) ?? [], graph: graph.get(d.name) ?? [] }));
}
