/**
 * The synth pipeline's loop (tools/synth/index.ts `synthesize`): one cluster at a time, and nothing of a cluster
 * kept once it is handed on, so a cluster's constructs can be collected before the next one is built.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { renderEnvironments, synthesize } from '../../tools/synth';
import { collectGarbage } from '../../tools/synth/heap';
import type { RenderedParts, RenderedPart } from '../../tools/synth/render';

/** WeakRefs to every application rendered (see the mock of tools/synth/render below). */
const mockRendered: WeakRef<object>[] = [];
jest.mock('../../tools/synth/render', () => {
  const actual = jest.requireActual<typeof import('../../tools/synth/render')>('../../tools/synth/render');
  return {
    ...actual,
    renderParts: (app: App): RenderedParts => {
      const rendered = actual.renderParts(app);
      function* watched(): Generator<RenderedPart> {
        for (const part of rendered.parts) {
          mockRendered.push(new WeakRef(part.application));
          yield part;
        }
      }
      return { ...rendered, parts: watched() };
    },
  };
});
import { applicationChart } from '../helpers';


function outdir(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-loop-')), 'dist');
}

/** A cluster of one ConfigMap, in environment `name`. */
function cluster(name: string): App {
  const { app, chart } = applicationChart('settings', { context: { environment: name } });
  new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
  return app;
}

/**
 * Synthesise two clusters (synth alone, in this thread); while the second is built, after a full collection in a
 * later task (a WeakRef's target is kept alive until the task that made it ends), ask `stillReachable`.
 */
async function reachableWhileSecondBuilt(first: () => App, stillReachable: () => boolean): Promise<{ reachable: boolean | undefined; objects: [string, number][] }> {
  let reachable: boolean | undefined;
  async function* build(): AsyncGenerator<App> {
    yield first();
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    reachable = stillReachable();
    yield cluster('two');
  }
  const summary = await synthesize(build, { outdir: outdir(), validate: false, workers: 'off' });
  return { reachable, objects: summary.environments.map((e) => [e.name, e.objects]) };
}

/** A build whose first cluster holds a plain cdk8s Chart (an error at render time); `state` records how far it got. */
function failingBuild(): { build: (dir: string) => Generator<App>; state: { stopped: boolean; secondBuilt: boolean } } {
  const state = { stopped: false, secondBuilt: false };
  function* build(dir: string): Generator<App> {
    try {
      const app = new App({ outdir: path.join(dir, 'one') });
      new Chart(app, 'plain');
      yield app;
      state.secondBuilt = true;
      yield new App({ outdir: path.join(dir, 'two') });
    } finally {
      state.stopped = true;
    }
  }
  return { build, state };
}

describe('synthesize', () => {
  test('a cluster\'s App can be collected before the next cluster is built', async () => {
    // GIVEN a first cluster whose App is watched through a WeakRef
    let app: WeakRef<App> | undefined;
    const first = (): App => {
      const made = cluster('one');
      app = new WeakRef(made);
      return made;
    };
    // WHEN the pipeline builds it, then the second
    const { reachable, objects } = await reachableWhileSecondBuilt(first, () => app?.deref() !== undefined);
    // THEN both clusters were built, and the first App was unreachable while the second was built
    expect(objects).toEqual([['one', 1], ['two', 1]]);
    expect(app).toBeDefined();
    expect(reachable).toBe(false);
  });

  test('a cluster\'s rendered objects can be collected before the next cluster is built', async () => {
    // GIVEN the rendered applications of each cluster watched through a WeakRef (the mock of renderApp above)
    mockRendered.length = 0;
    // WHEN the pipeline renders and writes the first cluster, then builds the second
    const { reachable, objects } = await reachableWhileSecondBuilt(() => cluster('one'), () => mockRendered[0]?.deref() !== undefined);
    // THEN both were rendered and written, and the first's rendered objects were unreachable while the second was built
    expect(objects).toEqual([['one', 1], ['two', 1]]);
    expect(mockRendered).toHaveLength(2);
    expect(reachable).toBe(false);
  });

  test('a cluster that fails to render stops the build\'s generator and writes nothing', async () => {
    // GIVEN a build whose first cluster holds a plain cdk8s Chart (an error at render time)
    const { build, state } = failingBuild();
    const out = outdir();
    // WHEN the pipeline runs it
    await expect(synthesize(build, { outdir: out, validate: false, workers: 'off' })).rejects.toThrow("chart 'plain' is a plain cdk8s Chart");
    // THEN the generator was closed at its first cluster (the second was never built) and no output appeared
    expect(state).toEqual({ stopped: true, secondBuilt: false });
    expect(fs.existsSync(out)).toBe(false);
  });

  test('renderEnvironments closes the build\'s generator too when a cluster fails to render', async () => {
    // GIVEN the same failing build
    const { build, state } = failingBuild();
    // WHEN every environment is rendered in memory THEN the render error is thrown and the generator was closed
    await expect(renderEnvironments(build, outdir())).rejects.toThrow("chart 'plain' is a plain cdk8s Chart");
    expect(state).toEqual({ stopped: true, secondBuilt: false });
  });
});
