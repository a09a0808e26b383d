/**
 * Environment branches for GitOps Promoter (`gitops.layout: 'promoter'`): the real command, run in a source
 * repository whose environments use the layout, publishing to a real bare repository. It drives the contract
 * Promoter reads (argoproj-labs/gitops-promoter v0.36.0): one proposed branch `<env branch>-next` per
 * environment with its own root `hydrator.metadata` (a full hex `drySha`), the `refs/notes/hydrator.metadata`
 * note on its head (a newer `drySha` there than in the metadata means "hydrated, no change": a no-op), an active
 * branch sharing its history, and Applications whose `targetRevision` is the active branch.
 */
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  branchFiles, commitAll, createBareRepo, createSourceRepo, editFile, git, removeTempDirs, RunResult, runTsx, showFile, tempDir,
} from '../support/project';
import { noteOn } from '../support/publish';

const ENVS = ['dev', 'staging', 'prod'] as const;

let source: string;
let remote: string;
let c0: string;
let first: RunResult;

function publish(args: readonly string[] = []): Promise<RunResult> {
  return runTsx(source, 'tools/cli/publish.ts', ['--repo', remote, ...args]);
}

function metadata(branch: string, file = 'hydrator.metadata'): Record<string, unknown> {
  return JSON.parse(showFile(remote, branch, file)) as Record<string, unknown>;
}

beforeAll(async () => {
  ({ dir: source } = createSourceRepo());
  editFile(source, 'environments/base.ts', "branch: 'rendered',", "branch: 'environment',\n    layout: 'promoter',");
  c0 = commitAll(source, 'Promote environments with GitOps Promoter');
  remote = createBareRepo('promoter');
  first = await publish();
}, 120000);

afterAll(removeTempDirs);

test('the first publish creates an active and a proposed branch per environment, sharing history', () => {
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const branches = git(remote, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']).split('\n').sort();
  expect(branches).toEqual(ENVS.flatMap((e) => [`environment/${e}`, `environment/${e}-next`]).sort());
  for (const env of ENVS) {
    // The active branch: one empty commit (what Argo CD's commit server creates), which only Promoter changes
    const active = `environment/${env}`;
    expect(git(remote, ['log', '--format=%s', active])).toBe(`Initial commit for ${active}`);
    expect(branchFiles(remote, active)).toEqual([]);
    // The proposed branch starts from it, so Promoter's pull request merges it
    expect(git(remote, ['rev-parse', `environment/${env}-next~1`])).toBe(git(remote, ['rev-parse', active]));
  }
});

test('each proposed branch holds its environment only, with its own root metadata and note', () => {
  for (const env of ENVS) {
    const branch = `environment/${env}-next`;
    const files = branchFiles(remote, branch);
    const roots = new Set(files.map((f) => f.split('/')[0]));
    expect([...roots].sort()).toEqual(['.gitattributes', env, 'hydrator.metadata'].sort());
    expect(files).toContain(`${env}/frontend/.platform-synth`);
    // The fields Promoter reads (GetShaMetadataFromFile): a 40-hex drySha, author, date, subject
    const root = metadata(branch);
    expect(root).toMatchObject({ drySha: c0, subject: 'Promote environments with GitOps Promoter', author: 'Test Author <author@example.com>', date: '2025-01-02T03:04:05+00:00' });
    expect(root.drySha).toMatch(/^[0-9a-f]{40}$/);
    expect(noteOn(remote, branch)).toBe(c0);
  }
});

test("the environment's Applications read its active branch, which Promoter groups them by", () => {
  for (const env of ENVS) {
    const branch = `environment/${env}-next`;
    const applications = branchFiles(remote, branch).filter((f) => f.startsWith(`${env}/argocd/Application.`));
    expect(applications.length).toBeGreaterThan(3);
    for (const file of applications) {
      const app = parse(showFile(remote, branch, file)) as { spec: { source: { repoURL: string; targetRevision: string; chart?: string } } };
      if (app.spec.source.chart !== undefined) continue; // operator charts read their chart repository at a version
      expect(app.spec.source.targetRevision).toBe(`environment/${env}`);
    }
    // The bootstrap files sit in the root's directory, and say which branch to clone
    expect(showFile(remote, branch, `${env}/argocd/bootstrap/README.md`)).toContain(`git clone --branch environment/${env} --depth 1`);
  }
});

test('a source that changes one environment commits there; the others record it in a note only (a no-op)', async () => {
  // GIVEN prod's frontend moves, nothing else
  const before = Object.fromEntries(ENVS.map((e) => [e, git(remote, ['rev-parse', `environment/${e}-next`])]));
  editFile(source, 'environments/prod.ts', "'frontend': { tag: 'v1.0.1' }", "'frontend': { tag: 'v1.0.3' }");
  const c1 = commitAll(source, 'Release frontend v1.0.3 to prod');

  // WHEN
  const result = await publish();

  // THEN prod's proposed branch has a new commit recording c1
  expect(result.code).toBe(0);
  expect(git(remote, ['rev-parse', 'environment/prod-next~1'])).toBe(before.prod);
  expect(metadata('environment/prod-next')).toMatchObject({ drySha: c1 });
  expect(noteOn(remote, 'environment/prod-next')).toBe(c1);
  // ... and dev and staging have no new commit: their metadata keeps c0, their note says c1 was hydrated
  for (const env of ['dev', 'staging'] as const) {
    const branch = `environment/${env}-next`;
    expect(git(remote, ['rev-parse', branch])).toBe(before[env]);
    expect(metadata(branch)).toMatchObject({ drySha: c0 });
    expect(noteOn(remote, branch)).toBe(c1);
  }
});

test('after Promoter merged a proposed branch, the next publish builds on the proposed branch, not the active one', async () => {
  // GIVEN Promoter merged dev's proposed branch into the active one (a merge commit, as a pull request does)
  const clone = path.join(tempDir('promoter-merge'), 'c');
  git(remote, ['clone', '-q', '-b', 'environment/dev', remote, clone]);
  git(clone, ['merge', '-q', '--no-ff', '-m', 'Promote dev', 'origin/environment/dev-next']);
  git(clone, ['push', '-q', 'origin', 'environment/dev']);
  expect(metadata('environment/dev')).toMatchObject({ drySha: c0 });
  const proposed = git(remote, ['rev-parse', 'environment/dev-next']);
  // AND a source change for dev
  editFile(source, 'environments/dev.ts', "'frontend': { tag: 'v1.0.1' }", "'frontend': { tag: 'v1.0.2' }");
  const c2 = commitAll(source, 'Release frontend v1.0.2 to dev');

  // WHEN only dev is published
  const result = await publish(['--env', 'dev']);

  // THEN dev's proposed branch moves on from its own head; the other environments' branches are not touched
  expect(result.code).toBe(0);
  expect(git(remote, ['rev-parse', 'environment/dev-next~1'])).toBe(proposed);
  expect(metadata('environment/dev-next')).toMatchObject({ drySha: c2 });
  expect(noteOn(remote, 'environment/prod-next')).not.toBe(c2);
  expect(result.stdout).not.toContain("'environment/prod-next'");
});

test('uncommitted changes are refused for environment branches, even with --allow-dirty', async () => {
  editFile(source, 'environments/dev.ts', "'frontend': { tag: 'v1.0.2' }", "'frontend': { tag: 'v1.0.9' }");
  const before = git(remote, ['rev-parse', 'environment/dev-next']);
  const result = await publish(['--allow-dirty']);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("--allow-dirty cannot publish to 'environment/dev-next', 'environment/staging-next', 'environment/prod-next': an environment branch records a full commit SHA");
  expect(git(remote, ['rev-parse', 'environment/dev-next'])).toBe(before);
  git(source, ['checkout', '--', 'environments/dev.ts']);
});

test('--branch cannot name one branch for several environment branches; an unknown --env is a usage error', async () => {
  const [several, unknown] = await Promise.all([publish(['--branch', 'rendered']), publish(['--env', 'qa'])]);
  expect(several.code).toBe(2);
  expect(several.stderr).toContain('--branch names one branch, but the selected environments go to 3 branches (environment/dev-next: dev; environment/staging-next: staging; environment/prod-next: prod)');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("--env 'qa' is not an environment (environments: dev, staging, prod)");
});
