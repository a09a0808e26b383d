import { fillDirectoryTemplate, generatedApplications, projectProblems } from '../../constructs';

describe('AppProject permissions', () => {
  const target = { name: 'dev-api', project: 'p', repoURLs: ['https://git.example.com/r.git'], server: 'https://kubernetes.default.svc', namespace: 'services' };

  test('globs and denials as Argo CD reads them', () => {
    expect(projectProblems({ sourceRepos: ['https://git.example.com/*'], destinations: [{ server: '*', namespace: 'serv*' }] }, target)).toEqual([]);
    expect(projectProblems({ sourceRepos: ['*', '!https://git.example.com/r.git'], destinations: [{ server: '*', namespace: '*' }] }, target).map((p) => p.field)).toEqual(['source']);
    expect(projectProblems({ sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }, { server: '*', namespace: '!services' }] }, target).map((p) => p.field)).toEqual(['destination']);
    expect(projectProblems({}, target).map((p) => p.field)).toEqual(['source', 'destination']);
  });

  test('fills the git directory generator parameters the seed uses, and gives up on others', () => {
    expect(fillDirectoryTemplate('{{ index .path.segments 2 }}', 'argocd/infra/kafka/envs/dev')).toBe('kafka');
    expect(fillDirectoryTemplate('dev-{{.path.basename}}', 'dev/api')).toBe('dev-api');
    expect(fillDirectoryTemplate('{{ .path.path }}', 'dev/api')).toBe('dev/api');
    expect(fillDirectoryTemplate('{{ .values.ns }}', 'dev/api')).toBeUndefined();
  });

  test('expands a git directory ApplicationSet over the rendered directories, honouring excludes', () => {
    const set = {
      spec: {
        generators: [{ git: { repoURL: 'r', directories: [{ path: 'dev/*' }, { path: 'dev/argocd', exclude: true }] } }],
        template: { metadata: { name: 'dev-{{.path.basename}}' }, spec: { project: 'p', source: { repoURL: 'r' }, destination: { server: 's', namespace: '{{.path.basename}}' } } },
      },
    };
    expect(generatedApplications(set, ['dev/argocd', 'dev/kafka', 'prod/kafka', 'dev/a/b'])).toEqual([{ name: 'dev-kafka', project: 'p', repoURLs: ['r'], server: 's', namespace: 'kafka' }]);
  });
});
