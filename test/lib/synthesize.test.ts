/**
 * The synth pipeline's loop (tools/synth/index.ts `synthesize`): one cluster at a time, and nothing of a cluster
 * kept once it is handed on, so a cluster's constructs can be collected before the next one is built.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ApiObject, App, Chart } from 'cdk8s';
import { renderEnvironments, synthesize } from '../../tools/synth';
import { applicationChart } from '../helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function outdir(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-loop-')), 'dist');
}

describe('synthesize', () => {
  test('a cluster\'s App can be collected before the next cluster is built', async () => {
    // GIVEN a build of two clusters that records, while it builds the second, whether the first App is still reachable
    const built: WeakRef<App>[] = [];
    let firstAliveWhileSecondBuilt: boolean | undefined;
    const cluster = (name: string): App => {
      const { app, chart } = applicationChart('settings', { context: { environment: name } });
      new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
      built.push(new WeakRef(app));
      return app;
    };
    async function* build(): AsyncGenerator<App> {
      yield cluster('one');
      // A later task: a WeakRef's target is kept alive until the task that made it ends.
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      firstAliveWhileSecondBuilt = built[0]?.deref() !== undefined;
      yield cluster('two');
    }
    // WHEN the pipeline runs it
    const summary = await synthesize(build, { outdir: outdir(), validate: false, workers: 'off' });
    // THEN both clusters were built, and the first was unreachable while the second was built
    expect(summary.environments.map((e) => [e.name, e.objects])).toEqual([['one', 1], ['two', 1]]);
    expect(built).toHaveLength(2);
    expect(firstAliveWhileSecondBuilt).toBe(false);
  });

  test('a cluster that fails to render stops the build\'s generator and writes nothing', async () => {
    // GIVEN a build whose first cluster holds a plain cdk8s Chart (an error at render time)
    let stopped = false;
    let secondBuilt = false;
    function* build(dir: string): Generator<App> {
      try {
        const app = new App({ outdir: path.join(dir, 'one') });
        new Chart(app, 'plain');
        yield app;
        secondBuilt = true;
        yield new App({ outdir: path.join(dir, 'two') });
      } finally {
        stopped = true;
      }
    }
    const out = outdir();
    // WHEN the pipeline runs it
    await expect(synthesize(build, { outdir: out, validate: false, workers: 'off' })).rejects.toThrow("chart 'plain' is a plain cdk8s Chart");
    // THEN the generator was closed at its first cluster (the second was never built) and no output appeared
    expect(stopped).toBe(true);
    expect(secondBuilt).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('renderEnvironments closes the build\'s generator too when a cluster fails to render', async () => {
    // GIVEN the same failing build
    let stopped = false;
    function* build(dir: string): Generator<App> {
      try {
        const app = new App({ outdir: path.join(dir, 'one') });
        new Chart(app, 'plain');
        yield app;
      } finally {
        stopped = true;
      }
    }
    // WHEN every environment is rendered in memory THEN the render error is thrown and the generator was closed
    await expect(renderEnvironments(build, outdir())).rejects.toThrow("chart 'plain' is a plain cdk8s Chart");
    expect(stopped).toBe(true);
  });
});
