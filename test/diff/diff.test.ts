/**
 * `npm run diff`: the real command (`node --import tsx tools/cli/diff.ts`) in a temporary source repository. Each revision
 * is rendered with its own code in a temporary git worktree; the working tree is rendered in place.
 *
 * History: C0 (initial) -> C1 (identity-service v1.0.1 in dev); working tree: dev database volumes 2Gi.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffCommand } from '../../tools/cli/diff';
import { commitAll, createSourceRepo, editFile, git, removeTempDirs, RunResult, runTsx, tempDir } from '../support/project';

let source: string;
let imageBump: RunResult;
let storageChange: RunResult;
let storageMarkdown: string;
let environments: { code: number; text: string };

/** Run the diff command in this process (for fast error paths); returns the exit code and output. */
async function diffInProcess(args: readonly string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await diffCommand(args, { out: (l) => lines.push(l), err: (l) => lines.push(l) }, source);
  process.exitCode = undefined;
  return { code, text: lines.join('\n') };
}

/** The bodies of the ```diff blocks of a Markdown text. */
function diffBlocks(markdown: string): string[][] {
  return [...markdown.matchAll(/```diff\n([\s\S]*?)\n```/g)].map((m) => (m[1] ?? '').split('\n'));
}

/** Changed lines (`+`/`-`, without `---`/`+++` headers) of a diff block. */
function changedLines(block: readonly string[]): string[] {
  return block.filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));
}

beforeAll(async () => {
  ({ dir: source } = createSourceRepo());
  editFile(source, 'environments/dev.ts', "'identity-service': { tag: 'v1.0.0' }", "'identity-service': { tag: 'v1.0.1' }");
  commitAll(source, 'Bump identity-service in dev');
  editFile(source, 'environments/dev.ts', "  // Local volumes on the reference", "  defaults: { 'service-with-postgres': { database: { size: '2Gi' } } },\n  // Local volumes on the reference");
  const output = path.join(tempDir('out'), 'diff.md');
  const diff = (args: readonly string[]): Promise<RunResult> => runTsx(source, 'tools/cli/diff.ts', args);
  [imageBump, storageChange, environments] = await Promise.all([
    diff(['HEAD~1', 'HEAD']),
    diff(['HEAD', '--output', output]),
    // In process (the revision is still rendered by its own main.ts in a worktree).
    diffInProcess(['--env', 'staging', '--env', 'prod', 'HEAD']),
  ]);
  storageMarkdown = fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : '';
}, 180000);

afterAll(removeTempDirs);

test('an image bump in one environment is one small change', () => {
  expect(imageBump.code).toBe(0);
  const md = imageBump.stdout;
  expect(md).toMatch(/^## Rendered diff: `HEAD~1` \([0-9a-f]{7}\) -> `HEAD` \([0-9a-f]{7}\)\n/);
  // One application of one environment; the summary table has a single row.
  expect(md.split('\n').filter((l) => /^\| (?!---|Environment)/.test(l))).toEqual(['| dev | identity-service | 0 | 3 | 0 |']);
  expect(md).toContain('No risky changes');
  // The version label that follows the tag is reported once, not in every diff ...
  expect(md).toContain('Label `app.kubernetes.io/version` v1.0.0 -> v1.0.1 on 3 objects (not repeated in the diffs below).');
  expect(md).toContain('Only the version label changed: ConfigMap healthxcape/identity-service-config, Service healthxcape/identity-service.');
  // ... so the one diff block is the image line.
  const blocks = diffBlocks(md);
  expect(blocks).toHaveLength(1);
  expect(changedLines(blocks[0] as string[])).toEqual([
    '-        image: healthxcape/identity-service:v1.0.0',
    '+        image: healthxcape/identity-service:v1.0.1',
  ]);
  expect((blocks[0] as string[]).length).toBeLessThanOrEqual(9);
  expect(md).toContain('**Changed:** Deployment healthxcape/identity-service');
  // The changed application is linked to its section and highlighted in the head revision's graph (tools/graph).
  expect(md).toContain('### Changed applications\n\n- **dev**: [identity-service](#devidentity-service)\n');
  expect(md).toContain('### dev/identity-service\n');
  expect(md.indexOf('No risky changes')).toBeLessThan(md.indexOf('### Changed applications'));
  expect(md).toMatch(/```mermaid\nflowchart TB\n[\s\S]*\n {2}class n\d+ changed\n/);
});

test('a volume claim template size change is flagged as risky, above the diffs', () => {
  expect(storageChange.code).toBe(0);
  expect(storageChange.stdout).toBe('');
  expect(storageChange.stderr).toMatch(/diff: wrote .*diff\.md/);
  const md = storageMarkdown;
  expect(md).toMatch(/^## Rendered diff: `HEAD` \([0-9a-f]{7}\) -> working tree\n/);
  expect(md).toContain('### Risky changes (');
  for (const service of ['blog-service', 'identity-service', 'user-service']) {
    expect(md).toContain(`- **dev/${service}** StatefulSet healthxcape/${service}-postgres: volume claim template 'data' size 1Gi -> 2Gi (increase: existing claims are not resized); volumeClaimTemplates are immutable`);
  }
  expect(md.indexOf('### Risky changes')).toBeLessThan(md.indexOf('```diff'));
  // Only dev changed.
  expect(md.split('\n').filter((l) => /^\| (staging|prod) /.test(l))).toEqual([]);
  expect(diffBlocks(md).flatMap(changedLines)).toContain('+          storage: 2Gi');
});

test('two environments of one revision are compared without environment-name noise', () => {
  expect(environments.code).toBe(0);
  const md = environments.text.split('\n').filter((l) => !l.startsWith('diff: ')).join('\n');
  expect(md).toMatch(/^## Rendered diff: environment `staging` vs `prod` at `HEAD` \([0-9a-f]{7}\)\n/);
  // Argo CD Applications match across environments (staging-frontend <-> prod-frontend); prod has more.
  expect(md).toContain('**Only in prod:** Application <env>-cnpg-operator, Application <env>-local-storage');
  // Real differences show: prod runs 3 frontend replicas, staging 2.
  expect(md).toContain('**Different:** Deployment frontend');
  expect(diffBlocks(md).flatMap(changedLines)).toEqual(expect.arrayContaining(['-  replicas: 2', '+  replicas: 3']));
  // The environment label, namespaces and names are not reported as differences.
  expect(md).not.toMatch(/^[-+]\s+environment: /m);
  expect(md).not.toMatch(/^[-+]\s+namespace: /m);
  expect(md).not.toContain('**Only in staging:** Application');
});

test('errors say what was wrong; usage errors exit 2; worktrees are cleaned up', async () => {
  const unknownRef = await diffInProcess(['no-such-ref']);
  expect(unknownRef.code).toBe(1);
  expect(unknownRef.text).toContain("diff: error: 'no-such-ref' is not a commit in");
  expect(unknownRef.text).not.toMatch(/^\s+at /m);
  expect(await diffInProcess([])).toEqual({ code: 2, text: 'diff: error: expected <base-ref> [<head-ref>], got 0 revisions. Run with --help for usage.' });
  expect(await diffInProcess(['--env', 'dev', 'HEAD'])).toMatchObject({ code: 2, text: expect.stringContaining('--env must be given exactly twice') });
  expect(git(source, ['worktree', 'list', '--porcelain']).split('\n').filter((l) => l.startsWith('worktree '))).toHaveLength(1);
});
