/**
 * The platform graph in the rendered diff (tools/graph/diff.ts): changed applications are linked to their
 * sections of the comment and highlighted in the head revision's Mermaid graph.
 */
import { changedGraphMarkdown, changedNodes, ChangedObject, environmentGraph, headingAnchor } from '../../tools/graph';
import type { RenderedEnvironment } from '../../tools/synth/render';
import { platforms, renderPlatform } from '../helpers';

const rendered = renderPlatform(platforms()[0] as Parameters<typeof renderPlatform>[0]);
const graphs = rendered.map((e: RenderedEnvironment) => environmentGraph(e));
const order = (a: string, b: string): number => ['dev', 'staging', 'prod'].indexOf(a) - ['dev', 'staging', 'prod'].indexOf(b);

const object = (kind: string, name: string, labels?: Record<string, string>): NonNullable<ChangedObject['after']> => ({
  apiVersion: kind === 'Application' ? 'argoproj.io/v1alpha1' : 'apps/v1', kind, metadata: { name, ...(labels ? { labels } : {}) },
});

const CHANGES: ChangedObject[] = [
  { env: 'prod', app: 'frontend', before: object('Deployment', 'frontend'), after: object('Deployment', 'frontend') },
  // A Helm chart's version lives only in its Application, in the argocd directory.
  { env: 'prod', app: 'argocd', before: object('Application', 'prod-strimzi-operator', { application: 'strimzi-operator' }), after: object('Application', 'prod-strimzi-operator', { application: 'strimzi-operator' }) },
  { env: 'prod', app: 'legacy-worker', before: object('Deployment', 'legacy-worker') },
  { env: 'dev', app: 'kafka', after: object('Deployment', 'x') },
];

test('GitHub heading anchors of the per-application sections', () => {
  expect(headingAnchor('prod/identity-service')).toBe('prodidentity-service');
  expect(headingAnchor('Risky changes (2)')).toBe('risky-changes-2');
});

test('changed nodes: directories with changes, Helm charts whose Application changed, removed applications', () => {
  const prod = graphs.find((g) => g.environment === 'prod');
  expect(prod && changedNodes(prod, CHANGES)).toEqual([
    { id: 'argocd', section: 'argocd', removed: false },
    { id: 'frontend', section: 'frontend', removed: false },
    { id: 'legacy-worker', section: 'legacy-worker', removed: true },
    { id: 'strimzi-operator', section: 'argocd', removed: false },
  ]);
});

test('the Markdown links every changed application and highlights it in its environment\'s graph, in promotion order', () => {
  const md = changedGraphMarkdown(graphs, CHANGES, order);
  expect(md.startsWith('### Changed applications\n\n- **dev**: [kafka](#devkafka)\n')).toBe(true);
  expect(md).toContain('- **prod**: [argocd](#prodargocd), [frontend](#prodfrontend), [legacy-worker](#prodlegacy-worker) (removed), [strimzi-operator](#prodargocd) (its Argo CD Application)\n');
  expect(md).not.toContain('**staging**');
  const prodBlock = md.slice(md.indexOf('- **prod**'));
  const mermaid = prodBlock.slice(prodBlock.indexOf('```mermaid\n') + 11, prodBlock.indexOf('\n```', prodBlock.indexOf('```mermaid')));
  const idOf = (name: string): string | undefined => new RegExp(`(n\\d+)\\["${name}<br/>`).exec(mermaid)?.[1];
  const changed = /class ([n\d,]+) changed/.exec(mermaid)?.[1]?.split(',');
  expect(changed?.sort()).toEqual(['argocd', 'frontend', 'strimzi-operator'].map(idOf).sort());
  expect(changed).not.toContain(idOf('kafka'));
});

test('no changes: no section', () => {
  expect(changedGraphMarkdown(graphs, [], order)).toBe('');
});
