/**
 * `npm run synth`: real runs of the synth command (in a throw-away copy of the project) and in-process runs of the
 * same command with modified platforms.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { App } from 'cdk8s';
import { healthxcape } from '../../charts';
import { environments } from '../../environments';
import { EnvironmentConfig, platformBuild } from '../../tools/kit';
import { synthCommand } from '../../tools/cli/synth';
import { CommandIO } from '../../tools/cli/run';
import { listFiles } from '../../tools/synth/output';
import { copyProject, START, removeTempDirs } from '../support/project';
import { testEnvironment } from '../helpers';

const run = promisify(execFile);

/** Every file under `dir` with its content hash: equal trees have equal snapshots. */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `platform-synth-${prefix}-`));
}


function capture(): CommandIO & { text: () => string } {
  const lines: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => lines.push(l), text: () => lines.join('\n') };
}

function buildWith(envs: readonly EnvironmentConfig[]) {
  const build = platformBuild(healthxcape, envs);
  return (outdir: string): App[] => [...build(outdir) as Iterable<App>];
}

describe('npm run synth (real command on a fresh copy of the project)', () => {
  let project: string;
  let first: Record<string, string>;

  beforeAll(async () => {
    project = copyProject();
    await run(process.execPath, [...START, 'tools/cli/synth.ts'], { cwd: project });
    first = tree(path.join(project, 'dist'));
  });

  test('writes dist/<env>/<app>/ for every environment, one file per object', () => {
    const dist = path.join(project, 'dist');
    expect(fs.readdirSync(dist).sort()).toEqual(['dev', 'prod', 'staging']);
    expect(fs.readdirSync(path.join(dist, 'dev')).sort()).toEqual(['argocd', 'blog-service', 'frontend', 'identity-service', 'kafka', 'local-storage', 'namespaces', 'user-service']);
    // staging uses a dynamic provisioner: no local-storage application, no PersistentVolumes.
    expect(fs.readdirSync(path.join(dist, 'staging'))).not.toContain('local-storage');
    expect(Object.keys(first).filter((f) => f.startsWith('dev/frontend/'))).toEqual([
      'dev/frontend/Deployment.frontend.yaml', 'dev/frontend/Ingress.frontend.yaml', 'dev/frontend/Service.frontend.yaml',
    ]);
  });

  test('a second run gives a byte-identical tree', async () => {
    await run(process.execPath, [...START, 'tools/cli/synth.ts', '--quiet'], { cwd: project });
    expect(tree(path.join(project, 'dist'))).toEqual(first);
  });

  test.each([
    ['latest as a prod tag', 'environments/prod.ts', "'user-service': { tag: 'v1.0.0' }", "'user-service': { tag: 'latest' }",
      "environments/prod.ts (environment 'prod'), application 'user-service', field 'images.user-service.tag': 'latest' is a floating tag"],
    ['replicas: 0', 'environments/prod.ts', 'replicas: 3,', 'replicas: 0,',
      "environments/prod.ts (environment 'prod'), field 'workloadDefaults.replicas': must be an integer between 1 and 1000 (got 0)"],
    ['an invalid host name', 'environments/dev.ts', "'dev.healthxcape.com'", "'dev_healthxcape.com'",
      "environments/dev.ts (environment 'dev'), application 'frontend', field 'apps.frontend.hosts[0]': is not a valid host name"],
  ])('a typo\'d environment value (%s) fails with the file, application and field, and dist/ is unchanged', async (_what, file, search, replacement, message) => {
    const full = path.join(project, file);
    const original = fs.readFileSync(full, 'utf8');
    expect(original).toContain(search);
    fs.writeFileSync(full, original.replace(search, replacement));
    try {
      const failure = await run(process.execPath, [...START, 'tools/cli/synth.ts'], { cwd: project }).then(() => undefined, (e: { code: number; stderr: string; stdout: string }) => e);
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain(message);
      expect(failure?.stderr).not.toMatch(/^\s+at /m);
      expect(tree(path.join(project, 'dist'))).toEqual(first);
    } finally {
      fs.writeFileSync(full, original);
    }
  });
});

afterAll(removeTempDirs);

describe('synth (in process)', () => {
  test('removing an application removes its directory, stale files disappear', async () => {
    const outdir = path.join(tempDir('out'), 'dist');
    const io = capture();
    expect(await synthCommand(['--outdir', outdir, '--quiet'], io, buildWith(environments))).toBe(0);
    expect(fs.existsSync(path.join(outdir, 'dev/local-storage'))).toBe(true);
    // dev moves to a dynamic provisioner: the local-storage application is no longer rendered.
    const devDynamic = testEnvironment({ name: 'dev', stage: 'development', storage: { mode: 'dynamic', storageClassName: 'standard' } });
    expect(await synthCommand(['--outdir', outdir, '--quiet'], io, buildWith([devDynamic]))).toBe(0);
    expect(fs.readdirSync(outdir)).toEqual(['dev']);
    expect(fs.existsSync(path.join(outdir, 'dev/local-storage'))).toBe(false);
    expect(listFiles(outdir).some((f) => f.includes('PersistentVolume.'))).toBe(false);
  });

  test('an exception in a construct leaves the previous output untouched and prints no stack trace', async () => {
    const outdir = path.join(tempDir('out'), 'dist');
    await synthCommand(['--outdir', outdir, '--quiet'], capture(), buildWith(environments));
    const before = tree(outdir);
    const io = capture();
    const broken = (dir: string): App[] => {
      const apps = buildWith(environments)(dir);
      throw new Error(`construct blew up after building ${apps.length} apps`);
    };
    expect(await synthCommand(['--outdir', outdir], io, broken)).toBe(1);
    expect(io.text()).toContain('synth: error: construct blew up after building 3 apps');
    expect(io.text()).not.toMatch(/^\s+at /m);
    expect(tree(outdir)).toEqual(before);
  });

  test('progress output names every environment and the files written', async () => {
    const io = capture();
    await synthCommand(['--outdir', path.join(tempDir('out'), 'dist')], io, buildWith(environments));
    expect(io.text()).toMatch(/synth: rendered dev: 8 applications, \d+ objects/);
    expect(io.text()).toMatch(/synth: validated prod: \d+ objects, 0 errors/);
    expect(io.text()).toMatch(/synth: wrote \d+ files to .*dist\/ in \d+\.\d\d s/);
  });

  test('unknown flags are usage errors (exit 2)', async () => {
    const io = capture();
    expect(await synthCommand(['--outdri', 'x'], io, buildWith(environments))).toBe(2);
    expect(io.text()).toMatch(/Unknown option '--outdri'.*Run with --help for usage/);
  });
});
