/**
 * Ownership on a real rendered branch: a branch published before the ownership marker existed is migrated, other
 * hydrators' paths (Argo CD's `apps/payments/{manifest.yaml,hydrator.metadata}`) are never touched, and the
 * source commit's `Argocd-reference-commit-*` trailers reach `references` of the root metadata. The real
 * command (`node --import tsx tools/cli/publish.ts`) against a real bare repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { branchFiles, commitAll, createBareRepo, createSourceRepo, editFile, git, removeTempDirs, showFile, tempDir } from '../support/project';
import { BRANCH, publishTo } from '../support/publish';

const ARGO_PATHS = {
  'apps/payments/manifest.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: payments\n',
  'apps/payments/hydrator.metadata': '{\n  "repoURL": "https://github.com/example/payments.git",\n  "drySha": "1111111111111111111111111111111111111111",\n  "commands": ["kustomize build ."]\n}\n',
  // Argo CD's hydrator may also write at the depth of an application directory
  'dev/payments/manifest.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: payments\n',
  'dev/payments/hydrator.metadata': '{\n  "repoURL": "https://github.com/example/payments.git",\n  "drySha": "1111111111111111111111111111111111111111"\n}\n',
};

let src: string;
let remote: string;
let people: string;

/** Commit `files` (content, or `null` to delete) to the branch as a person would, and push. */
function personPushes(files: Record<string, string | null>, subject: string): void {
  git(people, ['pull', '-q', '--ff-only', 'origin', BRANCH]);
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(people, file);
    if (content === null) fs.rmSync(full);
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    }
  }
  commitAll(people, subject);
  git(people, ['push', '-q', 'origin', BRANCH]);
}

beforeAll(async () => {
  ({ dir: src } = createSourceRepo());
  remote = createBareRepo('ownership');
  const published = await publishTo(remote, src);
  expect(published).toMatchObject({ code: 0, stderr: '' });
  people = path.join(tempDir('ownership-people'), 'clone');
  git(remote, ['clone', '-q', '-b', BRANCH, remote, people]);
}, 60000);

afterAll(removeTempDirs);

test('a branch of the previous version (no markers) is migrated; other hydrators\' paths are kept; trailers become references', async () => {
  // GIVEN the branch as the previous version wrote it: the same paths without ownership markers
  const markers = branchFiles(remote, BRANCH).filter((f) => f.endsWith('/.platform-synth'));
  expect(markers.length).toBeGreaterThan(20);
  personPushes(Object.fromEntries(markers.map((m) => [m, null])), 'Branch as the previous version published it');
  // AND Argo CD's own hydrator wrote paths of its own to the branch
  personPushes(ARGO_PATHS, 'Argo CD hydrator: payments');
  // AND the next source commit drops an application (dev/local-storage) and names the commit it comes from
  editFile(src, 'environments/dev.ts', "storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['ip-10-1-91-144'], root: '/mnt/data' },", "storage: { mode: 'dynamic', storageClassName: 'x' },");
  const sha = 'abcdef0123456789abcdef0123456789abcdef01';
  const source = commitAll(src, 'Use dynamic volumes in dev', [
    'Requested by the storage team.',
    '',
    'Argocd-reference-commit-author: Storage Bot <storage-bot@example.com>',
    `Argocd-reference-commit-sha: ${sha}`,
    'Argocd-reference-commit-subject: Retire local volumes in dev',
    'Argocd-reference-commit-repourl: https://github.com/example/storage.git',
    'Argocd-reference-commit-date: 2025-01-01T10:00:00+00:00',
  ].join('\n'));

  // WHEN
  const result = await publishTo(remote, src);

  // THEN every path of the previous version is adopted (marker added) or, when no longer rendered, deleted
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  expect(result.stdout).toContain('publish: removed: dev/local-storage\n');
  expect(result.stdout).toMatch(/publish: adopted \(ownership marker added\): .*dev\/frontend/);
  const files = branchFiles(remote, BRANCH);
  expect(files.filter((f) => f.startsWith('dev/local-storage/'))).toEqual([]);
  const paths = [...new Set(files.filter((f) => f.endsWith('/hydrator.metadata') && f.split('/').length === 3).map((f) => path.dirname(f)))];
  const ours = paths.filter((p) => p !== 'dev/payments' && p !== 'apps/payments');
  expect(ours.length).toBe(markers.length - 1);
  for (const p of ours) expect(files).toContain(`${p}/.platform-synth`);
  // ... other hydrators' paths are exactly as they were (no marker added, nothing deleted)
  for (const [file, content] of Object.entries(ARGO_PATHS)) expect(showFile(remote, BRANCH, file)).toBe(content);
  expect(files).not.toContain('dev/payments/.platform-synth');
  // ... and the trailers are in references, not in the body, as Argo CD's hydrator records them
  const root = JSON.parse(showFile(remote, BRANCH, 'hydrator.metadata')) as Record<string, unknown>;
  expect(root).toMatchObject({ drySha: source, subject: 'Use dynamic volumes in dev', body: 'Requested by the storage team.\n\n' });
  expect(root.references).toEqual([{
    commit: {
      author: '"Storage Bot" <storage-bot@example.com>',
      date: '2025-01-01T10:00:00Z',
      subject: 'Retire local volumes in dev',
      sha,
      repoUrl: 'https://github.com/example/storage.git',
    },
  }]);
  expect(Object.keys(root)).toEqual(['repoURL', 'drySha', 'author', 'date', 'subject', 'body', 'references']);
  expect(git(remote, ['log', '-1', '--format=%B', BRANCH])).toContain('Co-authored-by: "Storage Bot" <storage-bot@example.com>\nCo-authored-by: Test Author <author@example.com>');
});

test('a render that wants a directory another hydrator owns stops, naming its files, and pushes nothing', async () => {
  // GIVEN Argo CD's hydrator wrote prod/kafka-ui/
  personPushes({ 'prod/kafka-ui/manifest.yaml': 'kind: ConfigMap\n', 'prod/kafka-ui/hydrator.metadata': '{"drySha":"1111111"}\n' }, 'Argo CD hydrator: kafka-ui');
  const before = git(remote, ['rev-parse', BRANCH]);
  // AND the kafka application is renamed to kafka-ui (a rendered directory of that name)
  editFile(src, 'charts/healthxcape.ts', "    'kafka': kafka,", "    'kafka-ui': kafka,");
  editFile(src, 'environments/prod.ts', "    'kafka': {", "    'kafka-ui': {");
  editFile(src, 'environments/staging.ts', '    kafka: {', "    'kafka-ui': {");
  commitAll(src, 'Rename the Kafka application in prod');

  // WHEN
  const result = await publishTo(remote, src);

  // THEN
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("the branch already has a directory prod/kafka-ui/ that publish did not write (no .platform-synth marker), holding 'hydrator.metadata', 'manifest.yaml'");
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(git(remote, ['rev-parse', BRANCH])).toBe(before);
});
