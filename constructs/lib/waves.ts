/**
 * Argo CD sync waves derived from declared dependencies: an application's wave is its depth in the
 * dependency graph (no dependencies: 0; otherwise one more than its deepest dependency).
 */
import { ConfigError, Problem } from './errors';
import { compareText } from './order';

/** How to read a graph node. */
export interface GraphAccessors<T> {
  readonly name: (node: T) => string;
  readonly dependencies: (node: T) => readonly T[];
}

/** Where the graph comes from, for error messages. */
export interface GraphLocation {
  readonly environment?: string;
  readonly file?: string;
}

/**
 * The wave of every node. Throws a `ConfigError` naming the applications involved when a dependency is not
 * among `nodes` (missing from the environment) or when dependencies form a cycle.
 */
export function computeWaves<T>(nodes: readonly T[], graph: GraphAccessors<T>, where: GraphLocation = {}): Map<T, number> {
  const { environment, file } = where;
  const members = new Set(nodes);
  const problems: Problem[] = [];
  for (const node of nodes) {
    for (const dep of graph.dependencies(node)) {
      if (!members.has(dep)) {
        problems.push({
          environment, file, application: graph.name(node), field: 'dependencies',
          message: `depends on application '${graph.name(dep)}', which is not part of environment '${environment ?? '?'}'`,
          value: graph.name(dep),
          fix: `add '${graph.name(dep)}' to the environment, or remove the dependency of '${graph.name(node)}' on it`,
        });
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, 'dependency on a missing application');

  const byName = (a: T, b: T): number => compareText(graph.name(a), graph.name(b));
  const waves = new Map<T, number>();
  const visiting: T[] = [];
  const visit = (node: T): number => {
    const known = waves.get(node);
    if (known !== undefined) return known;
    const at = visiting.indexOf(node);
    if (at >= 0) {
      const cycle = [...visiting.slice(at), node].map(graph.name);
      throw new ConfigError([{
        environment, file, application: graph.name(node), field: 'dependencies',
        message: `dependency cycle: ${cycle.join(' -> ')}`,
        value: cycle,
        fix: 'remove one of these dependencies; the sync order must be a directed acyclic graph',
      }], 'dependency cycle between applications');
    }
    visiting.push(node);
    let wave = 0;
    for (const dep of [...graph.dependencies(node)].sort(byName)) wave = Math.max(wave, visit(dep) + 1);
    visiting.pop();
    waves.set(node, wave);
    return wave;
  };
  for (const node of [...nodes].sort(byName)) visit(node);
  return waves;
}
