/**
 * `npm run publish:rendered`: the real command (`node --import tsx tools/cli/publish.ts`) run in temporary source
 * repositories (copies of this project), publishing to a real bare repository.
 *
 * The tests form one story on one rendered branch and run in order: first publish, no-op republish, an image
 * bump, a removed application, two racing publishers, an older publisher, a revert racing the change it
 * reverts, a diverged history, a dirty tree, a configuration error.
 * Files "someone else" committed to the branch must survive all of it.
 * (A second story, with people committing on top of recorded sources, is in records.test.ts: a file of its own
 * so the two stories run in parallel.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from '../../main';
import { outputFiles, renderEnvironments } from '../../tools/synth';
import {
  AUTHOR, branchFiles, commitAll, createBareRepo, createSourceRepo, editFile, git, linkNodeModules,
  removeTempDirs, RunResult, showFile, tempDir,
} from '../support/project';
import { BRANCH, moveBranchBeforeFirstPush, publishTo } from '../support/publish';

const MANAGED_ATTRIBUTES = '**/README.md linguist-generated=true\n**/hydrator.metadata linguist-generated=true\n';
const FOREIGN = { 'CODEOWNERS': '* @healthxcape/platform\n', 'docs/notes.md': '# Notes kept by people\n', 'staging/OWNERS': 'sre-team\n' };

let source: string;
let c0: string;
let remote: string;
let first: RunResult;
/** The rendered output of the initial source: path -> content, as `npm run synth` writes it. */
let rendered: Map<string, string>;

function publish(cwd: string, args: readonly string[] = [], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return publishTo(remote, cwd, args, env);
}

function head(): string {
  return git(remote, ['rev-parse', BRANCH]);
}

function json(file: string): Record<string, unknown> {
  return JSON.parse(showFile(remote, BRANCH, file)) as Record<string, unknown>;
}

/** Paths changed by the branch's last commit (`git diff --name-status`), as `M path` lines. */
function lastCommitChanges(): string[] {
  return git(remote, ['diff', '--name-status', `${BRANCH}~1`, BRANCH]).split('\n').map((l) => l.replace(/\t/, ' '));
}

/** Application directories (`<env>/<app>`) on the branch. */
function generatedDirs(): string[] {
  return [...new Set(branchFiles(remote, BRANCH).filter((f) => f.endsWith('/hydrator.metadata')).map((f) => path.dirname(f)))].sort();
}

beforeAll(async () => {
  ({ dir: source, sha: c0 } = createSourceRepo());
  remote = createBareRepo();
  // What `npm run synth` writes for the same source (rendered here, in process, while publish runs).
  const [result, envs] = await Promise.all([publish(source), renderEnvironments(build, 'dist')]);
  first = result;
  rendered = new Map(outputFiles(envs).map((f) => [f.path, f.content]));
}, 60000);

afterAll(removeTempDirs);

test('the first publish creates the branch with the Source Hydrator layout', () => {
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.stdout).toContain(`publish: branch '${BRANCH}' does not exist in ${remote} yet; creating it`);

  // Layout: every rendered file at <env>/<app>/<file>, the ownership marker, a README.md and hydrator.metadata
  // per directory, the bootstrap files and the picture in each root's directory, and at the root only hydrator.metadata and
  // .gitattributes.
  const dirs = [...new Set([...rendered.keys()].map((f) => path.dirname(f)))].sort();
  expect(dirs).toContain('dev/local-storage');
  const bootstrap = ['dev', 'staging', 'prod'].flatMap((e) => [`${e}/argocd/bootstrap/README.md`, `${e}/argocd/bootstrap/argocd-cm.health-check.patch`, `${e}/argocd/graph/applications.mmd`, `${e}/argocd/graph/applications.svg`]);
  const expected = [...rendered.keys(), ...dirs.flatMap((d) => [`${d}/.platform-synth`, `${d}/README.md`, `${d}/hydrator.metadata`]), ...bootstrap, '.gitattributes', 'hydrator.metadata'].sort();
  expect(branchFiles(remote, BRANCH)).toEqual(expected);
  for (const file of ['dev/frontend/Deployment.frontend.yaml', 'prod/blog-service/Cluster.blog-service-postgres.yaml', 'staging/argocd/Application.staging-kafka.yaml']) {
    expect(showFile(remote, BRANCH, file)).toBe(rendered.get(file));
  }

  // Root metadata: the source commit, as Argo CD records it (author "Name <email>", RFC 3339 date).
  const root = json('hydrator.metadata');
  expect(root).toEqual({
    repoURL: fs.realpathSync(source),
    drySha: c0,
    author: `${AUTHOR.name} <${AUTHOR.email}>`,
    date: AUTHOR.date,
    subject: 'Initial source',
    body: 'The whole platform in one commit.\n',
  });
  expect(Object.keys(root)).toEqual(['repoURL', 'drySha', 'author', 'date', 'subject', 'body']);

  // Per-path metadata: Argo CD's fields and formatting (2-space indent, trailing newline).
  for (const dir of dirs) {
    expect(showFile(remote, BRANCH, `${dir}/hydrator.metadata`)).toBe(`${JSON.stringify({ repoURL: fs.realpathSync(source), drySha: c0, commands: ['npm ci', 'npm run synth'] }, null, 2)}\n`);
  }
  const readme = showFile(remote, BRANCH, 'dev/frontend/README.md');
  expect(readme).toMatch(/^# Manifest Hydration\n/);
  expect(readme).toContain(`git clone ${fs.realpathSync(source)}\n# cd into the cloned directory\ngit checkout ${c0}\nnpm ci\nnpm run synth\n`);
  expect(readme).toContain('`dist/dev/frontend/`');
  // The picture of each environment (tools/graph) is embedded in the README of its Argo CD directory.
  expect(showFile(remote, BRANCH, 'prod/argocd/README.md')).toContain('![Applications, dependencies, sync waves and namespaces of prod](graph/applications.svg)');

  expect(showFile(remote, BRANCH, '.gitattributes')).toBe(MANAGED_ATTRIBUTES);
  // ... and git applies them: READMEs and metadata are "generated", manifests are not.
  const checkout = path.join(tempDir('checkout'), 'c');
  git(remote, ['clone', '-q', '-b', BRANCH, remote, checkout]);
  expect(git(checkout, ['check-attr', 'linguist-generated', '--', 'dev/frontend/README.md', 'hydrator.metadata', 'dev/frontend/Deployment.frontend.yaml']).split('\n')).toEqual([
    'dev/frontend/README.md: linguist-generated: true',
    'hydrator.metadata: linguist-generated: true',
    'dev/frontend/Deployment.frontend.yaml: linguist-generated: unspecified',
  ]);

  // One commit, its message starting with the short source SHA (Argo CD's default template).
  expect(git(remote, ['rev-list', '--count', BRANCH])).toBe('1');
  const message = git(remote, ['log', '-1', '--format=%B', BRANCH]);
  expect(message.startsWith(`${c0.slice(0, 7)}: Initial source\n\nThe whole platform in one commit.\n`)).toBe(true);
  expect(message).toContain(`Co-authored-by: ${AUTHOR.name} <${AUTHOR.email}>`);
  // No git identity is configured for the publisher: it falls back to a default instead of failing.
  expect(git(remote, ['log', '-1', '--format=%an <%ae>', BRANCH])).toBe('platform-synth <platform-synth@localhost>');
});

test('publishing the same source again makes no commit', async () => {
  const before = head();
  const result = await publish(source);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`publish: nothing to publish: the manifests on '${BRANCH}' are identical to this render`);
  expect(head()).toBe(before);
});

test("changing one service's image tag changes only that service's files in that environment", async () => {
  // GIVEN someone committed files of their own to the branch
  const people = path.join(tempDir('people'), 'clone');
  git(remote, ['clone', '-q', '-b', BRANCH, remote, people]);
  for (const [file, content] of Object.entries(FOREIGN)) {
    fs.mkdirSync(path.dirname(path.join(people, file)), { recursive: true });
    fs.writeFileSync(path.join(people, file), content);
  }
  commitAll(people, 'Add owners and notes');
  git(people, ['push', '-q', 'origin', BRANCH]);
  // AND the source bumps identity-service in staging only
  editFile(source, 'environments/staging.ts', "'identity-service': { tag: 'v1.0.0' }", "'identity-service': { tag: 'v1.0.2' }");
  const c1 = commitAll(source, 'Bump identity-service to v1.0.2 in staging');

  // WHEN
  const result = await publish(source);

  // THEN only staging/identity-service/ (and the root metadata) changed
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('publish: changed: staging/identity-service\n');
  expect(lastCommitChanges()).toEqual([
    'M hydrator.metadata',
    'M staging/identity-service/ConfigMap.identity-service-config.yaml',
    'M staging/identity-service/Deployment.identity-service.yaml',
    'M staging/identity-service/PodDisruptionBudget.identity-service.yaml',
    'M staging/identity-service/README.md',
    'M staging/identity-service/Service.identity-service.yaml',
    'M staging/identity-service/hydrator.metadata',
  ]);
  expect(showFile(remote, BRANCH, 'staging/identity-service/Deployment.identity-service.yaml')).toContain('image: healthxcape/identity-service:v1.0.2');
  expect(json('hydrator.metadata')).toMatchObject({ drySha: c1, subject: 'Bump identity-service to v1.0.2 in staging' });
  expect(json('staging/identity-service/hydrator.metadata')).toMatchObject({ drySha: c1 });
  // Unchanged paths keep the source commit that last changed them (as Argo CD does).
  expect(json('dev/identity-service/hydrator.metadata')).toMatchObject({ drySha: c0 });
  expect(git(remote, ['log', '-1', '--format=%s', BRANCH])).toBe(`${c1.slice(0, 7)}: Bump identity-service to v1.0.2 in staging`);
});

test('removing an application deletes its directory and nothing it does not own', async () => {
  // GIVEN dev moves to a dynamic provisioner: it no longer renders the local-storage application
  editFile(source, 'environments/dev.ts', "storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['ip-10-1-91-144'], root: '/mnt/data' },", "storage: { mode: 'dynamic', storageClassName: 'x' },");
  commitAll(source, 'Use dynamic volumes in dev');
  const before = branchFiles(remote, BRANCH);
  expect(before.filter((f) => f.startsWith('dev/local-storage/')).length).toBeGreaterThan(2);

  // WHEN
  const result = await publish(source);

  // THEN
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('publish: removed: dev/local-storage\n');
  const after = branchFiles(remote, BRANCH);
  expect(after.filter((f) => f.startsWith('dev/local-storage/'))).toEqual([]);
  expect(after).not.toContain('dev/argocd/Application.dev-local-storage.yaml');
  expect(after).toContain('prod/local-storage/hydrator.metadata');
  const deleted = lastCommitChanges().filter((l) => l.startsWith('D ')).map((l) => l.slice(2));
  expect(deleted).toEqual([...before.filter((f) => f.startsWith('dev/local-storage/')), 'dev/argocd/Application.dev-local-storage.yaml'].sort());
  for (const [file, content] of Object.entries(FOREIGN)) expect(showFile(remote, BRANCH, file)).toBe(content);
});

describe('concurrent publishers', () => {
  let older: string;
  let newer: string;
  let c3: string;
  let c4: string;
  let c6: string;

  beforeAll(() => {
    // The source gets a remote; CI job A checks out commit C3, job B its child C4 (pushed after A cloned).
    const sourceRemote = createBareRepo('source');
    git(source, ['remote', 'add', 'origin', sourceRemote]);
    editFile(source, 'environments/prod.ts', "'frontend': { tag: 'v1.0.1' }", "'frontend': { tag: 'v1.0.3' }");
    c3 = commitAll(source, 'Release frontend v1.0.3 to prod');
    git(source, ['push', '-q', 'origin', 'main']);
    older = path.join(tempDir('job-a'), 'src');
    git(source, ['clone', '-q', sourceRemote, older]);
    linkNodeModules(older);
    editFile(source, 'environments/prod.ts', "'user-service': { tag: 'v1.0.0' }", "'user-service': { tag: 'v1.0.3' }");
    c4 = commitAll(source, 'Release user-service v1.0.3 to prod');
    git(source, ['push', '-q', 'origin', 'main']);
    newer = path.join(tempDir('job-b'), 'src');
    git(source, ['clone', '-q', sourceRemote, newer]);
    linkNodeModules(newer);
  });

  test('two publishers racing both succeed, the newer source ends on the branch and nothing is lost', async () => {
    // GIVEN job B's remote moves right before B's first push (a third party pushes docs/meanwhile.md)
    const mover = moveBranchBeforeFirstPush(remote, 'docs/meanwhile.md', 'meanwhile');
    const dirsBefore = generatedDirs();

    // WHEN A (older source) and B (newer source) publish at the same time
    const [a, b] = await Promise.all([publish(older), publish(newer, [], mover.env)]);

    // THEN both succeed; B had to retry on the moved branch
    expect(a).toMatchObject({ code: 0 });
    expect(b).toMatchObject({ code: 0 });
    expect(mover.moved()).toBe(true);
    // (Under load A may also move the branch between B's ls-remote and fetch: then B starts over once more.)
    expect(b.stdout).toMatch(new RegExp(`publish: push refused: '${BRANCH}' moved to [0-9a-f]{7} while publishing; retrying on the new head \\(attempt [2-5] of 5\\)`));
    expect(b.stdout).toContain('publish: done: ');
    // A either published first (and B built on it) or found B's newer source and stopped.
    expect(a.stdout).toMatch(/publish: done: |publish: 'rendered' already holds source [0-9a-f]{7}, which is newer than/);
    // The newer source is on the branch, with both releases; nothing was lost.
    expect(json('hydrator.metadata')).toMatchObject({ drySha: c4, subject: 'Release user-service v1.0.3 to prod' });
    expect(showFile(remote, BRANCH, 'prod/user-service/Deployment.user-service.yaml')).toContain('/healthxcape/user-service:v1.0.3');
    expect(showFile(remote, BRANCH, 'prod/frontend/Deployment.frontend.yaml')).toContain('/healthxcape/frontend:v1.0.3');
    expect(showFile(remote, BRANCH, 'docs/meanwhile.md')).toBe('meanwhile\n');
    for (const [file, content] of Object.entries(FOREIGN)) expect(showFile(remote, BRANCH, file)).toBe(content);
    expect(generatedDirs()).toEqual(dirsBefore);
  });

  test('an older source never replaces a newer one (exit 0, nothing pushed)', async () => {
    const before = head();
    const result = await publish(older);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`publish: '${BRANCH}' already holds source ${c4.slice(0, 7)}, which is newer than ${c3.slice(0, 7)} (a descendant of it): nothing to do`);
    expect(head()).toBe(before);
  });

  test('a newer source with identical manifests is recorded without a commit, so an older one cannot replace it', async () => {
    // GIVEN X releases frontend v1.0.4 to prod and its child Y reverts it: Y renders what is published
    editFile(source, 'environments/prod.ts', "'frontend': { tag: 'v1.0.3' }", "'frontend': { tag: 'v1.0.4' }");
    const x = commitAll(source, 'Release frontend v1.0.4 to prod');
    editFile(source, 'environments/prod.ts', "'frontend': { tag: 'v1.0.4' }", "'frontend': { tag: 'v1.0.3' }");
    c6 = commitAll(source, 'Revert frontend v1.0.4');
    git(source, ['push', '-q', 'origin', 'main']);
    const jobX = path.join(tempDir('job-x'), 'src');
    git(source, ['worktree', 'add', '-q', '--detach', jobX, x]);
    linkNodeModules(jobX);
    const before = head();

    // WHEN Y's job finishes first, then X's
    const newest = await publish(source);
    const stale = await publish(jobX);

    // THEN Y made no commit but recorded itself (Argo CD's git note); X stopped; v1.0.3 stays published
    expect(newest.code).toBe(0);
    expect(newest.stdout).toContain('publish: nothing to publish');
    expect(newest.stdout).toContain(`publish: recorded source ${c6.slice(0, 7)} as published in refs/notes/hydrator.metadata`);
    expect(git(remote, ['notes', '--ref=hydrator.metadata', 'show', BRANCH])).toBe(JSON.stringify({ drySha: c6 }));
    expect(stale.code).toBe(0);
    expect(stale.stdout).toContain(`publish: '${BRANCH}' already holds source ${c6.slice(0, 7)}, which is newer than ${x.slice(0, 7)}`);
    expect(head()).toBe(before);
    expect(showFile(remote, BRANCH, 'prod/frontend/Deployment.frontend.yaml')).toContain('/healthxcape/frontend:v1.0.3');
  });

  test('a source that diverged from the published one is refused (exit 1, nothing pushed)', async () => {
    editFile(older, 'environments/dev.ts', "'frontend': { tag: 'v1.0.1' }", "'frontend': { tag: 'v1.0.9' }");
    const diverged = commitAll(older, 'Experiment on a side branch');
    const before = head();
    const result = await publish(older);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`publish: error: '${BRANCH}' was published from source ${c6.slice(0, 7)}, which is neither an ancestor nor a descendant of ${diverged.slice(0, 7)}`);
    expect(result.stderr).toContain('--allow-diverged');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(head()).toBe(before);
  });

  test('uncommitted changes are refused unless --allow-dirty, which marks the drySha', async () => {
    editFile(source, 'environments/dev.ts', "'frontend': { tag: 'v1.0.1' }", "'frontend': { tag: 'v1.0.8' }");
    const before = head();
    const refused = await publish(source);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has uncommitted changes to tracked files:\n  environments/dev.ts\n');
    expect(refused.stderr).toContain(`pass --allow-dirty to publish them marked as '${c6.slice(0, 7)}-dirty'`);
    expect(head()).toBe(before);

    const dirty = await publish(source, ['--allow-dirty']);
    expect(dirty.code).toBe(0);
    expect(json('hydrator.metadata')).toMatchObject({ drySha: `${c6}-dirty` });
    expect(json('dev/frontend/hydrator.metadata')).toMatchObject({ drySha: `${c6}-dirty` });
    expect(git(remote, ['log', '-1', '--format=%s', BRANCH])).toBe(`${c6.slice(0, 7)}-dirty: Revert frontend v1.0.4`);
  });

  test('a configuration error publishes nothing and prints no stack trace', async () => {
    editFile(source, 'environments/dev.ts', "stage: 'development',", "stage: 'development',\n  workloadDefaults: { replicas: 0 },");
    const before = head();
    const result = await publish(source, ['--allow-dirty']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("field 'workloadDefaults.replicas': must be an integer between 1 and 1000 (got 0)");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(head()).toBe(before);
  });
});
