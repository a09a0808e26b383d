/**
 * The Graphviz DOT text of an environment's graph (laid out by Graphviz's `dot`, see ./svg.ts): one box per
 * application, grouped by namespace, an arrow from each application to the ones that use it, the applications of
 * one sync wave on one rank (`newrank` lets a rank cross the namespace boxes; graphviz.org/docs/attrs/newrank/).
 * Element ids are stable so tools and tests can find an application or a dependency in the SVG:
 * `app-<id>` for a node and `dep-<from>__<to>` for an edge, with `/` written `.` (application and directory
 * names are DNS labels: no `.` and no `_`, so the ids cannot collide).
 */
import { appendTo } from '../../constructs/lib/maps';
import { EnvironmentGraph, GraphNode, groupOf } from './model';

/** The SVG element id of application `id`. */
export function nodeElementId(id: string): string {
  return `app-${id.replace('/', '.')}`;
}

/** The SVG element id of the dependency of `to` on `from`. */
export function edgeElementId(from: string, to: string): string {
  return `dep-${from.replace('/', '.')}__${to.replace('/', '.')}`;
}

/** A DOT double-quoted string; `lines` are joined with DOT's centred line break. */
function quote(...lines: string[]): string {
  return `"${lines.map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\n')}"`;
}

/** The lines of a node's label. */
export function nodeLines(node: GraphNode): string[] {
  const objects = `${node.objects} object${node.objects === 1 ? '' : 's'}`;
  if (node.external) return [node.name, `in ${node.directory}/, synced first`];
  if (node.kind === 'root') return [node.name, 'root: app of apps', objects];
  const wave = node.wave !== undefined ? `wave ${node.wave}` : 'no wave';
  if (node.kind === 'helm') return [node.name, `${wave}, Helm chart`, node.chart ?? ''];
  return [node.name, `${wave}, ${objects}`];
}

const STYLE: Record<GraphNode['kind'] | 'external', string> = {
  root: 'style="rounded,filled,bold", fillcolor="#fdf2d0", color="#8a6d1f"',
  directory: 'style="rounded,filled", fillcolor="#eef3fb", color="#4a6fa5"',
  helm: 'style="rounded,filled", fillcolor="#e8f4ea", color="#3f7f4f"',
  external: 'style="rounded,filled,dashed", fillcolor="#f4f4f4", color="#888888"',
};

/** The DOT text of `graph`. */
export function toDot(graph: EnvironmentGraph): string {
  const out: string[] = [
    `digraph ${quote(`${graph.platform} ${graph.environment}`)} {`,
    `  graph [label=${quote(`${graph.platform} ${graph.environment}`, 'boxes: namespaces; an arrow points from an application to one that uses it (synced after it)')}, labelloc=t, fontname="Helvetica", fontsize=12, rankdir=TB, newrank=true, nodesep=0.3, ranksep=0.5];`,
    '  node [shape=box, fontname="Helvetica", fontsize=11];',
    '  edge [color="#666666", penwidth=0.8, arrowsize=0.7];',
  ];
  const groups = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) appendTo(groups, groupOf(node), node);
  [...groups.keys()].sort().forEach((group, i) => {
    out.push(`  subgraph cluster_${i} {`, `    graph [label=${quote(group)}, style="rounded,dashed", color="#999999", fontsize=11];`);
    for (const node of groups.get(group) ?? []) {
      const id = nodeElementId(node.id);
      out.push(`    ${quote(node.id)} [id=${quote(id)}, class=${quote(`application ${node.external ? 'external' : node.kind}`)}, label=${quote(...nodeLines(node))}, tooltip=${quote(node.id)}, ${STYLE[node.external ? 'external' : node.kind]}];`);
    }
    out.push('  }');
  });
  const waves = new Map<number, string[]>();
  for (const node of graph.nodes) if (node.wave !== undefined) appendTo(waves, node.wave, node.id);
  for (const wave of [...waves.keys()].sort((a, b) => a - b)) out.push(`  { rank=same; ${(waves.get(wave) ?? []).map((id) => quote(id)).join('; ')}; }`);
  const roots = graph.nodes.filter((n) => n.kind === 'root' && !n.external);
  if (roots.length > 0) out.push(`  { rank=min; ${roots.map((n) => quote(n.id)).join('; ')}; }`);
  for (const edge of graph.edges) {
    out.push(`  ${quote(edge.from)} -> ${quote(edge.to)} [id=${quote(edgeElementId(edge.from, edge.to))}, class="dependency", tooltip=${quote(`${edge.to} uses ${edge.from}`)}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
