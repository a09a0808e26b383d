/**
 * Validation of rendered objects before anything is written: schema, policy and cross-resource checks.
 *
 * Every check runs over every object of every environment and every finding is collected (validation never
 * stops at the first problem). `npm run synth` refuses to write when any error remains; `npm run validate`
 * prints the same report without writing. See README, "Validation".
 */
import type { Stage } from '../../constructs/lib/context';
import type { RenderedApplication, RenderedDirectory, RenderedDirectoryHeader } from '../synth/render';
import { checkArgoCdVersion } from './argocd-version';
import { child, isRecord, withoutUndefined } from './json';
import { ExemptedFinding, Finding, FindingCollector, ObjectReporter, ValidationReport } from './findings';
import { checkMetadata } from './metadata';
import { checkPolicies } from './policies';
import { checkReferences, IndexedObject } from './references';
import { SchemaRegistry } from './schema';
import { PassedObjects } from './passed';
import { celStats, type CelStats } from './cel/stats';
import { checkStructure } from './structure';
import { checkBuiltin } from './builtin';
import { checkAcrossEnvironments, checkCrossObjects, type DirectoryInfo } from './cross';

export type { EnvironmentSummary, ExemptedFinding, Finding, Severity } from './findings';
export { ValidationFailedError, ValidationReport } from './findings';
export { REFERENCE_RULES } from './references';
export { SCHEMA_RULES, SchemaRegistry } from './schema';
export { CEL_RULES } from './cel/stats';
export type { CelStats } from './cel/stats';
export { METADATA_RULE } from './metadata';
export { STRUCTURE_RULE } from './structure';
export { BUILTIN_KINDS, BUILTIN_RULE } from './builtin';
export { CROSS_RULES } from './cross';

/** Rule id of problems with exemption annotations themselves. */
export const EXEMPTION_RULE = 'policy/exemption';

/** Options of `validateEnvironments`. */
export interface ValidateOptions {
  /** Schemas to validate against. @default - the committed schemas (`SchemaRegistry.default()`) */
  readonly schemas?: SchemaRegistry;
}

/**
 * Check every object of one application of a directory into `collector`, appending them to `indexed` for the
 * cluster-wide checks.
 *
 * The checks of one object alone (schema, CEL, metadata, structure, built-in kinds, Argo CD version, policies)
 * are pure functions of the object and the environment's stage: an object they all passed with no finding, no
 * exemption and no CEL rule left unevaluated is remembered (tools/validate/passed.ts) and skipped by later runs,
 * its CEL evaluations counted as when it was checked. The checks across objects always run.
 */
function checkObjects(env: RenderedDirectoryHeader, application: RenderedApplication, schemas: SchemaRegistry, collector: FindingCollector, cel: CelStats, indexed: IndexedObject[]): void {
  const passed = schemas.passed;
  const stage = env.context.stage;
  for (const rendered of application.objects) {
    // Validate what is written: serialisation drops keys whose value is undefined.
    const object: unknown = withoutUndefined(rendered.object);
    const report = collector.forObject(application.name, object);
    const digest = PassedObjects.digest(stage, object);
    const known = passed.recall(digest);
    if (known !== undefined) {
      cel.evaluated += known.celEvaluated;
      cel.skippedOldSelf += known.celSkippedOldSelf;
    } else {
      const findingsBefore = collector.findings.length + collector.exempted.length;
      const celBefore = { ...cel };
      checkObject(object, report, schemas, cel, stage);
      if (collector.findings.length + collector.exempted.length === findingsBefore && cel.unevaluated === celBefore.unevaluated) {
        passed.remember(digest, { celEvaluated: cel.evaluated - celBefore.evaluated, celSkippedOldSelf: cel.skippedOldSelf - celBefore.skippedOldSelf });
      }
    }
    if (isRecord(object)) indexed.push({ application: application.name, environment: env.name, object, report });
  }
}

/** The checks of one object alone. */
function checkObject(object: unknown, report: ObjectReporter, schemas: SchemaRegistry, cel: CelStats, stage: Stage): void {
  for (const problem of report.exemptions.problems) {
    report.error(EXEMPTION_RULE, child('metadata.annotations', problem.annotation), problem.message, problem.value, problem.fix);
  }
  for (const issue of schemas.check(object)) report.error(issue.rule, issue.path, issue.message, issue.value, issue.fix);
  for (const issue of schemas.cel.check(object, cel)) report.add(issue.severity, issue.rule, issue.path, issue.message, issue.value, issue.fix);
  checkMetadata(object, report);
  if (isRecord(object)) {
    checkStructure(object, report);
    checkBuiltin(object, report);
    checkArgoCdVersion(object, report);
    checkPolicies(object, report, { stage });
  }
}

/**
 * Cross-resource checks over every object that lands on one cluster (its directories together);
 * `applicationDirectories` are the `<directory>/<application>` paths of its applications with objects.
 */
function checkCluster(cluster: string, envs: readonly RenderedDirectoryHeader[], applicationDirectories: readonly string[], indexed: readonly IndexedObject[]): void {
  const first = envs[0];
  if (first === undefined) return;
  checkReferences({
    environment: cluster,
    environments: envs.map((e) => e.name),
    context: {
      externalNamespaces: [...new Set(envs.flatMap((e) => e.context.externalNamespaces ?? []))],
      externalStorageClasses: [...new Set(envs.flatMap((e) => e.context.externalStorageClasses ?? []))],
      externalServices: [...new Set(envs.flatMap((e) => e.context.externalServices ?? []))],
      renderedSource: first.context.renderedSource,
    },
    renderedSources: new Map(envs.flatMap((e) => (e.context.renderedSource !== undefined ? [[e.name, e.context.renderedSource] as const] : []))),
    applicationDirectories,
  }, indexed);
}

/** One directory of the batch being checked: what its applications found so far. */
interface OpenDirectory {
  readonly header: RenderedDirectoryHeader;
  readonly collector: FindingCollector;
  objects: number;
}

/** The directories of one cluster in the batch being checked, and their objects for the cross-resource checks. */
interface OpenCluster {
  readonly members: RenderedDirectoryHeader[];
  readonly applicationDirectories: string[];
  readonly indexed: IndexedObject[];
}

/**
 * Validation of clusters handed over one at a time (synth validates each cluster as it is rendered), each as a
 * batch of applications: `begin` with the directories of one App, `checkApplication` for each of their
 * applications as it is rendered (the checks of each object alone), `end` for the checks across the objects of
 * each cluster; `check` does all three for directories rendered whole. The checks across clusters
 * (non-production environments claiming production hosts) run in `finish()`, once every cluster was seen. Keeps
 * the findings and the routes of every cluster, not their objects.
 */
export class ValidationSession {
  private readonly schemas: SchemaRegistry;
  private readonly cel = celStats();
  private readonly directories = new Map<string, DirectoryInfo>();
  private readonly routes: ReturnType<typeof checkCrossObjects> = [];
  private readonly collected: { readonly name: string; readonly objects: number; readonly collector: FindingCollector }[] = [];
  /** The batch being checked (between `begin` and `end`). */
  private open: { readonly directories: Map<string, OpenDirectory>; readonly clusters: Map<string, OpenCluster> } | undefined;

  public constructor(options: ValidateOptions = {}) {
    this.schemas = options.schemas ?? SchemaRegistry.default();
  }

  /**
   * Check every object of `envs` (directories of one cluster are checked together: two environments rendering the
   * same kind, namespace and name on one cluster is an error). Returns these directories' findings so far.
   */
  public check(envs: readonly RenderedDirectory[]): ValidationReport {
    this.begin(envs);
    for (const env of envs) for (const application of env.applications) this.checkApplication(env.name, application);
    return this.end();
  }

  /** Start a batch: the directories of one App (of one cluster, or several), before any of their applications. */
  public begin(envs: readonly RenderedDirectoryHeader[]): void {
    if (this.open !== undefined) throw new Error('ValidationSession.begin: the previous batch was not ended');
    const directories = new Map<string, OpenDirectory>();
    const clusters = new Map<string, OpenCluster>();
    for (const e of envs) {
      this.directories.set(e.name, { stage: e.context.stage, externalServices: e.context.externalServices ?? [], externalNamespaces: e.context.externalNamespaces ?? [] });
      directories.set(e.name, { header: e, collector: new FindingCollector(e.name), objects: 0 });
      const cluster = clusters.get(e.cluster) ?? { members: [], applicationDirectories: [], indexed: [] };
      cluster.members.push(e);
      clusters.set(e.cluster, cluster);
    }
    this.open = { directories, clusters };
  }

  /** The checks of each object alone of one application of the batch; returns how many errors they found. */
  public checkApplication(directory: string, application: RenderedApplication): number {
    const entry = this.open?.directories.get(directory);
    if (this.open === undefined || entry === undefined) throw new Error(`ValidationSession.checkApplication: directory '${directory}' is not in the batch begun`);
    const cluster = this.open.clusters.get(entry.header.cluster) as OpenCluster;
    const before = entry.collector.findings.length;
    checkObjects(entry.header, application, this.schemas, entry.collector, this.cel, cluster.indexed);
    entry.objects += application.objects.length;
    cluster.applicationDirectories.push(`${directory}/${application.name}`);
    let errors = 0;
    for (let i = before; i < entry.collector.findings.length; i++) if ((entry.collector.findings[i] as Finding).severity === 'error') errors++;
    return errors;
  }

  /** End the batch: the checks across the objects of each of its clusters. Returns its directories' findings so far. */
  public end(): ValidationReport {
    const open = this.open;
    if (open === undefined) throw new Error('ValidationSession.end: no batch was begun');
    this.open = undefined;
    for (const [cluster, { members, applicationDirectories, indexed }] of open.clusters) {
      checkCluster(cluster, members, applicationDirectories, indexed);
      this.routes.push(...checkCrossObjects(indexed, this.directories));
    }
    // Cluster by cluster, as the clusters' directories were given.
    const added = [...open.clusters.values()].flatMap(({ members }) => members.map((m) => open.directories.get(m.name) as OpenDirectory))
      .map((d) => ({ name: d.header.name, objects: d.objects, collector: d.collector }));
    this.collected.push(...added);
    this.schemas.passed.save();
    return reportOf(added, this.cel);
  }

  /** Run the checks across clusters; the findings of every directory checked. */
  public finish(): ValidationReport {
    if (this.open !== undefined) throw new Error('ValidationSession.finish: a batch was not ended');
    checkAcrossEnvironments(this.routes, this.directories);
    this.schemas.passed.save(true);
    return reportOf(this.collected, this.cel);
  }
}

function reportOf(collected: ValidationSession['collected'], cel: CelStats): ValidationReport {
  const checked = new Map<string, number>();
  const findings: Finding[] = [];
  const exempted: ExemptedFinding[] = [];
  for (const { name, objects, collector } of collected) {
    checked.set(name, objects);
    findings.push(...collector.findings);
    exempted.push(...collector.exempted);
  }
  return new ValidationReport(findings, checked, exempted, { ...cel });
}

/**
 * Validate every rendered object of every directory; never throws for bad objects (they become findings).
 * Directories of one cluster are checked together: two environments rendering the same kind, namespace and name
 * on one cluster is an error.
 */
export function validateEnvironments(envs: readonly RenderedDirectory[], options: ValidateOptions = {}): ValidationReport {
  const session = new ValidationSession(options);
  session.check(envs);
  return session.finish();
}
