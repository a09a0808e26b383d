/**
 * Rendered diffs for pull requests: two source revisions (each rendered with its own code), or two
 * environments of one revision. See ./compare.ts (matching and noise), ./risks.ts (what is flagged) and
 * ./markdown.ts (the output).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PlatformError } from '../../constructs/lib/errors';
import { compareEnvironments, compareTrees, EnvironmentObjectDiff, ObjectChange } from './compare';
import { environmentDiffMarkdown, revisionDiffMarkdown } from './markdown';
import { locateProject, RenderedRevision, renderRevisions } from './render';
import { findRisks, Risk } from './risks';
import { readRenderedTree, treeEnvironments } from './tree';

export * from './compare';
export * from './risks';
export * from './tree';

/** What the diff knows about environments (from the project's configuration, when it loads). */
export interface EnvironmentFacts {
  /** Environments in promotion order. */
  readonly order: readonly string[];
  /** True for production-stage environments (replica drops are flagged there). */
  readonly isProduction: (env: string) => boolean;
}

/**
 * Environment facts from the working tree's `environments/` (stage per environment). When the configuration
 * does not load (the diff must still work then), an environment counts as production when its name starts
 * with `prod`.
 */
export async function loadEnvironmentFacts(load: () => Promise<{ readonly environments: readonly { readonly name: string; readonly stage: string }[] }>): Promise<EnvironmentFacts> {
  const byName = /^prod/;
  try {
    const { environments } = await load();
    const stages = new Map(environments.map((e) => [e.name, e.stage]));
    return {
      order: environments.map((e) => e.name),
      isProduction: (env) => (stages.has(env) ? stages.get(env) === 'production' : byName.test(env)),
    };
  } catch {
    return { order: [], isProduction: (env) => byName.test(env) };
  }
}

/** Common options. */
export interface DiffOptions {
  /** The project directory (main.ts). */
  readonly projectDir: string;
  /**
   * The platform in examples/<name>/ to render.
   * @default - the reference platform
   */
  readonly platform?: string;
  readonly facts: EnvironmentFacts;
  /** Context lines in diffs. @default 3 */
  readonly context?: number;
  /** Size budget of the Markdown. @default 60000 */
  readonly maxChars?: number;
  /** Progress output. @default - silent */
  readonly log?: (line: string) => void;
}

/** Result of a revision diff. */
export interface RevisionDiff {
  readonly markdown: string;
  readonly changes: readonly ObjectChange[];
  readonly risks: readonly Risk[];
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-diff-'));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Diff the rendered output of `base` and `head` (`undefined`: the working tree). */
export async function diffRevisions(base: string, head: string | undefined, options: DiffOptions): Promise<RevisionDiff> {
  const log = options.log ?? ((): void => undefined);
  const location = await locateProject(options.projectDir);
  return withTempDir(async (tmp) => {
    log(`rendering ${base} and ${head ?? 'the working tree'}`);
    const [before, after] = await renderRevisions(location, [base, head], tmp, options.platform, true) as [RenderedRevision, RenderedRevision];
    const changes = compareTrees(readRenderedTree(before.dir), readRenderedTree(after.dir), { context: options.context });
    const risks = findRisks(changes, options.facts.isProduction);
    log(`${changes.length} objects differ, ${risks.length} risky`);
    const markdown = revisionDiffMarkdown(`${before.label} -> ${after.label}`, changes, risks, { maxChars: options.maxChars, environmentOrder: options.facts.order, graphs: after.graphs });
    return { markdown, changes, risks };
  });
}

/** Result of an environment comparison. */
export interface EnvironmentDiff {
  readonly markdown: string;
  readonly diffs: readonly EnvironmentObjectDiff[];
}

/** Compare environments `left` and `right` of `revision` (`undefined`: the working tree). */
export async function diffEnvironments(left: string, right: string, revision: string | undefined, options: DiffOptions): Promise<EnvironmentDiff> {
  const log = options.log ?? ((): void => undefined);
  const location = await locateProject(options.projectDir);
  return withTempDir(async (tmp) => {
    log(`rendering ${revision ?? 'the working tree'}`);
    const [rendered] = await renderRevisions(location, [revision], tmp, options.platform) as [{ label: string; dir: string }];
    const available = treeEnvironments(rendered.dir);
    for (const env of [left, right]) {
      if (!available.includes(env)) throw new PlatformError(`environment '${env}' is not rendered by ${rendered.label}; choose from ${available.join(', ')}`);
    }
    const diffs = compareEnvironments(readRenderedTree(rendered.dir, [left, right]), left, right, { context: options.context });
    const markdown = environmentDiffMarkdown(left, right, rendered.label, diffs, { maxChars: options.maxChars });
    return { markdown, diffs };
  });
}
