/**
 * `npm run graph`: real runs of the command in a copy of the project, for every platform in examples/ and the
 * reference; misspelt names are usage errors that name the fix; synth never loads the graph code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplePlatforms } from '../../tools/cli/platforms';
import { graphCommand } from '../../tools/cli/graph';
import { CommandIO } from '../../tools/cli/run';
import { build } from '../../main';
import { EnvironmentGraph, environmentGraph, toMermaid } from '../../tools/graph';
import type { RenderedEnvironment } from '../../tools/synth/render';
import { copyProject, removeTempDirs, runTsx } from '../support/project';
import { platforms, renderPlatform } from '../helpers';

function capture(): CommandIO & { text: () => string } {
  const lines: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => lines.push(l), text: () => lines.join('\n') };
}

let project: string;
beforeAll(() => {
  project = copyProject('graph');
});
afterAll(removeTempDirs);

describe('npm run graph (real command)', () => {
  test('writes an SVG and a Mermaid file for every directory of the reference platform, and leaves dist/ alone', async () => {
    const result = await runTsx(project, 'tools/cli/graph.ts', []);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = renderPlatform(platforms()[0] as Parameters<typeof renderPlatform>[0]).map((e) => e.name).sort();
    const written = fs.readdirSync(path.join(project, 'graph', 'reference')).sort();
    expect(written).toEqual(expected.flatMap((env) => [`${env}.mmd`, `${env}.svg`]).sort());
    const svg = fs.readFileSync(path.join(project, 'graph', 'reference', 'prod.svg'), 'utf8');
    expect(svg).toMatch(/^<\?xml [^\n]*\n<!DOCTYPE svg/);
    expect(svg).toContain('id="app&#45;kafka"');
    expect(fs.readFileSync(path.join(project, 'graph', 'reference', 'prod.mmd'), 'utf8')).toMatch(/^flowchart TB\n/);
    expect(result.stdout).toContain('graph/reference/prod.svg (and .mmd): ');
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  });

  test.each(examplePlatforms())('--platform %s writes one SVG per environment', async (name) => {
    const outdir = path.join(project, 'out', name);
    const result = await runTsx(project, 'tools/cli/graph.ts', ['--platform', name, '--outdir', outdir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const platform = platforms().find((p) => p.name === name) as Parameters<typeof renderPlatform>[0];
    const directories = renderPlatform(platform).map((e) => e.name);
    expect(fs.readdirSync(outdir).filter((f) => f.endsWith('.svg')).sort()).toEqual(directories.map((d) => `${d}.svg`).sort());
  });

  test('--print json --env prod prints the graph of prod only', async () => {
    const result = await runTsx(project, 'tools/cli/graph.ts', ['--print', 'json', '--env', 'prod']);
    expect(result.code).toBe(0);
    const graphs = JSON.parse(result.stdout) as EnvironmentGraph[];
    expect(graphs.map((g) => g.environment)).toEqual(['prod']);
    expect(graphs[0]?.edges).toContainEqual({ from: 'kafka', to: 'identity-service' });
  });

  test('a misspelt environment is a usage error naming the closest one and the list', async () => {
    const result = await runTsx(project, 'tools/cli/graph.ts', ['--env', 'prd']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("graph: error: unknown environment 'prd' (did you mean 'prod'?): platform 'reference' renders 'dev', 'staging', 'prod'. Fix: pass one of them to --env");
    expect(fs.existsSync(path.join(project, 'graph', 'reference', 'prd.svg'))).toBe(false);
  });

  test('a misspelt platform is a usage error listing the platforms', async () => {
    const result = await runTsx(project, 'tools/cli/graph.ts', ['--platform', 'startr']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("graph: error: unknown platform 'startr' (did you mean 'starter'?); the repository has 'reference', ");
    expect(result.stderr).toContain('Fix: pass one of them to --platform');
  });

  test('synth does not load the graph code (no WebAssembly in the synth path)', async () => {
    const script = [
      "const { synthCommand } = require('./tools/cli/synth.ts');",
      "synthCommand(['--quiet', '--outdir', 'synth-out']).then((code) => {",
      "  const loaded = Object.keys(require.cache).filter((f) => f.includes('/tools/graph/') || f.includes('@viz-js'));",
      "  const synth = Object.keys(require.cache).filter((f) => f.includes('/tools/synth/'));",
      '  console.log(JSON.stringify({ code, loaded, synth: synth.length }));',
      '});',
    ].join('\n');
    fs.writeFileSync(path.join(project, 'probe.ts'), script);
    const result = await runTsx(project, 'probe.ts', []);
    expect(JSON.parse(result.stdout)).toEqual({ code: 0, loaded: [], synth: expect.any(Number) });
    expect((JSON.parse(result.stdout) as { synth: number }).synth).toBeGreaterThan(0);
  });
});

describe('graph command usage errors (in process)', () => {
  test.each([
    [['--print', 'png', '--env', 'prod'], "--print must be one of svg, mermaid, dot, json, got 'png'"],
    [['--print', 'mermaid'], '--print mermaid draws one directory: add exactly one --env <env> (got 0), or use --print json'],
    [['--print', 'svg', '--env', 'dev', '--env', 'prod'], '--print svg draws one directory: add exactly one --env <env> (got 2)'],
    [['--print', 'dot', '--env', 'dev', '--outdir', 'x'], '--print writes to stdout: drop --outdir (or --print)'],
    [['--colour'], "graph: Unknown option '--colour'"],
  ])('%j', async (argv, message) => {
    const io = capture();
    expect(await graphCommand(argv, io)).toBe(2);
    process.exitCode = undefined; // runCommand sets it for the process; this one is jest's
    expect(io.text()).toContain(message);
  });

  test('--print mermaid --env prod prints the Mermaid of prod only', async () => {
    const io = capture();
    expect(await graphCommand(['--print', 'mermaid', '--env', 'prod'], io, build)).toBe(0);
    const prod = renderPlatform(platforms()[0] as Parameters<typeof renderPlatform>[0]).find((e) => e.name === 'prod') as RenderedEnvironment;
    expect(`${io.text()}\n`).toBe(toMermaid(environmentGraph(prod)));
  });

  test('a directory the build does not render is named with the ones it does', async () => {
    const io = capture();
    expect(await graphCommand(['--env', 'qa'], io, build)).toBe(2);
    process.exitCode = undefined;
    expect(io.text()).toContain("unknown environment 'qa': platform 'reference' renders 'dev', 'staging', 'prod'.");
  });

  test('--help prints the usage and exits 0', async () => {
    const io = capture();
    expect(await graphCommand(['--help'], io)).toBe(0);
    expect(io.text()).toMatch(/^usage: npm run graph/);
  });
});
