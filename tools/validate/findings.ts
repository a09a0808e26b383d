/**
 * Findings: what validation reports, where, and how the report is summarised.
 */
import { PlatformError } from '../../constructs/lib/errors';
import { isPolicyRule, ParsedExemptions, parseExemptions } from '../../constructs/lib/policy';
import { redactUrls } from '../../constructs/lib/secrets';
import { isRecord, str } from './json';
import type { CelStats } from './cel/stats';

/** Severity of a finding: errors stop synth, warnings are printed. */
export type Severity = 'error' | 'warning';

/** One finding: where (environment, application, object, field), what was found, and the fix. */
export interface Finding {
  readonly severity: Severity;
  /** Rule id, e.g. `policy/resources`. */
  readonly rule: string;
  readonly environment: string;
  readonly application: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** JSON path of the offending field, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly value?: unknown;
  readonly message: string;
  readonly fix: string;
}

/** A policy finding suppressed by an exemption annotation on the object. */
export interface ExemptedFinding extends Finding {
  /** The reason given in the exemption annotation. */
  readonly exemption: string;
}

/** Per-environment counts. */
export interface EnvironmentSummary {
  readonly environment: string;
  readonly objects: number;
  readonly errors: number;
  readonly warnings: number;
  readonly exempted: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** All findings of a validation run. */
export class ValidationReport {
  public constructor(
    public readonly findings: readonly Finding[],
    /** Objects checked per environment. */
    public readonly checked: ReadonlyMap<string, number>,
    /** Policy findings suppressed by exemptions (not errors). */
    public readonly exempted: readonly ExemptedFinding[] = [],
    /** CEL rule evaluations: run, skipped (transition rules) and not evaluable. */
    public readonly cel: Readonly<CelStats> = { evaluated: 0, skippedOldSelf: 0, unevaluated: 0 },
  ) {}

  public get errors(): readonly Finding[] {
    return this.findings.filter((f) => f.severity === 'error');
  }

  public get warnings(): readonly Finding[] {
    return this.findings.filter((f) => f.severity === 'warning');
  }

  /** Counts per environment, in the order environments were validated. */
  public summaries(): EnvironmentSummary[] {
    const counts = new Map<string, { errors: number; warnings: number; exempted: number }>();
    for (const env of this.checked.keys()) counts.set(env, { errors: 0, warnings: 0, exempted: 0 });
    for (const f of this.findings) {
      const c = counts.get(f.environment);
      if (c === undefined) continue;
      if (f.severity === 'error') c.errors++;
      else c.warnings++;
    }
    for (const f of this.exempted) {
      const c = counts.get(f.environment);
      if (c !== undefined) c.exempted++;
    }
    return [...this.checked].map(([environment, objects]) => ({ environment, objects, ...(counts.get(environment) ?? { errors: 0, warnings: 0, exempted: 0 }) }));
  }

  /** `CEL rules: 12 evaluations, 3 skipped (transition rules using oldSelf), 0 not evaluable`. */
  public celLine(): string {
    const c = this.cel;
    return `CEL rules: ${plural(c.evaluated, 'evaluation')}, ${c.skippedOldSelf} skipped (transition rules using oldSelf run only on update), ${c.unevaluated} not evaluable`;
  }

  /** `validated prod: 85 objects, 0 errors, 1 warning` (and exemptions, when any), one line per environment. */
  public summaryLines(): string[] {
    return this.summaries().map((s) =>
      `validated ${s.environment}: ${plural(s.objects, 'object')}, ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}${s.exempted > 0 ? `, ${s.exempted} exempted` : ''}`);
  }
}

/** Validation found errors; nothing was written. */
export class ValidationFailedError extends PlatformError {
  public constructor(public readonly report: ValidationReport) {
    super(`validation failed with ${plural(report.errors.length, 'error')}; dist/ was not changed`);
  }
}

/** The object a reporter reports on. */
export interface ObjectIdentity {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** Identity of a rendered object (placeholders when fields are missing or of the wrong type). */
export function identityOf(object: unknown): ObjectIdentity {
  const o = isRecord(object) ? object : {};
  const metadata = isRecord(o.metadata) ? o.metadata : {};
  const namespace = str(metadata.namespace);
  return {
    kind: str(o.kind) ?? '(no kind)',
    name: str(metadata.name) ?? '(no name)',
    ...(namespace !== undefined ? { namespace } : {}),
  };
}

/** Collects the findings of one environment. */
export class FindingCollector {
  public readonly findings: Finding[] = [];
  public readonly exempted: ExemptedFinding[] = [];

  public constructor(public readonly environment: string) {}

  /** A reporter for one object of `application`. */
  public forObject(application: string, object: unknown): ObjectReporter {
    const annotations = isRecord(object) && isRecord(object.metadata) ? object.metadata.annotations : undefined;
    return new ObjectReporter(this, application, identityOf(object), parseExemptions(annotations));
  }
}

/** Reports findings about one object; policy findings it is exempted from are set aside with their reason. */
export class ObjectReporter {
  public constructor(
    private readonly sink: FindingCollector,
    public readonly application: string,
    public readonly identity: ObjectIdentity,
    public readonly exemptions: ParsedExemptions,
  ) {}

  /** Report an error. `value` is omitted from the message when `undefined` (a missing field). */
  public error(rule: string, path: string, message: string, value: unknown, fix: string): void {
    this.add('error', rule, path, message, value, fix);
  }

  /** Report a warning. */
  public warning(rule: string, path: string, message: string, value: unknown, fix: string): void {
    this.add('warning', rule, path, message, value, fix);
  }

  /** A finding the source marked as reviewed (`notSecret(value, reason)`): set aside with its reason, never an error. */
  public reviewed(rule: string, path: string, message: string, value: unknown, fix: string, reason: string): void {
    this.sink.exempted.push({ ...this.finding('error', rule, path, message, value, fix), exemption: reason });
  }

  private finding(severity: Severity, rule: string, path: string, message: string, value: unknown, fix: string): Finding {
    return {
      severity,
      rule,
      environment: this.sink.environment,
      application: this.application,
      kind: this.identity.kind,
      name: this.identity.name,
      ...(this.identity.namespace !== undefined ? { namespace: this.identity.namespace } : {}),
      path,
      ...(value !== undefined ? { value: typeof value === 'string' ? redactUrls(value) : value } : {}),
      message: redactUrls(message),
      fix: redactUrls(fix),
    };
  }

  /** Report with an explicit severity. */
  public add(severity: Severity, rule: string, path: string, message: string, value: unknown, fix: string): void {
    const finding = this.finding(severity, rule, path, message, value, fix);
    const reason = isPolicyRule(rule) ? this.exemptions.exemptions.get(rule) : undefined;
    if (reason !== undefined) this.sink.exempted.push({ ...finding, exemption: reason });
    else this.sink.findings.push(finding);
  }
}
