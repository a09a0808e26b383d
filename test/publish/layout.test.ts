/**
 * Ownership rules of the rendered branch, on a plain directory standing in for a checkout (in process; the
 * command itself is covered by publish.test.ts, the migration of a real branch by ownership.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  applyRenderedTree, GITATTRIBUTES_LINES, hasChanges, HydrationSource, isLegacyOwnedPath, mergeGitattributes, metadataJson, OWNER_MARKER,
  OWNER_MARKER_CONTENT, readmeFor,
} from '../../tools/publish/layout';
import { removeTempDirs, tempDir } from '../support/project';

const SHA = 'a'.repeat(40);
const SOURCE: HydrationSource = {
  subdir: '',
  path: { repoURL: 'https://example.com/src.git', drySha: SHA, commands: ['npm ci', 'npm run synth'] },
  root: { repoURL: 'https://example.com/src.git', drySha: SHA, author: 'A <a@example.com>', date: '2025-01-01T00:00:00Z', subject: 'x' },
};

function write(dir: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
}

function desired(paths: Record<string, Record<string, string>>): Map<string, Map<string, string>> {
  return new Map(Object.entries(paths).map(([p, files]) => [p, new Map(Object.entries(files))]));
}

afterAll(removeTempDirs);

test('.gitattributes: the managed lines are added once, other lines are kept', () => {
  const managed = `${GITATTRIBUTES_LINES.join('\n')}\n`;
  expect(mergeGitattributes(undefined)).toBe(managed);
  expect(mergeGitattributes('*.png binary')).toBe(`*.png binary\n${managed}`);
  expect(mergeGitattributes(`*.png binary\n${managed}`)).toBe(`*.png binary\n${managed}`);
});

/** What publish writes into an owned path (for building branches "published" earlier). */
function publishedPath(hydratePath: string, manifests: Record<string, string>, options: { marker: boolean }): Record<string, string> {
  const files: Record<string, string> = {
    [`${hydratePath}/hydrator.metadata`]: metadataJson(SOURCE.path),
    [`${hydratePath}/README.md`]: readmeFor(hydratePath, SOURCE.path, ''),
  };
  if (options.marker) files[`${hydratePath}/${OWNER_MARKER}`] = OWNER_MARKER_CONTENT;
  for (const [name, content] of Object.entries(manifests)) files[`${hydratePath}/${name}`] = content;
  return files;
}

test('only directories with the ownership marker are owned: others are kept, stale owned ones deleted', () => {
  // GIVEN a branch with one owned path, one stale owned path, files of people and another hydrator's paths
  const checkout = tempDir('layout');
  write(checkout, {
    ...publishedPath('dev/app', { 'Deployment.app.yaml': 'old' }, { marker: true }), 'dev/app/NOTES.md': 'inside an owned path',
    ...publishedPath('dev/gone', { 'Service.gone.yaml': 'x' }, { marker: true }),
    // Argo CD's own hydrator (no marker), also at the depth of an application directory.
    'apps/payments/manifest.yaml': 'kind: Deployment\n', 'apps/payments/hydrator.metadata': '{"repoURL":"https://example.com/x.git","drySha":"abc","commands":["kustomize build ."]}\n',
    'dev/payments/manifest.yaml': 'kind: Service\n', 'dev/payments/hydrator.metadata': '{"drySha":"abc"}\n', 'dev/payments/README.md': '# Manifest Hydration\n',
    'dev/OWNERS': 'team', 'docs/a/b.md': 'doc', 'CODEOWNERS': '*', '.gitattributes': '*.png binary\n',
  });

  // WHEN
  const changes = applyRenderedTree(checkout, desired({ 'dev/app': { 'Deployment.app.yaml': 'new' }, 'prod/app': { 'Deployment.app.yaml': 'p' } }), SOURCE);

  // THEN the owned paths follow the render (the file someone put into dev/app is gone with the rewrite) ...
  expect(changes).toEqual({ added: ['prod/app'], changed: ['dev/app'], removed: ['dev/gone'], adopted: [], unchanged: [] });
  expect(fs.readdirSync(path.join(checkout, 'dev/app')).sort()).toEqual([OWNER_MARKER, 'Deployment.app.yaml', 'README.md', 'hydrator.metadata']);
  expect(fs.readFileSync(path.join(checkout, 'prod/app', OWNER_MARKER), 'utf8')).toBe(OWNER_MARKER_CONTENT);
  expect(fs.existsSync(path.join(checkout, 'dev/gone'))).toBe(false);
  // ... and nothing else changed: people's files and both of the other hydrator's paths are intact
  for (const kept of ['dev/OWNERS', 'docs/a/b.md', 'CODEOWNERS', 'apps/payments/manifest.yaml', 'apps/payments/hydrator.metadata', 'dev/payments/manifest.yaml', 'dev/payments/hydrator.metadata', 'dev/payments/README.md']) {
    expect(fs.existsSync(path.join(checkout, kept))).toBe(true);
  }
  expect(fs.readFileSync(path.join(checkout, '.gitattributes'), 'utf8')).toBe(`*.png binary\n${GITATTRIBUTES_LINES.join('\n')}\n`);
  expect(JSON.parse(fs.readFileSync(path.join(checkout, 'hydrator.metadata'), 'utf8'))).toEqual(SOURCE.root);
});

test('paths published before the marker existed are adopted when unchanged and deleted when stale; look-alikes are not', () => {
  // GIVEN a branch published by the previous version (no markers) and a directory that only resembles its output
  const checkout = tempDir('layout');
  const lookAlike = { ...publishedPath('dev/other', { 'Service.other.yaml': 'o' }, { marker: false }), 'dev/other/hydrator.metadata': '{\n  "repoURL": "x",\n  "drySha": "abc",\n  "commands": ["helm template ."]\n}\n' };
  write(checkout, {
    ...publishedPath('dev/app', { 'Deployment.app.yaml': 'same' }, { marker: false }),
    ...publishedPath('dev/changed', { 'Deployment.changed.yaml': 'old' }, { marker: false }),
    ...publishedPath('dev/gone', { 'Service.gone.yaml': 'x' }, { marker: false }),
    ...lookAlike,
  });
  const before = fs.readFileSync(path.join(checkout, 'dev/app/hydrator.metadata'), 'utf8');

  // WHEN
  const changes = applyRenderedTree(checkout, desired({ 'dev/app': { 'Deployment.app.yaml': 'same' }, 'dev/changed': { 'Deployment.changed.yaml': 'new' } }), { ...SOURCE, path: { ...SOURCE.path, drySha: 'b'.repeat(40) } });

  // THEN the unchanged path gets the marker and keeps its metadata; the changed one is rewritten; the stale one
  // is deleted; the look-alike (other commands) is not publish's and stays as it was
  expect(changes).toEqual({ added: [], changed: ['dev/changed'], removed: ['dev/gone'], adopted: ['dev/app'], unchanged: [] });
  expect(hasChanges(changes)).toBe(true);
  expect(fs.readFileSync(path.join(checkout, 'dev/app', OWNER_MARKER), 'utf8')).toBe(OWNER_MARKER_CONTENT);
  expect(fs.readFileSync(path.join(checkout, 'dev/app/hydrator.metadata'), 'utf8')).toBe(before);
  expect(fs.existsSync(path.join(checkout, 'dev/changed', OWNER_MARKER))).toBe(true);
  expect(fs.existsSync(path.join(checkout, 'dev/gone'))).toBe(false);
  for (const [file, content] of Object.entries(lookAlike)) expect(fs.readFileSync(path.join(checkout, file), 'utf8')).toBe(content);
  expect(isLegacyOwnedPath(checkout, 'dev/other')).toBe(false);

  // AND once adopted, the next publish finds nothing to do
  const again = applyRenderedTree(checkout, desired({ 'dev/app': { 'Deployment.app.yaml': 'same' }, 'dev/changed': { 'Deployment.changed.yaml': 'new' } }), SOURCE);
  expect(again).toEqual({ added: [], changed: [], removed: [], adopted: [], unchanged: ['dev/app', 'dev/changed'] });
});

test('a directory that would become an owned path but holds foreign files is an error, and nothing is changed', () => {
  // GIVEN another hydrator's directory where the render wants an application
  const checkout = tempDir('layout');
  write(checkout, { 'dev/new-app/notes.md': 'mine', 'dev/new-app/hydrator.metadata': '{"drySha":"abc"}\n', ...publishedPath('dev/gone', { 'Service.gone.yaml': 'x' }, { marker: true }) });

  // WHEN / THEN
  expect(() => applyRenderedTree(checkout, desired({ 'dev/new-app': { 'Service.x.yaml': 'x' } }), SOURCE))
    .toThrow("the branch already has a directory dev/new-app/ that publish did not write (no .platform-synth marker), holding 'hydrator.metadata', 'notes.md'; publish never overwrites another writer's files");
  expect(fs.readFileSync(path.join(checkout, 'dev/new-app/notes.md'), 'utf8')).toBe('mine');
  expect(fs.existsSync(path.join(checkout, 'dev/gone/Service.gone.yaml'))).toBe(true);
});

test('files of a path in sub-directories (bootstrap/) are written, compared and named in the README', () => {
  // GIVEN
  const checkout = tempDir('layout');
  const tree = desired({ 'dev/argocd': { 'Application.dev-root.yaml': 'root', 'bootstrap/README.md': 'how', 'bootstrap/argocd-cm.health-check.patch': 'data: {}\n' } });

  // WHEN published twice
  const first = applyRenderedTree(checkout, tree, SOURCE);
  const second = applyRenderedTree(checkout, tree, SOURCE);

  // THEN
  expect(first.added).toEqual(['dev/argocd']);
  expect(fs.readFileSync(path.join(checkout, 'dev/argocd/bootstrap/argocd-cm.health-check.patch'), 'utf8')).toBe('data: {}\n');
  expect(fs.readFileSync(path.join(checkout, 'dev/argocd/README.md'), 'utf8')).toContain('Publish also writes `bootstrap/README.md`, `bootstrap/argocd-cm.health-check.patch`, which are not in `dist/`');
  expect(second.unchanged).toEqual(['dev/argocd']);
});

test('the README says how to reproduce the directory, from a subdirectory and from a dirty tree', () => {
  const readme = readmeFor('prod/kafka', { ...SOURCE.path, drySha: `${SHA}-dirty` }, 'platform');
  expect(readme).toContain(`git checkout ${SHA}\ncd platform\nnpm ci\nnpm run synth\n`);
  expect(readme).toContain('`dist/prod/kafka/`');
  expect(readme).toContain('published from uncommitted changes');
});
