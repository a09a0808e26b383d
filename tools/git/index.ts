/**
 * Small, typed wrappers around the `git` command line, shared by `publish:rendered` and `diff`.
 *
 * We run the real `git` (not a library) so that every transport, credential helper and configuration a CI
 * runner has set up keeps working. Commands never prompt (`GIT_TERMINAL_PROMPT=0`) and run with `LC_ALL=C`
 * so that their messages are stable.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from '../../constructs/lib/errors';

/** Output of one git command. */
export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code (`-1` when the process could not be started). */
  readonly code: number;
}

/** Options of `git()`. */
export interface GitOptions {
  /** Working directory (the repository). */
  readonly cwd: string;
  /** Extra environment variables. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Return failures instead of throwing. @default false */
  readonly allowFailure?: boolean;
}

/** A git command failed. The message holds the command, the directory and git's own explanation. */
export class GitError extends PlatformError {
  public constructor(
    public readonly args: readonly string[],
    public readonly cwd: string,
    public readonly result: GitResult,
    hint?: string,
  ) {
    const detail = redactSecrets(result.stderr.trim() || result.stdout.trim() || '(no output)').split('\n').map((l) => `  ${l}`).join('\n');
    super(`git ${args.map(redactSecrets).join(' ')} failed (exit ${result.code}) in ${cwd}:\n${detail}${hint ? `\n${hint}` : ''}`);
  }
}

/** Run `git <args>` in `options.cwd`. Throws a `GitError` on a non-zero exit unless `allowFailure`. */
export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT'
        ? new PlatformError('git is not installed or not on PATH; install git 2.28 or newer')
        : error);
    });
    child.on('close', (code) => {
      const result: GitResult = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: code ?? -1 };
      if (result.code !== 0 && !options.allowFailure) reject(new GitError(args, options.cwd, result));
      else resolve(result);
    });
  });
}

/** Run git and return its stdout without the trailing newline. */
export async function gitOutput(args: readonly string[], options: GitOptions): Promise<string> {
  return (await git(args, options)).stdout.replace(/\n$/, '');
}

/** True when `ancestor` is an ancestor of (or equal to) `descendant`. Both must exist in `repo`. */
export async function isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
  const args = ['merge-base', '--is-ancestor', ancestor, descendant];
  const result = await git(args, { cwd: repo, allowFailure: true });
  if (result.code === 0) return true;
  if (result.code === 1) return false;
  throw new GitError(args, repo, result);
}

/** True when `sha` names a commit present in `repo`'s object store. */
export async function commitExists(repo: string, sha: string): Promise<boolean> {
  return (await git(['cat-file', '-e', `${sha}^{commit}`], { cwd: repo, allowFailure: true })).code === 0;
}

/** True when `repo` is a shallow clone (its history stops at a boundary). */
export async function isShallow(repo: string): Promise<boolean> {
  return (await gitOutput(['rev-parse', '--is-shallow-repository'], { cwd: repo })) === 'true';
}

/**
 * The boundary commits of a shallow repository (`.git/shallow`): present, but their parents were not fetched,
 * so `git rev-list` shows them as if they had none. Empty when `repo` has its full history.
 */
export async function shallowCommits(repo: string): Promise<Set<string>> {
  const file = path.resolve(repo, await gitOutput(['rev-parse', '--git-path', 'shallow'], { cwd: repo }));
  if (!fs.existsSync(file)) return new Set();
  return new Set(fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== ''));
}

/** A remote's URL with any user name, password or token removed (`https://x:TOKEN@host/r` becomes `https://host/r`). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** `text` with the credentials of every URL in it removed (for error messages and logs). */
export function redactSecrets(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]*@/gi, '$1');
}

/** True when `value` looks like a git URL (`https://…`, `ssh://…`, `file://…` or scp-like `git@host:org/repo`). */
export function isGitUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[^/\s:]+@[^/\s:]+:/.test(value);
}

/**
 * Resolve a `--repo` argument: URLs are kept, an existing local path becomes absolute (commands run in a
 * temporary directory). Anything else is an error that says what was expected.
 */
export function resolveRepository(repo: string, cwd: string): string {
  if (isGitUrl(repo)) return repo;
  const absolute = path.resolve(cwd, repo);
  if (fs.existsSync(absolute)) return absolute;
  throw new PlatformError(`repository '${repo}' is neither a git URL nor an existing path (looked for ${absolute}); pass a URL such as https://github.com/org/platform-config.git or the path of a (bare) repository`);
}

/**
 * Environment variables that give commits an identity when git has none configured, so that a fresh CI
 * runner never fails with "Please tell me who you are". A configured `user.name`/`user.email` (or the
 * `GIT_AUTHOR_*`/`GIT_COMMITTER_*` variables) always wins.
 */
export async function fallbackIdentity(repo: string): Promise<Record<string, string>> {
  const configured = async (key: string): Promise<boolean> =>
    (await git(['config', '--get', key], { cwd: repo, allowFailure: true })).stdout.trim() !== '';
  const env: Record<string, string> = {};
  if (!process.env.GIT_AUTHOR_NAME && !process.env.GIT_COMMITTER_NAME && !(await configured('user.name'))) {
    env.GIT_AUTHOR_NAME = 'platform-synth';
    env.GIT_COMMITTER_NAME = 'platform-synth';
  }
  if (!process.env.GIT_AUTHOR_EMAIL && !process.env.GIT_COMMITTER_EMAIL && !process.env.EMAIL && !(await configured('user.email'))) {
    env.GIT_AUTHOR_EMAIL = 'platform-synth@localhost';
    env.GIT_COMMITTER_EMAIL = 'platform-synth@localhost';
  }
  return env;
}

/** The source revision a command works from: the commit checked out in the project's repository. */
export interface SourceRevision {
  /** Top level of the git repository. */
  readonly root: string;
  /** The project directory relative to `root` (`''` when the project is the repository root). */
  readonly subdir: string;
  /** Full SHA of `HEAD`. */
  readonly sha: string;
  /** Tracked files that differ from `HEAD` (`git status --porcelain` lines; untracked files are not listed). */
  readonly modified: readonly string[];
  /** `modified` is not empty. */
  readonly dirty: boolean;
  /** `Name <email>` of the author of `HEAD` (`git show -s --format='%an <%ae>'`). */
  readonly author: string;
  /** Author date of `HEAD`, RFC 3339 (`%aI`). */
  readonly date: string;
  /** Subject line of `HEAD`'s message (`%s`). */
  readonly subject: string;
  /** Body of `HEAD`'s message without the subject (`%b`), trimmed; `''` when there is none. */
  readonly body: string;
  /** The whole message of `HEAD` (`%B`), trimmed. */
  readonly message: string;
  /** The trailer block of `HEAD`'s message, unfolded (`%(trailers:only,unfold)`, as `git interpret-trailers --parse`). */
  readonly trailers: string;
  /** URL of the `origin` remote without credentials, or the repository path when there is no `origin`. */
  readonly repoURL: string;
}

/** Read the source revision of the git repository containing `projectDir`. */
export async function sourceRevision(projectDir: string): Promise<SourceRevision> {
  const inside = await git(['rev-parse', '--show-toplevel'], { cwd: projectDir, allowFailure: true });
  if (inside.code !== 0) {
    throw new PlatformError(`${projectDir} is not inside a git repository; run this command from a clone of the platform's source repository (its HEAD is the source commit recorded as drySha)`);
  }
  const root = fs.realpathSync(inside.stdout.trim());
  const subdir = path.relative(root, fs.realpathSync(projectDir)).split(path.sep).join('/');
  const head = await git(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: root, allowFailure: true });
  if (head.code !== 0) {
    throw new PlatformError(`the repository at ${root} has no commits yet; commit the source first (the published manifests record the source commit)`);
  }
  const sha = head.stdout.trim();
  const status = await gitOutput(['status', '--porcelain', '--untracked-files=no'], { cwd: root });
  const modified = status.split('\n').filter((l) => l.trim() !== '').map((l) => l.slice(3));
  const show = await gitOutput(['show', '-s', '--format=%an <%ae>%x00%aI%x00%s%x00%b%x00%B%x00%(trailers:only,unfold)', sha], { cwd: root });
  const [author = '', date = '', subject = '', body = '', message = '', trailers = ''] = show.split('\0');
  const origin = await git(['remote', 'get-url', 'origin'], { cwd: root, allowFailure: true });
  return {
    root,
    subdir,
    sha,
    modified,
    dirty: modified.length > 0,
    author,
    date,
    subject,
    body: body.trim(),
    message: message.trim(),
    trailers,
    repoURL: origin.code === 0 && origin.stdout.trim() ? redactUrl(origin.stdout.trim()) : root,
  };
}

/** The first 7 characters of a SHA (as `git log --oneline` and Argo CD show it). */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
