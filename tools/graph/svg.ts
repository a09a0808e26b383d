/**
 * SVG from DOT with Graphviz's `dot` layout, compiled to WebAssembly (@viz-js/viz, Graphviz 16). The module is
 * loaded on first use only: the commands that draw (graph, publish) pay for it, synth never loads it.
 */
import type { Viz } from '@viz-js/viz';
import { PlatformError } from '../../constructs/lib/errors';
import { toDot } from './dot';
import type { EnvironmentGraph } from './model';

let viz: Promise<Viz> | undefined;

/** Lay out `dot` and return the SVG document. */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= import('@viz-js/viz').then((module) => module.instance());
  const result = (await viz).render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    throw new PlatformError(`Graphviz could not lay out the graph: ${result.errors.map((e) => `${e.level ?? 'error'}: ${e.message}`).join('; ')}`);
  }
  return result.output;
}

/** The SVG of `graph`. */
export function graphSvg(graph: EnvironmentGraph): Promise<string> {
  return renderSvg(toDot(graph));
}
