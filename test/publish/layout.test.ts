/**
 * Ownership rules of the rendered branch, on a plain directory standing in for a checkout (in process; the
 * command itself is covered by publish.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyRenderedTree, GITATTRIBUTES_LINES, HydrationSource, mergeGitattributes, readmeFor } from '../../tools/publish/layout';
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

test('only directories holding hydrator.metadata are owned: others are kept, stale generated ones deleted', () => {
  // GIVEN a branch with one generated path, one stale generated path and files of people
  const checkout = tempDir('layout');
  write(checkout, {
    'dev/app/hydrator.metadata': '{}', 'dev/app/Deployment.app.yaml': 'old', 'dev/app/NOTES.md': 'inside a generated path',
    'dev/gone/hydrator.metadata': '{}', 'dev/gone/Service.gone.yaml': 'x',
    'dev/OWNERS': 'team', 'docs/a/b.md': 'doc', 'CODEOWNERS': '*', '.gitattributes': '*.png binary\n',
  });

  // WHEN
  const changes = applyRenderedTree(checkout, desired({ 'dev/app': { 'Deployment.app.yaml': 'new' }, 'prod/app': { 'Deployment.app.yaml': 'p' } }), SOURCE);

  // THEN
  expect(changes).toEqual({ added: ['prod/app'], changed: ['dev/app'], removed: ['dev/gone'], unchanged: [] });
  expect(fs.readdirSync(path.join(checkout, 'dev/app')).sort()).toEqual(['Deployment.app.yaml', 'README.md', 'hydrator.metadata']);
  expect(fs.existsSync(path.join(checkout, 'dev/gone'))).toBe(false);
  for (const kept of ['dev/OWNERS', 'docs/a/b.md', 'CODEOWNERS']) expect(fs.existsSync(path.join(checkout, kept))).toBe(true);
  expect(fs.readFileSync(path.join(checkout, '.gitattributes'), 'utf8')).toBe(`*.png binary\n${GITATTRIBUTES_LINES.join('\n')}\n`);
  expect(JSON.parse(fs.readFileSync(path.join(checkout, 'hydrator.metadata'), 'utf8'))).toEqual(SOURCE.root);
});

test('a directory that would become a generated path but holds foreign files is an error, and nothing is deleted', () => {
  const checkout = tempDir('layout');
  write(checkout, { 'dev/new-app/notes.md': 'mine' });
  expect(() => applyRenderedTree(checkout, desired({ 'dev/new-app': { 'Service.x.yaml': 'x' } }), SOURCE))
    .toThrow("the branch already has a directory dev/new-app/ that publish did not write (no hydrator.metadata), holding 'notes.md'");
  expect(fs.readFileSync(path.join(checkout, 'dev/new-app/notes.md'), 'utf8')).toBe('mine');
});

test('the README says how to reproduce the directory, from a subdirectory and from a dirty tree', () => {
  const readme = readmeFor('prod/kafka', { ...SOURCE.path, drySha: `${SHA}-dirty` }, 'platform');
  expect(readme).toContain(`git checkout ${SHA}\ncd platform\nnpm ci\nnpm run synth\n`);
  expect(readme).toContain('`dist/prod/kafka/`');
  expect(readme).toContain('published from uncommitted changes');
});
