/**
 * Validation of rendered objects before anything is written: schema, policy and cross-resource checks.
 *
 * Every check runs over every object of every environment and every finding is collected (validation never
 * stops at the first problem). `npm run synth` refuses to write when any error remains; `npm run validate`
 * prints the same report without writing. See README, "Validation".
 */
import type { RenderedEnvironment } from '../synth/render';
import { child, isRecord, withoutUndefined } from './json';
import { FindingCollector, ValidationReport } from './findings';
import { checkMetadata } from './metadata';
import { checkPolicies } from './policies';
import { checkReferences, IndexedObject } from './references';
import { SchemaRegistry } from './schema';
import { celStats, type CelStats } from './cel';
import { checkStructure } from './structure';

export type { EnvironmentSummary, ExemptedFinding, Finding, Severity } from './findings';
export { ValidationFailedError, ValidationReport } from './findings';
export { REFERENCE_RULES } from './references';
export { SCHEMA_RULES, SchemaRegistry } from './schema';
export { CEL_RULES } from './cel';
export type { CelStats } from './cel';
export { METADATA_RULE } from './metadata';
export { STRUCTURE_RULE } from './structure';

/** Rule id of problems with exemption annotations themselves. */
export const EXEMPTION_RULE = 'policy/exemption';

/** Options of `validateEnvironments`. */
export interface ValidateOptions {
  /** Schemas to validate against. @default - the committed schemas (`SchemaRegistry.default()`) */
  readonly schemas?: SchemaRegistry;
}

/** Validate one environment into `collector`; returns the number of objects checked. */
function validateEnvironment(env: RenderedEnvironment, schemas: SchemaRegistry, collector: FindingCollector, cel: CelStats): number {
  const indexed: IndexedObject[] = [];
  let count = 0;
  for (const application of env.applications) {
    for (const rendered of application.objects) {
      count++;
      // Validate what is written: serialisation drops keys whose value is undefined.
      const object: unknown = withoutUndefined(rendered.object);
      const report = collector.forObject(application.name, object);
      for (const problem of report.exemptions.problems) {
        report.error(EXEMPTION_RULE, child('metadata.annotations', problem.annotation), problem.message, problem.value, problem.fix);
      }
      for (const issue of schemas.check(object)) report.error(issue.rule, issue.path, issue.message, issue.value, issue.fix);
      for (const issue of schemas.cel.check(object, cel)) report.add(issue.severity, issue.rule, issue.path, issue.message, issue.value, issue.fix);
      checkMetadata(object, report);
      if (isRecord(object)) {
        checkStructure(object, report);
        checkPolicies(object, report, { stage: env.context.stage });
        indexed.push({ application: application.name, object, report });
      }
    }
  }
  checkReferences({ environment: env.name, context: env.context, applicationDirectories: env.applications.map((a) => a.name) }, indexed);
  return count;
}

/** Validate every rendered object of every environment; never throws for bad objects (they become findings). */
export function validateEnvironments(envs: readonly RenderedEnvironment[], options: ValidateOptions = {}): ValidationReport {
  const schemas = options.schemas ?? SchemaRegistry.default();
  const checked = new Map<string, number>();
  const findings = [];
  const exempted = [];
  const cel = celStats();
  for (const env of envs) {
    const collector = new FindingCollector(env.name);
    checked.set(env.name, validateEnvironment(env, schemas, collector, cel));
    findings.push(...collector.findings);
    exempted.push(...collector.exempted);
  }
  return new ValidationReport(findings, checked, exempted, cel);
}
