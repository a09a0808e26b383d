/**
 * Eager validation of construct props. Problems are collected and thrown together, each naming the
 * environment file, the application, the construct and prop, the value received and the fix.
 */
import { IConstruct } from 'constructs';
import { applicationOf, contextOf } from './context';
import { ConfigError, Problem } from './errors';
import { dnsLabelProblem } from './names';
import { ResourceSettings, resourceProblems } from './resources';

/** Collects prop problems of one construct instance. */
export class PropsValidator {
  private readonly problems: Problem[] = [];

  /**
   * @param scope the construct's scope (used to find environment and application)
   * @param construct construct class name and id, e.g. `ServiceWithPostgres 'identity-service'`
   */
  public constructor(private readonly scope: IConstruct, private readonly construct: string) {}

  /** Record a problem with prop `field`. */
  public add(field: string, message: string, value: unknown, fix: string): void {
    const context = contextOf(this.scope);
    const app = applicationOf(this.scope);
    this.problems.push({
      environment: app ? context.environment : undefined,
      file: app ? context.source : undefined,
      application: app?.appName,
      field,
      message: `${this.construct}: ${message}`,
      value,
      fix,
    });
  }

  /** Record a problem unless `ok`. */
  public check(ok: boolean, field: string, message: string, value: unknown, fix: string): void {
    if (!ok) this.add(field, message, value, fix);
  }

  /** An integer in [min, max]. */
  public integer(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER, fix?: string): void {
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    this.check(ok, field, `'${field}' must be an integer ${range}`, value, fix ?? `set '${field}' to an integer ${range}`);
  }

  /** A TCP port. */
  public port(field: string, value: unknown): void {
    this.integer(field, value, 1, 65535, `set '${field}' to a port between 1 and 65535`);
  }

  /** A DNS-1123 label (object names). */
  public dnsLabel(field: string, value: unknown): void {
    const problem = dnsLabelProblem(value);
    if (problem) this.add(field, `'${field}' ${problem}`, value, `use a short lower-case name such as 'identity-service'`);
  }

  /** A complete resources block (requests and limits for cpu and memory, requests within limits). */
  public resources(field: string, value: ResourceSettings | undefined): void {
    for (const p of resourceProblems(value)) {
      const path = p.field ? `${field}.${p.field}` : field;
      this.add(path, `'${path}' ${p.message}`, p.value, `set ${field} to e.g. { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }`);
    }
  }

  /** Throw a `ConfigError` with every problem recorded so far. */
  public throwIfInvalid(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems, `invalid props for ${this.construct}`);
  }
}
