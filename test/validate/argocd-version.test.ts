/**
 * `schema/argocd-version`: rendered Argo CD fields against the declared minimum Argo CD release.
 */
import { build } from '../../main';
import { renderEnvironments } from '../../tools/synth';
import { ARGOCD_VERSION_RULE, checkArgoCdVersion, MINIMUM_ARGOCD_VERSION } from '../../tools/validate/argocd-version';
import { FindingCollector, Finding } from '../../tools/validate/findings';
import { withoutUndefined } from '../../tools/validate/json';
import type { JsonRecord } from '../../tools/validate/json';

function check(object: JsonRecord, minimum: string): Finding[] {
  const collector = new FindingCollector('test');
  checkArgoCdVersion(object, collector.forObject('argocd', object), minimum);
  return collector.findings;
}

const application = (spec: JsonRecord): JsonRecord => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a', namespace: 'argocd' }, spec });

test('the rendered platform needs Argo CD 3.2 (retry.refresh) and nothing newer than the declared minimum', async () => {
  // GIVEN every object of every environment
  const envs = await renderEnvironments(build, 'dist');
  const objects = envs.flatMap((e) => e.applications.flatMap((a) => a.objects.map((o) => withoutUndefined(o.object) as JsonRecord)));
  expect(MINIMUM_ARGOCD_VERSION).toBe('3.2.0');

  // WHEN / THEN the declared minimum passes ...
  expect(objects.flatMap((o) => check(o, MINIMUM_ARGOCD_VERSION))).toEqual([]);
  // ... and 3.1 would refuse every Application, at spec.syncPolicy.retry.refresh
  const older = objects.flatMap((o) => check(o, '3.1.0'));
  const applications = objects.filter((o) => o.kind === 'Application');
  expect(applications.length).toBeGreaterThan(20);
  expect(older.length).toBe(applications.length);
  expect(new Set(older.map((f) => `${f.rule} ${f.path}`))).toEqual(new Set([`${ARGOCD_VERSION_RULE} spec.syncPolicy.retry.refresh`]));
  expect(older[0]?.message).toContain("Application field 'spec.syncPolicy.retry.refresh' exists only since Argo CD 3.2.0, but the rendered objects must work with Argo CD 3.1.0");
});

test('ApplicationSet templates are checked as Applications, nested generators as generators; AppProjects too', () => {
  const set: JsonRecord = {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 's', namespace: 'argocd' },
    spec: {
      generators: [{ matrix: { generators: [{ git: { repoURL: 'r', revision: 'main', files: [{ path: 'a', exclude: true }] } }] } }],
      template: { metadata: {}, spec: { syncPolicy: { automated: { enabled: true } } } },
      strategy: { deletionOrder: 'Reverse' },
    },
  };
  expect(check(set, '3.0.0').map((f) => f.path)).toEqual([
    'spec.generators[0].matrix.generators[0].git.files[0].exclude',
    'spec.template.spec.syncPolicy.automated.enabled',
    'spec.strategy.deletionOrder',
  ]);
  expect(check(set, '3.2.0')).toEqual([]);

  const project: JsonRecord = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'p' }, spec: { clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'x' }] } };
  expect(check(project, '3.2.0').map((f) => [f.path, f.value])).toEqual([['spec.clusterResourceWhitelist[0].name', 'x']]);
});

test('fields present in 3.0 and objects of other groups are never reported', () => {
  expect(check(application({ source: { repoURL: 'r', path: 'p', targetRevision: 'main' }, syncPolicy: { retry: { limit: 5 } } }), '3.0.0')).toEqual([]);
  expect(check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, spec: { syncPolicy: { retry: { refresh: true } } } }, '3.0.0')).toEqual([]);
});
