import { ApiObject, App } from 'cdk8s';
import { ApplicationChart, DEFAULT_CONTEXT, fillDirectoryTemplate, generatedApplications, projectProblems } from '../../constructs';
import { renderApp, RenderedEnvironment } from '../../tools/synth/render';
import { validateEnvironments } from '../../tools/validate';

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

describe('validation refuses what the project check refuses', () => {
  // Rendered objects of an environment whose ApplicationSet sends its Applications where the project does not allow.
  function renderedWith(destination: string): RenderedEnvironment[] {
    const app = new App({ outdir: '/tmp/platform-synth-test/dev' });
    const context = { ...DEFAULT_CONTEXT, environment: 'dev' };
    const api = new ApplicationChart(app, 'api', { context, namespace: 'services', version: '1' });
    new ApiObject(api, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api' } });
    const argocd = new ApplicationChart(app, 'argocd', { context, namespace: 'argocd', version: '1' });
    new ApiObject(argocd, 'project', { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'p' }, spec: { sourceRepos: ['https://git.example.com/r.git'], destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'services' }] } });
    new ApiObject(argocd, 'set', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'dev-apps' },
      spec: {
        goTemplate: true,
        generators: [{ git: { repoURL: 'https://git.example.com/r.git', revision: 'rendered', directories: [{ path: 'dev/*' }, { path: 'dev/argocd', exclude: true }] } }],
        template: { metadata: { name: 'dev-{{.path.basename}}' }, spec: { project: 'p', source: { repoURL: 'https://git.example.com/r.git', targetRevision: 'rendered', path: '{{.path.path}}' }, destination: { server: 'https://kubernetes.default.svc', namespace: destination } } },
      },
    });
    return renderApp(app);
  }

  test('an ApplicationSet generating Applications into a namespace its project refuses is an error', () => {
    const project = (findings: readonly { rule: string; message: string }[]): string[] => findings.filter((f) => f.rule === 'ref/argocd-project').map((f) => f.message);
    // The set's template against the project (tools/validate/cross.ts), and the same check as the constructs run.
    expect(project(validateEnvironments(renderedWith('argocd')).errors)).toEqual(expect.arrayContaining([
      expect.stringMatching(/AppProject 'p' does not permit destination https:\/\/kubernetes.default.svc namespace 'argocd'/),
    ]));
    expect(project(validateEnvironments(renderedWith('services')).errors)).toEqual([]);
  });
});
