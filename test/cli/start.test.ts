/**
 * The start-up path of the package scripts (tools/cli/start.cjs): the command runs from a cached bundle while
 * its inputs are unchanged, and from a rebuilt one as soon as any changes, so an edited environment file takes
 * effect at once. Real commands on a temporary copy of the project and its platforms.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { BundleManifest, lineTable } from '../../tools/cli/bundle';
import { mapPosition } from '../../tools/cli/stack';
import { copyProject, editFile, isolatedEnv, readTree, removeTempDirs, START, tempDir } from '../support/project';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const start = require('../../tools/cli/start.cjs') as {
  platformOf: (args: readonly string[], root?: string) => string | null;
  bundleId: (entry: string, platform: string | null, root?: string) => string;
  CACHE_DIR: string;
  FORMAT: number;
  inputsKey: (manifest: BundleManifest, read: (file: string) => Buffer | string | undefined, list: (dir: string) => string[] | undefined) => string;
  readInput: (file: string, root?: string) => Buffer | undefined;
  listInputs: (dir: string, root?: string) => string[] | undefined;
  currentBuild: (manifestFile: string, root?: string, margin?: number) => { manifest: BundleManifest; by: 'status' | 'content' } | undefined;
};


const run = promisify(execFile);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let project: string;

/** Run a command through the launcher in the project copy, logging what the launcher did. */
async function command(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...START, ...args], { cwd: project, env: isolatedEnv({ PLATFORM_SYNTH_START_LOG: '1', ...env }) });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = e as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

beforeAll(() => {
  project = copyProject('start');
});
afterAll(async () => {
  removeTempDirs();
  await esbuild.stop();
});

describe('a platform edited between runs (examples/starter in a copy of the project)', () => {
  const out = (name: string): string => path.join(project, 'out', name);
  const synth = (outdir: string): Promise<Run> => command(['tools/cli/synth.ts', '--platform', 'starter', '--quiet', '--outdir', outdir]);

  test('the bundle is built once, reused while nothing changes, and rebuilt with the edit, which takes effect at once', async () => {
    // GIVEN a first run (builds the bundle)
    const first = await synth(out('1'));
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^start: built the bundle of tools\/cli\/synth\.ts/m);
    const before = readTree(out('1'));
    expect(before.get('prod/api/Deployment.api.yaml')).toContain(':1.4.2');

    // WHEN it runs again unchanged THEN the bundle is reused and the output is the same
    const second = await synth(out('2'));
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/^start: reused the bundle of tools\/cli\/synth\.ts/m);
    expect(readTree(out('2'))).toEqual(before);

    // WHEN an environment file changes THEN the next run rebuilds and renders the new value
    editFile(project, 'examples/starter/environments/prod.ts', "api: { tag: '1.4.2' }", "api: { tag: '1.4.3' }");
    const third = await synth(out('3'));
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/^start: built the bundle/m);
    const after = readTree(out('3'));
    expect(after.get('prod/api/Deployment.api.yaml')).toContain(':1.4.3');
    expect(after.get('prod/api/Deployment.api.yaml')).not.toContain(':1.4.2');
    expect([...after.keys()]).toEqual([...before.keys()]);
  }, 120000);

  test('a new environment file is seen at once (the listing of environments/ keys the bundle)', async () => {
    // GIVEN a bundle built for the current files
    expect((await synth(out('4'))).code).toBe(0);
    // WHEN an environment file the platform does not list is added
    const file = path.join(project, 'examples/starter/environments/qa.ts');
    fs.writeFileSync(file, "import { defineEnvironment } from '../../../tools/kit';\nimport { base } from './base';\n\nexport const qa = defineEnvironment(base, { name: 'qa', stage: 'development' });\n");
    try {
      const result = await synth(out('5'));
      // THEN the command reports it, as it does when run from the sources
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^start: built the bundle/m);
      expect(result.stderr).toContain("examples/starter/environments/qa.ts defines environment 'qa', which the platform's environment list does not include");
    } finally {
      fs.rmSync(file);
    }
  }, 120000);

  test('a build esbuild refuses runs the sources with tsx: the error reads as it does there', async () => {
    // GIVEN an import of a name the kit does not export (esbuild refuses it; tsx fails when the file runs)
    const file = 'examples/starter/environments/dev.ts';
    const original = fs.readFileSync(path.join(project, file), 'utf8');
    editFile(project, file, 'import { defineEnvironment }', 'import { defineEnviroment as defineEnvironment }');
    try {
      const bundled = await synth(out('6'));
      const sources = await command(['tools/cli/synth.ts', '--platform', 'starter', '--quiet', '--outdir', out('7')], { PLATFORM_SYNTH_START: 'tsx' });
      // THEN both name the file and line and the cause, without a stack
      expect(bundled.stderr).toMatch(/^start: built nothing of tools\/cli\/synth\.ts .*No matching export/m);
      expect(bundled.code).toBe(1);
      expect(bundled.stderr).toMatch(/examples\/starter\/environments\/dev\.ts:\d+: loading the platform failed: .*is not a function: a name the file uses is missing/);
      expect(bundled.stderr.replace(/^start: .*\n/gm, '')).toBe(sources.stderr.replace(/^start: .*\n/gm, ''));
      expect(bundled.stderr).not.toMatch(/^\s+at /m);
    } finally {
      fs.writeFileSync(path.join(project, file), original);
    }
  }, 120000);

  test('a damaged code cache entry is rejected and rewritten, the command still runs', async () => {
    // GIVEN a current bundle and its V8 code cache entry
    expect((await synth(out('8'))).code).toBe(0);
    const id = start.bundleId(path.join(project, 'tools/cli/synth.ts'), path.join('examples', 'starter'), project);
    const manifest = JSON.parse(fs.readFileSync(path.join(start.CACHE_DIR, `${id}.json`), 'utf8')) as { bundle: string };
    const codeDir = path.join(path.dirname(start.CACHE_DIR), 'code');
    const entry = fs.readdirSync(codeDir).find((f) => f.startsWith(`${path.basename(manifest.bundle)}.`));
    expect(entry).toBeDefined();
    // WHEN the entry is damaged
    const file = path.join(codeDir, entry as string);
    fs.writeFileSync(file, 'not V8 code');
    const result = await synth(out('9'));
    // THEN the run succeeds with the same output and the entry holds compiled code again
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^start: reused the bundle/m);
    expect(readTree(out('9'))).toEqual(readTree(out('8')));
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
  }, 120000);
});

describe('the reference platform', () => {
  test('renders byte-identical output from the bundle and from the sources', async () => {
    // GIVEN the reference platform rendered both ways
    const bundled = path.join(tempDir('start-bundled'), 'dist');
    const sources = path.join(tempDir('start-sources'), 'dist');
    const a = await command(['tools/cli/synth.ts', '--quiet', '--outdir', bundled]);
    const b = await command(['tools/cli/synth.ts', '--quiet', '--outdir', sources], { PLATFORM_SYNTH_START: 'tsx' });
    // THEN both succeed with the same files
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stderr).toMatch(/^start: (built|reused) the bundle/m);
    expect(readTree(bundled)).toEqual(readTree(sources));
  }, 120000);

  test('validate --verbose prints stacks in terms of the source files', async () => {
    // GIVEN an unexpected error thrown by a construct helper while the platform builds
    const helper = path.join(project, 'constructs/lib/errors.ts');
    const main = path.join(project, 'main.ts');
    const originals = [helper, main].map((f) => fs.readFileSync(f, 'utf8'));
    const line = (originals[0] as string).split('\n').length + 2;
    fs.appendFileSync(helper, "\nexport function failHere(): never {\n  throw new Error('boom at a known line');\n}\n");
    editFile(project, 'main.ts', 'export const build = platformBuild(healthxcape, environments);',
      "const renderAll = platformBuild(healthxcape, environments);\nexport const build: typeof renderAll = (outdir) => (process.env.FAIL_HERE === '1' ? failHere() : renderAll(outdir));");
    fs.writeFileSync(main, `import { failHere } from './constructs/lib/errors';\n${fs.readFileSync(main, 'utf8')}`);
    try {
      const result = await command(['tools/cli/validate.ts', '--verbose'], { FAIL_HERE: '1' });
      // THEN the frames name the source files and lines, not the bundle
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^start: built the bundle/m);
      expect(result.stderr).toContain('boom at a known line');
      expect(result.stderr).toContain(`at failHere (${helper}:${line}:`);
      expect(result.stderr).toMatch(new RegExp(`at build \\(${main.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+\\)`));
      expect(result.stderr).not.toContain('.cache/platform-synth/start');
    } finally {
      [helper, main].forEach((f, i) => fs.writeFileSync(f, originals[i] as string));
    }
  }, 120000);
});

describe('platformOf (which platform the bundle compiles in)', () => {
  test.each([
    [[], ''],
    [['--platform', 'reference'], ''],
    [['--platform', 'starter'], path.join('examples', 'starter')],
    [['--platform=starter'], path.join('examples', 'starter')],
    [['--platform', 'no-such-platform'], null],
    [['--platform', '../charts'], null],
    [['--', '--platform', 'starter'], ''],
  ] as const)('%j -> %j', (args, expected) => {
    expect(start.platformOf(args)).toBe(expected);
  });
});

describe('lineTable (generated lines back to source lines)', () => {
  test('maps a line of each bundled source file to its file and line', async () => {
    // GIVEN two TypeScript files bundled with esbuild, with type annotations that shift columns and lines
    const dir = tempDir('line-table');
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\n\ninterface Shape {\n  readonly x: number;\n}\n\nexport const shape: Shape = { x: 1 };\nconsole.log('marker-a', b(shape.x));\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "type N = number;\n\n\nexport function b(n: N): N {\n  return n + 'marker-b'.length;\n}\n");
    const result = await esbuild.build({ absWorkingDir: dir, entryPoints: ['a.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(dir, 'out.cjs'), write: false, sourcemap: 'external', sourcesContent: false, logLevel: 'silent' });
    const code = result.outputFiles.find((f) => f.path.endsWith('out.cjs'))?.text ?? '';
    const map = JSON.parse(result.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '{}') as { sources: string[]; mappings: string };
    // WHEN the table is built
    const table = lineTable(map, dir, dir);
    // THEN each marker's generated line maps to its source line
    const generated = code.split('\n');
    const lineOf = (marker: string): number => generated.findIndex((l) => l.includes(marker)) + 1;
    expect(mapPosition(table, lineOf('marker-a'), 1)).toMatchObject({ file: path.join(dir, 'a.ts'), line: 8 });
    expect(mapPosition(table, lineOf('marker-b'), 3)).toMatchObject({ file: path.join(dir, 'b.ts'), line: 5 });
    // and lines outside the table map to nothing
    expect(mapPosition(table, generated.length + 10, 1)).toBeUndefined();
  });

  test('leaves out sources outside the project and in node_modules', () => {
    // GIVEN a map whose sources lie in node_modules and outside the root
    const map = { sources: ['../outside.ts', 'node_modules/pkg/index.js', 'ours.ts'], mappings: 'AAAA;ACAA;ACAA' };
    // WHEN the table is built THEN only the project's own file is kept
    const table = lineTable(map, '/project', '/project');
    expect(table.sources).toEqual(['/project/ours.ts']);
    expect(mapPosition(table, 1, 1)).toBeUndefined();
    expect(mapPosition(table, 2, 1)).toBeUndefined();
    expect(mapPosition(table, 3, 1)).toEqual({ file: '/project/ours.ts', line: 1, column: 1 });
  });
});

describe('currentBuild (is a cached bundle still current?)', () => {
  /** A project of two inputs and a listed directory, and the manifest of a build from them. */
  function built(): { root: string; manifestFile: string } {
    const root = tempDir('current-build');
    fs.mkdirSync(path.join(root, 'envs'));
    fs.writeFileSync(path.join(root, 'main.ts'), 'export const tag = "1.4.2";\n');
    fs.utimesSync(path.join(root, 'main.ts'), 1_700_000_000, 1_700_000_000); // whole seconds: restorable exactly
    fs.writeFileSync(path.join(root, 'envs', 'dev.ts'), 'export const dev = 1;\n');
    fs.writeFileSync(path.join(root, 'bundle.cjs'), '');
    const partial = { format: start.FORMAT, entry: path.join(root, 'main.ts'), platform: null, inputs: ['envs/dev.ts', 'main.ts'], lists: ['envs'], bundle: path.join(root, 'bundle.cjs') };
    const key = start.inputsKey({ ...partial, key: '' }, (f) => start.readInput(f, root), (d) => start.listInputs(d, root));
    const manifestFile = path.join(root, 'id.json');
    fs.writeFileSync(manifestFile, JSON.stringify({ ...partial, key }));
    return { root, manifestFile };
  }

  test('GIVEN inputs found current by content WHEN checked again unchanged THEN their recorded status suffices', () => {
    const { root, manifestFile } = built();
    // GIVEN (a margin of 0: the inputs just written count as settled)
    expect(start.currentBuild(manifestFile, root, 0)?.by).toBe('content');
    // WHEN / THEN
    expect(start.currentBuild(manifestFile, root, 0)?.by).toBe('status');
  });

  test('GIVEN a recorded status WHEN an input is rewritten with the same size and its old modification time THEN the change is seen (the change time moved) and the bundle is not current', async () => {
    const { root, manifestFile } = built();
    start.currentBuild(manifestFile, root, 0);
    // (past the file system's clock tick, a few milliseconds, which the margin covers in real use)
    await new Promise((resolve) => setTimeout(resolve, 50));
    // WHEN
    const file = path.join(root, 'main.ts');
    const before = fs.statSync(file, { bigint: true });
    fs.writeFileSync(file, 'export const tag = "1.4.3";\n');
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    const after = fs.statSync(file, { bigint: true });
    expect([after.size, after.ino, after.mtimeNs]).toEqual([before.size, before.ino, before.mtimeNs]);
    // THEN
    expect(start.currentBuild(manifestFile, root, 0)).toBeUndefined();
  });

  test('GIVEN a recorded status WHEN a file is added to a listed directory THEN the bundle is not current', () => {
    const { root, manifestFile } = built();
    start.currentBuild(manifestFile, root, 0);
    fs.writeFileSync(path.join(root, 'envs', 'qa.ts'), 'export const qa = 1;\n');
    expect(start.currentBuild(manifestFile, root, 0)).toBeUndefined();
  });

  test('GIVEN inputs changed just before a check WHEN checked again THEN they are read again, not trusted by status', () => {
    const { root, manifestFile } = built();
    // GIVEN a check within the margin of the inputs' last change
    expect(start.currentBuild(manifestFile, root, 60_000)?.by).toBe('content');
    // WHEN / THEN no status was recorded
    expect(start.currentBuild(manifestFile, root, 60_000)?.by).toBe('content');
    expect(fs.existsSync(path.join(root, 'id.stat.json'))).toBe(false);
  });

  test('GIVEN a damaged status record WHEN checked THEN the inputs are read by content', () => {
    const { root, manifestFile } = built();
    fs.writeFileSync(path.join(root, 'id.stat.json'), '{"key":');
    expect(start.currentBuild(manifestFile, root, 0)?.by).toBe('content');
  });
});
