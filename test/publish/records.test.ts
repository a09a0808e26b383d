/**
 * `npm run publish:rendered` when people commit to the rendered branch on top of the commit a newer source was
 * recorded on (`git notes`): the head then carries no record, and an older source must still be refused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commitAll, createBareRepo, createSourceRepo, editFile, git, linkNodeModules, removeTempDirs, showFile, tempDir } from '../support/project';
import { BRANCH, moveBranchBeforeFirstPush, noteOn, publishTo } from '../support/publish';

afterAll(removeTempDirs);

describe('people committing on top of a recorded source', () => {
  const USER_SERVICE = 'prod/user-service/Deployment.user-service.yaml';
  let src: string;
  let branchRepo: string;
  let b: string;
  let c: string;
  let jobB: string;

  const tip = (): string => git(branchRepo, ['rev-parse', BRANCH]);
  /** A person clones the branch, changes `files` and pushes one commit. Returns it. */
  const personPushes = (files: Readonly<Record<string, string>>, subject: string): string => {
    const clone = path.join(tempDir('person'), 'clone');
    git(branchRepo, ['clone', '-q', '-b', BRANCH, branchRepo, clone]);
    for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(clone, file), content);
    const commit = commitAll(clone, subject);
    git(clone, ['push', '-q', 'origin', BRANCH]);
    return commit;
  };

  beforeAll(async () => {
    // Source A is published. B (a child of A) releases user-service v1.0.4 to prod; C (B's child) reverts it,
    // so C renders exactly what A rendered. B's job is a checkout of B; C is the source repository's HEAD.
    ({ dir: src } = createSourceRepo());
    branchRepo = createBareRepo('rendered-by-people');
    const published = await publishTo(branchRepo, src);
    expect(published).toMatchObject({ code: 0, stderr: '' });
    editFile(src, 'environments/prod.ts', "'user-service': { tag: 'v1.0.0' }", "'user-service': { tag: 'v1.0.4' }");
    b = commitAll(src, 'Release user-service v1.0.4 to prod');
    editFile(src, 'environments/prod.ts', "'user-service': { tag: 'v1.0.4' }", "'user-service': { tag: 'v1.0.0' }");
    c = commitAll(src, 'Revert user-service v1.0.4');
    jobB = path.join(tempDir('job-b-stale'), 'src');
    git(src, ['worktree', 'add', '-q', '--detach', jobB, b]);
    linkNodeModules(jobB);
  }, 60000);

  test('a stale source stops although a person committed on top of the head the newer source was recorded on', async () => {
    // GIVEN C's job runs first: nothing to publish, C is recorded in a note on the head
    const recordedOn = tip();
    const newest = await publishTo(branchRepo, src);
    expect(newest.code).toBe(0);
    expect(newest.stdout).toContain(`publish: recorded source ${c.slice(0, 7)} as published in refs/notes/hydrator.metadata (on ${recordedOn.slice(0, 7)})`);
    // AND a person pushes a commit of their own: the new head carries no note
    const person = personPushes({ CODEOWNERS: '* @healthxcape/platform\n' }, 'Add CODEOWNERS');

    // WHEN B's (stale) job publishes
    const stale = await publishTo(branchRepo, jobB);

    // THEN it finds C's record below the person's commit and stops; C's manifests (the revert) stay
    expect(stale.code).toBe(0);
    expect(stale.stderr).toBe('');
    expect(stale.stdout).toContain(`published from source ${c.slice(0, 7)} (recorded on ${recordedOn.slice(0, 7)}, 1 commit below the head)`);
    expect(stale.stdout).toContain(`publish: '${BRANCH}' already holds source ${c.slice(0, 7)}, which is newer than ${b.slice(0, 7)} (a descendant of it): nothing to do`);
    expect(tip()).toBe(person);
    expect(showFile(branchRepo, BRANCH, USER_SERVICE)).toContain('/healthxcape/user-service:v1.0.0\n');
    expect(showFile(branchRepo, BRANCH, 'CODEOWNERS')).toBe('* @healthxcape/platform\n');
  });

  test("a person's commit that edits a generated file hides no record either; the next publish restores the file", async () => {
    // GIVEN a person edits a rendered manifest on the branch (two commits without a record above C's now)
    const edited = showFile(branchRepo, BRANCH, USER_SERVICE).replace('/healthxcape/user-service:v1.0.0', '/healthxcape/user-service:hotfix');
    personPushes({ [USER_SERVICE]: edited }, 'Hotfix user-service by hand');
    const before = tip();

    // WHEN B's stale job publishes again
    const stale = await publishTo(branchRepo, jobB);

    // THEN it stops as before
    expect(stale.code).toBe(0);
    expect(stale.stdout).toContain(`publish: '${BRANCH}' already holds source ${c.slice(0, 7)}, which is newer than ${b.slice(0, 7)}`);
    expect(tip()).toBe(before);

    // WHEN C's job is re-run
    const again = await publishTo(branchRepo, src);

    // THEN it rewrites the edited directory from C (generated paths belong to publish); the person's files stay
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('publish: changed: prod/user-service\n');
    expect(showFile(branchRepo, BRANCH, USER_SERVICE)).toContain('/healthxcape/user-service:v1.0.0\n');
    expect(noteOn(branchRepo, BRANCH)).toBe(c);
    expect(showFile(branchRepo, BRANCH, 'CODEOWNERS')).toBe('* @healthxcape/platform\n');
  });

  test('a no-op record never attaches to a head that moved meanwhile: it is retried on the new head', async () => {
    // GIVEN D, a child of C that renders the same manifests
    fs.writeFileSync(path.join(src, 'NOTES.md'), 'Release notes.\n');
    const d = commitAll(src, 'Add release notes');
    // AND a person pushes to the branch right before D's first push
    const previous = tip();
    const mover = moveBranchBeforeFirstPush(branchRepo, 'docs/meanwhile.md', 'meanwhile');

    // WHEN D's job publishes
    const result = await publishTo(branchRepo, src, [], mover.env);

    // THEN the notes push was refused together with the branch lease and retried: D is recorded on the new head
    expect(result.code).toBe(0);
    expect(mover.moved()).toBe(true);
    expect(result.stdout).toMatch(new RegExp(`publish: push refused: '${BRANCH}' moved to [0-9a-f]{7} while publishing; retrying on the new head \\(attempt 2 of 5\\)`));
    const moved = tip();
    expect(git(branchRepo, ['rev-parse', `${BRANCH}~1`])).toBe(previous);
    expect(result.stdout).toContain(`publish: recorded source ${d.slice(0, 7)} as published in refs/notes/hydrator.metadata (on ${moved.slice(0, 7)})`);
    expect(noteOn(branchRepo, moved)).toBe(d);
    // ... and not on the head it was first computed on, which keeps C's record
    expect(noteOn(branchRepo, previous)).toBe(c);
    expect(showFile(branchRepo, BRANCH, 'docs/meanwhile.md')).toBe('meanwhile\n');
  });
});
