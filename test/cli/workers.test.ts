/**
 * The synth pipeline's worker thread (tools/synth/worker.ts): real `synth` commands through the launcher
 * (tools/cli/start.cjs) in a copy of the project. With `PLATFORM_SYNTH_WORKERS=1` every cluster is validated
 * and written in the worker; the output, the findings and the exit codes are those of the single thread.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { copyProject, editFile, isolatedEnv, readTree, removeTempDirs, runCommand, RunResult as Run, START } from '../support/project';

let project: string;

/** `npm run synth -- --platform starter --outdir <outdir>` in the project copy, with `workers` as PLATFORM_SYNTH_WORKERS. */
async function synth(outdir: string, workers: string | undefined): Promise<Run> {
  const env = isolatedEnv({ PLATFORM_SYNTH_START_LOG: '1', ...(workers === undefined ? {} : { PLATFORM_SYNTH_WORKERS: workers }) });
  if (workers === undefined) delete env.PLATFORM_SYNTH_WORKERS;
  return runCommand(process.execPath, [...START, 'tools/cli/synth.ts', '--platform', 'starter', '--outdir', path.join(project, 'out', outdir)], project, env);
}

const WORKER_BUNDLE = /^start: (built|reused) the bundle of tools\/synth\/worker-main\.ts/m;

beforeAll(() => {
  project = copyProject('workers');
});
afterAll(async () => {
  removeTempDirs();
  await esbuild.stop();
});

describe('synth with the worker thread', () => {
  test('renders the same files as the single thread, with the same progress lines', async () => {
    // GIVEN the starter platform synthesised in one thread
    const single = await synth('single', '0');
    expect(single.code).toBe(0);
    expect(single.stderr).not.toMatch(WORKER_BUNDLE);
    // WHEN every cluster is validated and written in the worker
    const threaded = await synth('threaded', '1');
    // THEN the worker ran (its bundle was built), and the tree and the progress lines are the same
    expect(threaded.code).toBe(0);
    expect(threaded.stderr).toMatch(WORKER_BUNDLE);
    const tree = readTree(path.join(project, 'out', 'threaded'));
    expect(tree.size).toBeGreaterThan(0);
    expect(tree).toEqual(readTree(path.join(project, 'out', 'single')));
    const progress = (r: Run): string[] => r.stdout.split('\n').filter((l) => /^synth: (rendered|validated) /.test(l)).sort();
    expect(progress(threaded)).toEqual(progress(single));
    expect(progress(threaded)).toEqual(expect.arrayContaining([expect.stringMatching(/^synth: validated prod: \d+ objects, 0 errors/)]));
  }, 120000);

  test('a small platform stays in one thread by default', async () => {
    // GIVEN no PLATFORM_SYNTH_WORKERS WHEN the starter platform (a few objects per cluster) is synthesised
    const auto = await synth('auto', undefined);
    // THEN no worker was started
    expect(auto.code).toBe(0);
    expect(auto.stderr).not.toMatch(WORKER_BUNDLE);
  }, 120000);

  test('a validation error found in the worker fails the synth with the finding, and dist/ is unchanged', async () => {
    // GIVEN a good output, then an environment pointing a container at a Service nobody renders
    const good = await synth('failing', '1');
    expect(good.code).toBe(0);
    const before = readTree(path.join(project, 'out', 'failing'));
    editFile(project, 'examples/starter/environments/prod.ts', "api: { resources: { limits: { memory: '512Mi' } } },",
      "api: { resources: { limits: { memory: '512Mi' } }, env: { BILLING_URL: 'http://billing.payments.svc.cluster.local:8080' } },");
    try {
      // WHEN it is synthesised with the worker
      const failed = await synth('failing', '1');
      // THEN the command fails with the finding and the usual last line, and the previous output is untouched
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/ERROR \[ref\/service-url\] prod\/api Deployment\/starter\/api .*BILLING_URL points at Service 'payments\/billing'/);
      expect(failed.stderr).toMatch(/synth: error: validation failed with 1 error; .* was not changed/);
      expect(failed.stdout).toMatch(/^synth: validated prod: \d+ objects, 1 error/m);
      expect(readTree(path.join(project, 'out', 'failing'))).toEqual(before);
      expect(fs.readdirSync(path.join(project, 'out', '.failing')).filter((e) => e.startsWith('tmp-'))).toEqual([]);
    } finally {
      editFile(project, 'examples/starter/environments/prod.ts', ", env: { BILLING_URL: 'http://billing.payments.svc.cluster.local:8080' } },", ' },');
    }
  }, 120000);

  test('an unknown PLATFORM_SYNTH_WORKERS value is refused with the values it takes, before anything is written', async () => {
    // GIVEN PLATFORM_SYNTH_WORKERS=2 WHEN synth runs
    const refused = await synth('refused', '2');
    // THEN it fails naming the variable, the value and the fix, and creates no output
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/synth: error: PLATFORM_SYNTH_WORKERS is '2'\. Fix: set it to 0 .*, 1 .* or leave it unset/);
    expect(fs.existsSync(path.join(project, 'out', 'refused'))).toBe(false);
    expect(fs.existsSync(path.join(project, 'out', '.refused'))).toBe(false);
  }, 120000);
});
