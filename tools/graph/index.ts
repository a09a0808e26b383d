/**
 * The picture of the platform: per rendered directory, its applications, their dependencies, sync waves and
 * namespaces, as SVG (Graphviz layout) and Mermaid text (`npm run graph`, tools/cli/graph.ts; the rendered
 * branch's README of each environment, tools/publish; the rendered diff, tools/diff/markdown.ts).
 */
import { toDot } from './dot';
import { toMermaid } from './mermaid';
import { EnvironmentGraph } from './model';
import { renderSvg } from './svg';

export * from './dot';
export * from './mermaid';
export * from './model';
export { renderSvg } from './svg';

/** The SVG of `graph`. */
export function graphSvg(graph: EnvironmentGraph): Promise<string> {
  return renderSvg(toDot(graph));
}

/** The pictures of `graph`: SVG and Mermaid. */
export async function graphPictures(graph: EnvironmentGraph): Promise<{ readonly svg: string; readonly mermaid: string }> {
  return { svg: await graphSvg(graph), mermaid: toMermaid(graph) };
}
