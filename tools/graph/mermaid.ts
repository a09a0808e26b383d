/**
 * The Mermaid flowchart of an environment's graph (GitHub renders ```mermaid blocks in Markdown): the same
 * boxes, namespaces and arrows as the SVG (./dot.ts), laid out by the Markdown viewer's Mermaid. Optionally
 * highlights some applications (the rendered diff marks the changed ones). Syntax of mermaid-js/mermaid
 * `docs/syntax/flowchart.md`: quoted labels, `subgraph <id> [<title>]`, `classDef` and `class`.
 */
import { nodeLines } from './dot';
import { EnvironmentGraph, GraphNode, groupOf } from './model';
import { appendTo } from '../../constructs/lib/maps';
import { compareText } from '../../constructs/lib/order';

/** Options of `toMermaid`. */
export interface MermaidOptions {
  /**
   * Ids of applications to highlight (class `changed`).
   * @default - none
   */
  readonly highlight?: ReadonlySet<string>;
}

/** Mermaid's quoted label text: `"` is written as an entity, lines are joined with `<br/>`. */
function label(lines: readonly string[]): string {
  return `"${lines.filter((l) => l !== '').map((l) => l.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>')}"`;
}

/** The Mermaid text of `graph`. Node ids are `n<i>` in the order of the graph's nodes (sorted by id). */
export function toMermaid(graph: EnvironmentGraph, options: MermaidOptions = {}): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const out: string[] = ['flowchart TB'];
  const groups = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) appendTo(groups, groupOf(node), node);
  [...groups.keys()].sort().forEach((group, i) => {
    out.push(`  subgraph g${i} [${label([group])}]`);
    for (const node of groups.get(group) ?? []) out.push(`    ${ids.get(node.id)}[${label(nodeLines(node))}]`);
    out.push('  end');
  });
  for (const edge of graph.edges) out.push(`  ${ids.get(edge.from)} --> ${ids.get(edge.to)}`);
  out.push(
    '  classDef root fill:#fdf2d0,stroke:#8a6d1f,stroke-width:2px',
    '  classDef directory fill:#eef3fb,stroke:#4a6fa5',
    '  classDef helm fill:#e8f4ea,stroke:#3f7f4f',
    '  classDef external fill:#f4f4f4,stroke:#888888,stroke-dasharray:4 3',
    '  classDef changed fill:#ffe3e3,stroke:#c0392b,stroke-width:3px',
  );
  const byClass = new Map<string, string[]>();
  for (const node of graph.nodes) {
    const cls = options.highlight?.has(node.id) ? 'changed' : node.external ? 'external' : node.kind;
    appendTo(byClass, cls, ids.get(node.id) as string);
  }
  for (const [cls, members] of [...byClass].sort(([a], [b]) => compareText(a, b))) out.push(`  class ${members.join(',')} ${cls}`);
  return `${out.join('\n')}\n`;
}
