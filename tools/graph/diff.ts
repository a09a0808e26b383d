/**
 * The platform graph in the rendered diff (tools/diff/markdown.ts): per environment with changes, the changed
 * applications as links to their sections of the comment, and the head revision's graph as Mermaid with those
 * applications highlighted. (GitHub's Mermaid does not follow `click` links, mermaid-js/mermaid#4059, so the
 * links are Markdown next to the picture.)
 */
import { toMermaid } from './mermaid';
import type { EnvironmentGraph } from './model';

/** What the diff knows of one changed object (a subset of tools/diff's ObjectChange). */
export interface ChangedObject {
  readonly env: string;
  readonly app: string;
  readonly before?: { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly [key: string]: unknown } };
  readonly after?: { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly [key: string]: unknown } };
}

/** A changed application of one environment and the comment section its changes are in. */
export interface ChangedNode {
  readonly id: string;
  /** The application directory whose section shows the change (`argocd` for a Helm chart's Application). */
  readonly section: string;
  /** True when the head revision no longer has it. */
  readonly removed: boolean;
}

/** The application an Argo CD `Application` object `<env>-<app>` deploys, from its `application` label. */
function deployedApplication(object: ChangedObject['after']): string | undefined {
  if (object === undefined || object.apiVersion !== 'argoproj.io/v1alpha1' || object.kind !== 'Application') return undefined;
  const labels = object.metadata.labels as Readonly<Record<string, unknown>> | undefined;
  return typeof labels?.application === 'string' ? labels.application : undefined;
}

/**
 * The changed applications of `graph`'s environment: those with changed objects in their directory, and those
 * whose Argo CD Application changed (a Helm chart's version or values live only there).
 */
export function changedNodes(graph: EnvironmentGraph, changes: readonly ChangedObject[]): ChangedNode[] {
  const nodes = new Map<string, ChangedNode>();
  const present = new Set(graph.nodes.filter((n) => !n.external).map((n) => n.id));
  for (const change of changes.filter((c) => c.env === graph.environment)) {
    nodes.set(change.app, { id: change.app, section: change.app, removed: !present.has(change.app) });
    const deployed = deployedApplication(change.after ?? change.before);
    if (deployed !== undefined && !nodes.has(deployed)) nodes.set(deployed, { id: deployed, section: change.app, removed: !present.has(deployed) });
  }
  return [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** GitHub's anchor of a Markdown heading (lower case; punctuation but `-` and `_` dropped; spaces to `-`). */
export function headingAnchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The Markdown of the changed applications of each environment, over the head revision's `graphs`. */
export function changedGraphMarkdown(graphs: readonly EnvironmentGraph[], changes: readonly ChangedObject[], environmentOrder: (a: string, b: string) => number): string {
  const out: string[] = [];
  for (const graph of [...graphs].sort((a, b) => environmentOrder(a.environment, b.environment))) {
    const changed = changedNodes(graph, changes);
    if (changed.length === 0) continue;
    const links = changed.map((n) => {
      const link = `[${n.id}](#${headingAnchor(`${graph.environment}/${n.section}`)})`;
      return n.removed ? `${link} (removed)` : n.section === n.id ? link : `${link} (its Argo CD Application)`;
    });
    out.push(
      `- **${graph.environment}**: ${links.join(', ')}`,
      '',
      `<details><summary>${graph.environment}: the applications and their dependencies, changed ones highlighted</summary>`,
      '',
      '```mermaid',
      toMermaid(graph, { highlight: new Set(changed.filter((n) => !n.removed).map((n) => n.id)) }).replace(/\n$/, ''),
      '```',
      '',
      '</details>',
      '',
    );
  }
  return out.length === 0 ? '' : `### Changed applications\n\n${out.join('\n').replace(/\n+$/, '')}`;
}
