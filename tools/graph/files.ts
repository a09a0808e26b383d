/**
 * The picture of each environment on the rendered branch: `graph/applications.svg` and `graph/applications.mmd`
 * in the directory of its Argo CD objects (`<env>/argocd/`, next to `bootstrap/`), embedded in that directory's
 * README. Argo CD never applies them: a directory source reads only `.yaml`, `.yml`, `.json` and `.jsonnet` files,
 * one level deep (argoproj/argo-cd v3.5.1 `reposerver/repository/repository.go`).
 */
import type { RenderedEnvironment } from '../synth/render';
import { toMermaid } from './mermaid';
import { argoDirectoryOf, environmentGraph } from './model';
import { graphSvg } from './svg';

/** The SVG, relative to the directory of the environment's Argo CD objects. */
export const GRAPH_SVG_FILE = 'graph/applications.svg';
/** The Mermaid text, same directory. */
export const GRAPH_MERMAID_FILE = 'graph/applications.mmd';

/** The picture files of `env`, keyed by path relative to `application`'s directory. */
export async function graphFiles(env: RenderedEnvironment): Promise<{ readonly application: string; readonly files: ReadonlyMap<string, string> } | undefined> {
  const application = argoDirectoryOf(env);
  if (application === undefined) return undefined;
  const graph = environmentGraph(env);
  return { application, files: new Map([[GRAPH_SVG_FILE, await graphSvg(graph)], [GRAPH_MERMAID_FILE, toMermaid(graph)]]) };
}

/** The README section embedding the picture (`mermaid`: the content of `GRAPH_MERMAID_FILE`). */
export function graphReadmeSection(hydratePath: string, mermaid: string): string {
  const env = hydratePath.split('/')[0] ?? hydratePath;
  return [
    `## Applications of ${env}`,
    '',
    'Each box is an application (its sync wave and objects, or its Helm chart), grouped by namespace; an arrow points',
    'from an application to one that uses it, which Argo CD syncs after it. Drawn by `npm run graph`.',
    '',
    `![Applications, dependencies, sync waves and namespaces of ${env}](${GRAPH_SVG_FILE})`,
    '',
    '<details><summary>Mermaid</summary>',
    '',
    '```mermaid',
    mermaid.replace(/\n$/, ''),
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
}
