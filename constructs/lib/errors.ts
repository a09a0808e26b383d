/**
 * Errors meant for the user (not for a developer reading a stack trace).
 *
 * Every user-facing error names where the problem is (environment file, application, field), the value
 * received and the fix. The command-line tools print `format()` and exit non-zero; only errors that are not a
 * `PlatformError` are treated as bugs and printed with their stack (and only with `--verbose`).
 */
import { redactUrls } from './redact';

/** Where a problem sits in the user's input. */
export interface ProblemLocation {
  /** Environment name, e.g. `prod`. */
  readonly environment?: string;
  /** Source file of the environment, e.g. `environments/prod.ts`. */
  readonly file?: string;
  /** Application (one directory of `dist/<env>/`), e.g. `identity-service`. */
  readonly application?: string;
  /** Dotted path of the offending field, e.g. `apps.frontend.replicas`. */
  readonly field?: string;
}

/** One problem: where, what was wrong, the value received and how to fix it. */
export interface Problem extends ProblemLocation {
  /** What is wrong, e.g. `must be an integer >= 1`. */
  readonly message: string;
  /** The value received. */
  readonly value?: unknown;
  /** What to do about it. */
  readonly fix: string;
}

/** Base class of all errors whose message is meant for the user. */
export class PlatformError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  /** The text the CLI prints. */
  public format(): string {
    return this.message;
  }
}

/** Render a received value compactly for an error message. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(redactUrls(value));
  if (typeof value === 'function') return 'a function';
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return String(value);
    const text = redactUrls(json);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}

/** `environments/prod.ts (environment 'prod'), application 'frontend', field 'apps.frontend.replicas'` */
export function formatLocation(location: ProblemLocation): string {
  const parts: string[] = [];
  if (location.file) {
    parts.push(location.environment ? `${location.file} (environment '${location.environment}')` : location.file);
  } else if (location.environment) {
    parts.push(`environment '${location.environment}'`);
  }
  if (location.application) parts.push(`application '${location.application}'`);
  if (location.field) parts.push(`field '${location.field}'`);
  return parts.join(', ');
}

/** One line per problem: location, message, value received, fix. */
export function formatProblem(problem: Problem): string {
  const where = formatLocation(problem);
  const received = 'value' in problem ? ` (got ${formatValue(problem.value)})` : '';
  return `${where ? `${where}: ` : ''}${problem.message}${received}. Fix: ${problem.fix}`;
}

/** One or more problems in the user's input (environment files, construct props). */
export class ConfigError extends PlatformError {
  public readonly problems: readonly Problem[];

  public constructor(problems: readonly Problem[], heading?: string) {
    const count = problems.length;
    const title = heading ?? `${count} configuration problem${count === 1 ? '' : 's'}`;
    super(`${title}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.problems = problems;
  }
}
