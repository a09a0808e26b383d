/**
 * Rendering a source revision with its own code: a temporary `git worktree` at the revision, the project's
 * `node_modules` linked into it, and that revision's synth command run with the local tsx (`node --import tsx`):
 * `tools/cli/synth.ts --outdir <tmp> --quiet [--platform <name>]`, or `main.ts --outdir <tmp> --quiet` for
 * revisions from before the platform kit, whose main.ts ran synth itself.
 * The working tree is rendered in place (no worktree). Worktrees are removed afterwards, also on errors. For the
 * head revision the diff also asks for its graph (`tools/cli/graph.ts --print json`, no drawing), when it has one.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from '../../constructs/lib/errors';
import { git, shortSha } from '../git';
import type { EnvironmentGraph } from '../graph/model';

/** A revision to render: a git ref, or `undefined` for the current working tree. */
export type RevisionSpec = string | undefined;

/** A rendered revision. */
export interface RenderedRevision {
  /** How it is shown: `` `main` (1a2b3c4) `` or `working tree`. */
  readonly label: string;
  /** The commit, for refs. */
  readonly sha?: string;
  /** The rendered tree (`<dir>/<env>/<app>/*.yaml`). */
  readonly dir: string;
  /**
   * The graphs of its directories (`graph --print json`), when asked for and the revision has the command.
   * @default - not drawn
   */
  readonly graphs?: readonly EnvironmentGraph[];
}

/** Where the project sits in its repository. */
export interface ProjectLocation {
  /** The project directory (main.ts, node_modules). */
  readonly projectDir: string;
  /** Repository top level. */
  readonly root: string;
  /** `projectDir` relative to `root` (`''` at the top level). */
  readonly subdir: string;
}

/** Locate the git repository of the project. */
export async function locateProject(projectDir: string): Promise<ProjectLocation> {
  const top = await git(['rev-parse', '--show-toplevel'], { cwd: projectDir, allowFailure: true });
  if (top.code !== 0) throw new PlatformError(`${projectDir} is not inside a git repository; the diff renders git revisions of the project`);
  const root = fs.realpathSync(top.stdout.trim());
  return { projectDir, root, subdir: path.relative(root, fs.realpathSync(projectDir)) };
}

/** Resolve a ref to a commit SHA, with an error that says what to do. */
export async function resolveRef(root: string, ref: string): Promise<string> {
  if (ref.startsWith('-')) throw new PlatformError(`'${ref}' is not a git revision`);
  const result = await git(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { cwd: root, allowFailure: true });
  if (result.code !== 0) {
    throw new PlatformError(`'${ref}' is not a commit in ${root}; pass a branch, tag or SHA (in CI fetch it first, e.g. git fetch origin main, and use origin/main)`);
  }
  return result.stdout.trim();
}

function run(command: string, args: readonly string[], cwd: string, withStderr = true): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    const errors: Buffer[] = withStderr ? chunks : [];
    child.stderr.on('data', (c: Buffer) => errors.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output: Buffer.concat(code === 0 || withStderr ? chunks : [...chunks, ...errors]).toString('utf8') }));
  });
}

/** How to render the revision in `codeDir`: its synth command, with or without `--platform`. */
function synthArgs(codeDir: string, label: string, outdir: string, platform: string | undefined): string[] {
  const main = path.join(codeDir, 'main.ts');
  if (!fs.existsSync(main)) throw new PlatformError(`${label} has no main.ts in ${path.basename(codeDir)}; it predates the project or the project moved`);
  // Before the platform kit, main.ts ran synth itself and there was only the reference platform.
  if (fs.readFileSync(main, 'utf8').includes('synthCommand(')) {
    if (platform !== undefined && platform !== 'reference') throw new PlatformError(`${label} predates --platform: it renders only the reference platform`);
    return ['main.ts', '--outdir', outdir, '--quiet'];
  }
  return ['tools/cli/synth.ts', '--outdir', outdir, '--quiet', ...(platform !== undefined ? ['--platform', platform] : [])];
}

async function synth(projectDir: string, codeDir: string, outdir: string, label: string, platform: string | undefined): Promise<void> {
  const tsx = path.join(projectDir, 'node_modules', 'tsx');
  if (!fs.existsSync(tsx)) throw new PlatformError(`${tsx} not found; run npm ci first`);
  // One node process with tsx's loader, as the package scripts run it (the tsx CLI would start a second one).
  const result = await run(process.execPath, ['--import', 'tsx', ...synthArgs(codeDir, label, outdir, platform)], codeDir);
  if (result.code !== 0) {
    throw new PlatformError(`rendering ${label} failed (exit ${result.code}):\n${result.output.trim().split('\n').map((l) => `  ${l}`).join('\n')}`);
  }
}

/** The graphs of the revision in `codeDir` (its own `graph --print json`), or `undefined` before the command existed. */
async function graphs(codeDir: string, label: string, platform: string | undefined): Promise<EnvironmentGraph[] | undefined> {
  if (!fs.existsSync(path.join(codeDir, 'tools', 'cli', 'graph.ts'))) return undefined;
  const args = ['--import', 'tsx', 'tools/cli/graph.ts', '--print', 'json', ...(platform !== undefined ? ['--platform', platform] : [])];
  const result = await run(process.execPath, args, codeDir, false);
  if (result.code !== 0) throw new PlatformError(`drawing the graph of ${label} failed (exit ${result.code}):\n${result.output.trim().split('\n').map((l) => `  ${l}`).join('\n')}`);
  return JSON.parse(result.output) as EnvironmentGraph[];
}

/**
 * Render each revision into `<tmp>/<n>/dist` (concurrently). Worktrees are created one after another (git
 * locks its worktree list), rendered in parallel, and always removed.
 */
export async function renderRevisions(location: ProjectLocation, revisions: readonly RevisionSpec[], tmp: string, platform?: string, graphOfLast = false): Promise<RenderedRevision[]> {
  const worktrees: string[] = [];
  try {
    const jobs: { label: string; sha?: string; codeDir: string; outdir: string }[] = [];
    for (const [i, revision] of revisions.entries()) {
      const outdir = path.join(tmp, `${i}`, 'dist');
      fs.mkdirSync(path.dirname(outdir), { recursive: true });
      if (revision === undefined) {
        jobs.push({ label: 'working tree', codeDir: location.projectDir, outdir });
        continue;
      }
      const sha = await resolveRef(location.root, revision);
      // A unique base name: git names the worktree's admin directory after it, and diffs may run concurrently.
      const worktree = path.join(tmp, `${i}`, `${path.basename(tmp)}-${i}`);
      await git(['worktree', 'add', '--detach', '-q', worktree, sha], { cwd: location.root });
      worktrees.push(worktree);
      const codeDir = path.join(worktree, location.subdir);
      const modules = path.join(codeDir, 'node_modules');
      if (!fs.existsSync(modules)) fs.symlinkSync(path.join(location.projectDir, 'node_modules'), modules, 'dir');
      jobs.push({ label: `\`${revision}\` (${shortSha(sha)})`, sha, codeDir, outdir });
    }
    const last = jobs[jobs.length - 1];
    const [drawn] = await Promise.all([
      graphOfLast && last !== undefined ? graphs(last.codeDir, last.label, platform) : undefined,
      ...jobs.map((job) => synth(location.projectDir, job.codeDir, job.outdir, job.label, platform)),
    ]);
    return jobs.map((job) => ({ label: job.label, ...(job.sha ? { sha: job.sha } : {}), dir: job.outdir, ...(job === last && drawn !== undefined ? { graphs: drawn } : {}) }));
  } finally {
    for (const worktree of worktrees) {
      await git(['worktree', 'remove', '--force', worktree], { cwd: location.root, allowFailure: true });
    }
    if (worktrees.length > 0) await git(['worktree', 'prune'], { cwd: location.root, allowFailure: true });
  }
}
