/**
 * Validation of rendered objects before anything is written: schema, policy and cross-resource checks.
 *
 * Every check runs over every object of every environment and every finding is collected (validation never
 * stops at the first problem). `npm run synth` refuses to write when any error remains; `npm run validate`
 * prints the same report without writing. See README, "Validation".
 */
import type { Stage } from '../../constructs/lib/context';
import type { RenderedDirectory } from '../synth/render';
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
import { appendTo } from '../../constructs/lib/maps';

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
 * Check every object of one directory into `collector`; returns the objects, indexed for the cluster-wide checks.
 *
 * The checks of one object alone (schema, CEL, metadata, structure, built-in kinds, Argo CD version, policies)
 * are pure functions of the object and the environment's stage: an object they all passed with no finding, no
 * exemption and no CEL rule left unevaluated is remembered (tools/validate/passed.ts) and skipped by later runs,
 * its CEL evaluations counted as when it was checked. The checks across objects always run.
 */
function checkObjects(env: RenderedDirectory, schemas: SchemaRegistry, collector: FindingCollector, cel: CelStats): IndexedObject[] {
  const indexed: IndexedObject[] = [];
  const passed = schemas.passed;
  const stage = env.context.stage;
  for (const application of env.applications) {
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
  return indexed;
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

/** Cross-resource checks over every object that lands on one cluster (its directories together). */
function checkCluster(cluster: string, envs: readonly RenderedDirectory[], indexed: readonly IndexedObject[]): void {
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
    applicationDirectories: envs.flatMap((e) => e.applications.map((a) => `${e.name}/${a.name}`)),
  }, indexed);
}

/**
 * Validation of clusters handed over one at a time (synth validates each cluster as it is rendered): each
 * cluster's checks when it is handed over, the checks across clusters (non-production environments claiming
 * production hosts) in `finish()`, once every cluster was seen. Keeps the findings and the routes of every cluster,
 * not their objects.
 */
export class ValidationSession {
  private readonly schemas: SchemaRegistry;
  private readonly cel = celStats();
  private readonly directories = new Map<string, DirectoryInfo>();
  private readonly routes: ReturnType<typeof checkCrossObjects> = [];
  private readonly collected: { readonly name: string; readonly objects: number; readonly collector: FindingCollector }[] = [];

  public constructor(options: ValidateOptions = {}) {
    this.schemas = options.schemas ?? SchemaRegistry.default();
  }

  /**
   * Check every object of `envs` (directories of one cluster are checked together: two environments rendering the
   * same kind, namespace and name on one cluster is an error). Returns these directories' findings so far.
   */
  public check(envs: readonly RenderedDirectory[]): ValidationReport {
    for (const e of envs) this.directories.set(e.name, { stage: e.context.stage, externalServices: e.context.externalServices ?? [], externalNamespaces: e.context.externalNamespaces ?? [] });
    const clusters = new Map<string, RenderedDirectory[]>();
    for (const env of envs) appendTo(clusters, env.cluster, env);
    const added: ValidationSession['collected'] = [];
    for (const [cluster, members] of clusters) {
      const collectors = members.map((env) => new FindingCollector(env.name));
      const indexed = members.flatMap((env, i) => checkObjects(env, this.schemas, collectors[i] as FindingCollector, this.cel));
      checkCluster(cluster, members, indexed);
      this.routes.push(...checkCrossObjects(indexed, this.directories));
      members.forEach((env, i) => added.push({ name: env.name, objects: env.applications.reduce((n, a) => n + a.objects.length, 0), collector: collectors[i] as FindingCollector }));
    }
    this.collected.push(...added);
    this.schemas.passed.save();
    return reportOf(added, this.cel);
  }

  /** Run the checks across clusters; the findings of every directory checked. */
  public finish(): ValidationReport {
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
