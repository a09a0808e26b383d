/**
 * Eager validation: problems are collected and thrown together, each naming where it is (environment file,
 * application, field), what is wrong, the value received and the fix.
 *
 * `ProblemCollector` holds the checks; `PropsValidator` locates problems in construct props (through the
 * construct's application), and the environment boundary (environments/validate.ts) locates them in
 * environment files.
 */
import { IConstruct } from 'constructs';
import { applicationOf, contextOf, optionsPathOf } from './context';
import { ConfigError, Problem, ProblemLocation } from './errors';
import { dnsLabelProblem } from './names';
import { joinField, optionKeys, optionProblems, pickOptions, z } from './options';
import { closest } from './suggest';
import { checkQuantity, resourceProblems } from './resources';
import { literalSecretProblem, SECRET_FIX } from './secrets';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Collects problems; subclasses say where a field is and how a field is named in messages. */
export abstract class ProblemCollector {
  protected readonly problems: Problem[] = [];

  /** Where `field` is (file, environment, application). */
  protected abstract locate(field: string): ProblemLocation;

  /** How messages refer to `field` (`'replicas' ` for props; nothing where the location already names it). */
  protected abstract label(field: string): string;

  /** Decorate a message (e.g. with the construct it concerns). */
  protected describe(message: string): string {
    return message;
  }

  /** Problems recorded so far. */
  public get count(): number {
    return this.problems.length;
  }

  /** Record a problem with `field`. */
  public add(field: string, message: string, value: unknown, fix: string): void {
    const where = this.locate(field);
    this.problems.push({ ...where, field: where.field ?? field, message: this.describe(message), value, fix });
  }

  /**
   * Check a construct's props: its options against `schema`, and every other key against `wiring` (the props
   * that are not options: construct references, images, storage). An unknown key is refused with the closest
   * known name: `tsx` does not type-check, and a typo would otherwise be ignored.
   */
  public props(schema: z.ZodType, props: object, wiring: readonly string[], what: string): void {
    this.options('', schema, pickOptions(schema, props), what);
    this.unknownKeys(props, [...optionKeys(schema), ...wiring], what);
  }

  /** Refuse every key of `props` that is not one of `known`, with the closest known name. */
  public unknownKeys(props: object, known: readonly string[], what: string): void {
    for (const key of Object.keys(props)) {
      if (known.includes(key) || (props as Record<string, unknown>)[key] === undefined) continue;
      const similar = closest(key, known);
      this.add(key, `${this.label(key)}is not a setting of ${what} (a typo would otherwise be silently ignored)`, (props as Record<string, unknown>)[key],
        `${similar !== undefined ? `rename it to '${similar}'` : 'remove it'}; allowed here: ${known.join(', ')}`);
    }
  }

  /**
   * Check `value` against an options schema (constructs/lib/options.ts): every problem is recorded, its field
   * prefixed with `field` (`''` for the construct's own options).
   */
  public options(field: string, schema: z.ZodType, value: unknown, what?: string): void {
    for (const p of optionProblems(schema, value, what)) this.add(joinField(field, p.field), `${this.label(joinField(field, p.field))}${p.message}`, p.value, p.fix);
  }

  /** Record a problem unless `ok`. */
  public check(ok: boolean, field: string, message: string, value: unknown, fix: string): void {
    if (!ok) this.add(field, message, value, fix);
  }

  /** One of `allowed`. */
  public oneOf<T>(field: string, value: unknown, allowed: readonly T[]): void {
    this.check(allowed.includes(value as T), field, `${this.label(field)}must be one of ${allowed.map((a) => `'${String(a)}'`).join(', ')}`, value, `set ${field} to one of the allowed values`);
  }

  /** An integer in [min, max]. */
  public integer(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER, fix?: string): void {
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    this.check(ok, field, `${this.label(field)}must be an integer ${range}`, value, fix ?? `set ${field} to an integer ${range}`);
  }

  /** A TCP port. */
  public port(field: string, value: unknown): void {
    this.integer(field, value, 1, 65535, `set ${field} to a port between 1 and 65535`);
  }

  /** A DNS-1123 label (object names). */
  public dnsLabel(field: string, value: unknown, example = 'identity-service'): void {
    const problem = dnsLabelProblem(value);
    if (problem) this.add(field, `${this.label(field)}${problem}`, value, `use a short lower-case name such as '${example}'`);
  }

  /** A positive quantity. */
  public quantity(field: string, value: unknown, what: 'cpu' | 'memory' | 'storage'): void {
    const issue = checkQuantity(value, what);
    if (issue) this.add(field, `${this.label(field)}${issue.message}`, value, issue.fix);
  }

  /** A complete resources block (requests and limits for cpu and memory, requests within limits). */
  public resources(field: string, value: unknown): void {
    for (const p of resourceProblems(value)) {
      const path = p.field ? `${field}.${p.field}` : field;
      this.add(path, `${this.label(path)}${p.message}`, p.value, p.fix ?? `set ${field} to e.g. { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }`);
    }
  }

  /**
   * Literal environment variables: valid names, string values, no secret material, none of the names the
   * construct sets itself (`reserved`).
   */
  public envVars(field: string, env: unknown, reserved?: RegExp): void {
    if (env === undefined) return;
    if (env === null || typeof env !== 'object' || Array.isArray(env)) {
      this.add(field, `${this.label(field)}must be an object of NAME: "value" pairs`, env, `write ${field} as { LOG_LEVEL: 'info' }`);
      return;
    }
    for (const [name, value] of Object.entries(env)) {
      const path = `${field}.${name}`;
      if (!ENV_NAME.test(name)) {
        this.add(path, `'${name}' is not a valid environment variable name`, name, 'use letters, digits and _ (not starting with a digit)');
      } else if (reserved?.test(name)) {
        this.add(path, `'${name}' is set by the construct from typed references`, name, `remove it; configure the ${name.split('_')[0]?.toLowerCase()} settings instead`);
      } else if (typeof value !== 'string') {
        this.add(path, `'${name}' must be a string (Kubernetes env values are strings)`, value, `quote the value: ${name}: '${String(value)}'`);
      } else {
        const secret = literalSecretProblem(name, value);
        if (secret) this.add(path, `${secret}; secret values must never be written to git`, '<redacted>', SECRET_FIX);
      }
    }
  }

  /** Throw a `ConfigError` with every problem recorded so far. */
  public throwIfInvalid(heading?: string): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems, heading);
  }
}

/** Collects prop problems of one construct instance, located through its application. */
export class PropsValidator extends ProblemCollector {
  /**
   * @param scope the construct's scope (used to find environment and application)
   * @param construct construct class name and id, e.g. `ServiceWithPostgres 'identity-service'`
   */
  public constructor(private readonly scope: IConstruct, private readonly construct: string) {
    super();
  }

  protected locate(field: string): ProblemLocation {
    const app = applicationOf(this.scope);
    if (app === undefined) return {};
    const path = optionsPathOf(this.scope);
    if (app.locate !== undefined && path !== undefined) return app.locate(joinField(path, field));
    const context = contextOf(this.scope);
    return { environment: context.environment, file: context.source, application: app.appName };
  }

  protected label(field: string): string {
    return `'${field}' `;
  }

  protected override describe(message: string): string {
    return `${this.construct}: ${message}`;
  }

  public override throwIfInvalid(): void {
    const files = [...new Set(this.problems.map((p) => p.file))];
    const file = files.length === 1 ? files[0] : undefined;
    super.throwIfInvalid(file !== undefined ? `${file}: invalid settings for ${this.construct}` : `invalid props for ${this.construct}`);
  }
}
