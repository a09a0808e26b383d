/**
 * Fixtures for tests that run the real commands against real git repositories: a copy of this project committed
 * to a temporary source repository (node_modules linked), bare remotes, and a runner for TypeScript scripts.
 *
 * Every spawned git and node process runs with the machine's git configuration switched off
 * (GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM=1): no user.name/user.email, no signing, no hooks path.
 * Test commits get a fixed identity and date through the GIT_AUTHOR_ and GIT_COMMITTER_ variables.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** This project. */
export const ROOT = path.resolve(__dirname, '../..');
/** Node's arguments that run a TypeScript file from its sources (`node --import tsx <file>`). */
export const NODE_TSX: readonly string[] = ['--import', 'tsx'];
/** Node's arguments that run a command the way the package scripts do (`node tools/cli/start.cjs <file>`: the start-up bundle). */
export const START: readonly string[] = ['tools/cli/start.cjs'];
/** What a fresh clone of the source repository holds (plus node_modules, linked). */
export const PROJECT_ENTRIES: readonly string[] = ['main.ts', 'package.json', 'tsconfig.json', 'cdk8s.yaml', 'constructs', 'charts', 'environments', 'examples', 'imports', 'tools']
  .filter((entry) => fs.existsSync(path.join(ROOT, entry)));

/** The fixed identity and date of test commits. */
export const AUTHOR = { name: 'Test Author', email: 'author@example.com', date: '2025-01-02T03:04:05+00:00' } as const;

const created: string[] = [];

/** A new temporary directory, removed by `removeTempDirs()`. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `platform-synth-test-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Remove every directory `tempDir` created (call in afterAll). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The process environment without any git identity or configuration of this machine. */
export function isolatedEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_') && key !== 'EMAIL') env[key] = value;
  }
  return { ...env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1', ...extra };
}

/** Environment for test commits: fixed author, committer and date. */
export function authorEnv(): Readonly<Record<string, string>> {
  return {
    GIT_AUTHOR_NAME: AUTHOR.name, GIT_AUTHOR_EMAIL: AUTHOR.email, GIT_AUTHOR_DATE: AUTHOR.date,
    GIT_COMMITTER_NAME: AUTHOR.name, GIT_COMMITTER_EMAIL: AUTHOR.email, GIT_COMMITTER_DATE: AUTHOR.date,
  };
}

/** Run git synchronously in `cwd` (isolated configuration, test identity); returns trimmed stdout. */
export function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', [...args], { cwd, env: isolatedEnv(authorEnv()), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Commit every change in `repo`; returns the new commit's SHA. */
export function commitAll(repo: string, subject: string, body?: string): string {
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', subject, ...(body ? ['-m', body] : [])]);
  return git(repo, ['rev-parse', 'HEAD']);
}

/** Replace `search` in a project file; fails loudly when the text is not there (the fixture drifted). */
export function editFile(dir: string, file: string, search: string, replacement: string): void {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, 'utf8');
  if (!text.includes(search)) throw new Error(`fixture: ${file} does not contain ${JSON.stringify(search)}`);
  fs.writeFileSync(full, text.replace(search, replacement));
}

/** Link the project's node_modules into a copy or clone. */
export function linkNodeModules(dir: string): void {
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

/** A copy of the project's source (no git), node_modules linked. */
export function copyProject(prefix = 'project'): string {
  const dir = tempDir(prefix);
  for (const entry of PROJECT_ENTRIES) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ndist\n.dist\n');
  linkNodeModules(dir);
  return dir;
}

/** A git repository (branch `main`) holding a copy of the project in one commit "Initial source". */
export function createSourceRepo(): { dir: string; sha: string } {
  const dir = copyProject('source');
  git(dir, ['init', '-q', '-b', 'main']);
  const sha = commitAll(dir, 'Initial source', 'The whole platform in one commit.');
  return { dir, sha };
}

/** An empty bare repository (a stand-in for the remote holding the rendered branch). */
export function createBareRepo(prefix = 'remote'): string {
  const dir = path.join(tempDir(prefix), 'repo.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir], { env: isolatedEnv() });
  return dir;
}

/** Result of a spawned command. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `file args` in `cwd`. Never rejects: the exit code is part of the result. */
export function runCommand(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = isolatedEnv()): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, [...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Run `node --import tsx <script> <args>` in `cwd` (a project copy), the way the package scripts do. Never
 * rejects: the exit code is part of the result.
 */
export function runTsx(cwd: string, script: string, args: readonly string[], env: NodeJS.ProcessEnv = isolatedEnv()): Promise<RunResult> {
  return runCommand(process.execPath, [...NODE_TSX, script, ...args], cwd, env);
}

/** Files of a branch in a (bare) repository, sorted. */
export function branchFiles(repo: string, branch: string): string[] {
  return git(repo, ['ls-tree', '-r', '--name-only', branch]).split('\n').filter((l) => l !== '').sort();
}

/** Content of `file` on `branch`. */
export function showFile(repo: string, branch: string, file: string): string {
  return execFileSync('git', ['show', `${branch}:${file}`], { cwd: repo, env: isolatedEnv(), encoding: 'utf8' });
}

/** Every file under `dir` (recursively) with its content, keyed by POSIX path relative to `dir`. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (current: string, prefix: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full, rel);
      else out.set(rel, fs.readFileSync(full, 'utf8'));
    }
  };
  walk(fs.realpathSync(dir), '');
  return out;
}

/** The `.ts` files under `dir`, recursively (none when it does not exist). */
export function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? tsFiles(full) : d.name.endsWith('.ts') ? [full] : [];
  });
}
