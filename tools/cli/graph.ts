/**
 * `npm run graph [-- --platform <name>] [--env <env>]...`: the picture of each environment (tools/graph): its
 * applications, their dependencies, sync waves and namespaces, as SVG (Graphviz layout) and Mermaid text.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { closest } from '../../constructs/lib/suggest';
import { EnvironmentGraph, environmentGraph, graphSvg, toDot, toMermaid } from '../graph';
import type { BuildFunction } from '../synth';
import { renderEnvironments } from '../synth';
import { loadPlatform, PLATFORM_OPTION, PLATFORM_USAGE } from './platforms';
import { CommandIO, parseCommandLine, PROCESS_IO, runCommand, UsageError } from './run';

const FORMATS = ['svg', 'mermaid', 'dot', 'json'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: npm run graph [-- --platform <name>] [--env <env>]... [--outdir <dir>] [--print <format>]

Draws each directory the platform renders (every environment, and the add-ons of a shared cluster): one box per
application (its sync wave, its objects or its Helm chart), grouped by namespace, and an arrow from each
application to the ones that use it (the typed references of the catalog, and custom resources whose CRDs another
application installs), which Argo CD syncs after it. Writes <outdir>/<env>.svg (laid out by Graphviz) and
<outdir>/<env>.mmd (Mermaid, for Markdown). Renders in memory; dist/ is not read or written.

${PLATFORM_USAGE}
  --env <env>        only this directory (repeatable; default: all of them)
  --outdir <dir>     where to write (default: graph/<platform>)
  --print <format>   print instead of writing files: svg, mermaid or dot (one --env), or json (the graphs of
                     the selected directories: applications, dependencies, waves, namespaces)

Exit codes: 0 drawn; 1 error; 2 usage error.`;

/** The graph command. Returns the exit code. `build` replaces the platform named by `--platform` (tests). */
export async function graphCommand(argv: readonly string[], io: CommandIO = PROCESS_IO, build?: BuildFunction): Promise<number> {
  return runCommand('graph', argv, async () => {
    const { values } = parseCommandLine('graph', argv, {
      ...PLATFORM_OPTION,
      env: { type: 'string', multiple: true },
      outdir: { type: 'string' },
      print: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const format = values.print as Format | undefined;
    if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--print must be one of ${FORMATS.join(', ')}, got '${format}'`);
    }
    const wanted = values.env ?? [];
    if (format !== undefined && format !== 'json' && wanted.length !== 1) {
      throw new UsageError(`--print ${format} draws one directory: add exactly one --env <env> (got ${wanted.length}), or use --print json`);
    }
    if (format !== undefined && values.outdir !== undefined) throw new UsageError('--print writes to stdout: drop --outdir (or --print)');

    const platform = build === undefined ? await loadPlatform(values.platform) : undefined;
    const checkNames = (known: readonly string[]): void => {
      for (const name of wanted) {
        if (known.includes(name)) continue;
        const hint = closest(name, known);
        throw new UsageError(`unknown environment '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}: platform '${platform?.name ?? values.platform ?? 'reference'}' renders ${known.map((k) => `'${k}'`).join(', ')}. Fix: pass one of them to --env, or omit --env to draw all`);
      }
    };
    // The directories: every environment, and every cluster shared by several (checked before rendering).
    if (platform !== undefined) checkNames([...new Set(platform.environments.flatMap((e) => (e.cluster.implicit ? [e.name] : [e.name, e.cluster.name])))]);
    const rendered = await renderEnvironments(build ?? (platform as { build: BuildFunction }).build, 'dist');
    checkNames(rendered.map((e) => e.name));
    const graphs: EnvironmentGraph[] = rendered.filter((e) => wanted.length === 0 || wanted.includes(e.name)).map(environmentGraph);

    if (format === 'json') {
      io.out(JSON.stringify(graphs, null, 2));
      return 0;
    }
    if (format !== undefined) {
      const graph = graphs[0] as EnvironmentGraph;
      const text = format === 'svg' ? await graphSvg(graph) : format === 'dot' ? toDot(graph) : toMermaid(graph);
      io.out(text.replace(/\n$/, ''));
      return 0;
    }
    const outdir = values.outdir ?? path.join('graph', platform?.name ?? values.platform ?? 'reference');
    fs.mkdirSync(outdir, { recursive: true });
    for (const graph of graphs) {
      const svg = path.join(outdir, `${graph.environment}.svg`);
      fs.writeFileSync(svg, await graphSvg(graph));
      fs.writeFileSync(path.join(outdir, `${graph.environment}.mmd`), toMermaid(graph));
      io.out(`graph: ${svg} (and .mmd): ${graph.nodes.length} applications, ${graph.edges.length} dependencies`);
    }
    return 0;
  }, io);
}

if (require.main === module) {
  void graphCommand(process.argv.slice(2));
}
