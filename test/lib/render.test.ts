/**
 * Rendering an App (tools/synth/render.ts): `renderParts` prepares and validates the App at once and renders its
 * applications one at a time as they are asked for; `renderApp` collects them.
 */
import { ApiObject, App, Lazy, Testing } from 'cdk8s';
import { ApplicationChart, DEFAULT_CONTEXT } from '../../constructs';
import { renderApp, renderParts } from '../../tools/synth/render';

/** An App with applications in two directories, declared out of order; `rendered` counts objects serialised. */
function twoDirectories(): { app: App; rendered: string[] } {
  const rendered: string[] = [];
  const app = Testing.app({ outdir: '/tmp/platform-synth-test/render' });
  const application = (environment: string, name: string, objects: string[]): void => {
    const chart = new ApplicationChart(app, `${environment}-${name}`, { context: { ...DEFAULT_CONTEXT, environment }, namespace: 'apps', version: '1.0.0', appName: name });
    for (const object of objects) {
      new ApiObject(chart, object, {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: object },
        data: { at: Lazy.any({ produce: () => { rendered.push(`${environment}/${name}/${object}`); return 'x'; } }) },
      });
    }
  };
  application('staging', 'web', ['b', 'a']);
  application('dev', 'web', ['w']);
  application('dev', 'api', ['z']);
  application('dev', 'empty', []);
  return { app, rendered };
}

describe('renderParts', () => {
  test('renders nothing until iterated, then application by application: directories by name, applications by name', () => {
    // GIVEN an App with three applications with objects in two directories
    const { app, rendered } = twoDirectories();
    // WHEN it is prepared
    const { directories, graph, objects, parts } = renderParts(app);
    // THEN the directories (plain data), their graphs and the object count are known and nothing was serialised yet
    expect(directories).toEqual([expect.objectContaining({ name: 'dev', cluster: 'dev' }), expect.objectContaining({ name: 'staging', cluster: 'staging' })]);
    expect(directories.map((d) => Object.keys(d).sort())).toEqual([['cluster', 'context', 'name'], ['cluster', 'context', 'name']]);
    expect(new Map([...graph].map(([d, apps]) => [d, apps.length]))).toEqual(new Map([['dev', 3], ['staging', 1]]));
    expect(objects).toBe(4);
    expect(rendered).toEqual([]);
    // WHEN the parts are taken one at a time THEN each application is serialised only when it is asked for
    const iterator = parts[Symbol.iterator]();
    const first = iterator.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ directory: 'dev', application: { name: 'api' } });
    expect(rendered).toEqual(['dev/api/z']);
    const rest = [...{ [Symbol.iterator]: () => iterator }];
    expect(rest.map((p) => [p.directory, p.application.name, p.application.objects.map((o) => o.file)])).toEqual([
      ['dev', 'web', ['ConfigMap.w.yaml']],
      ['staging', 'web', ['ConfigMap.a.yaml', 'ConfigMap.b.yaml']],
    ]);
  });

  test('renderApp collects the parts into directories, keeping the directories without objects', () => {
    // GIVEN the same App WHEN rendered whole
    const envs = renderApp(twoDirectories().app);
    // THEN every directory lists its applications with objects, sorted, and its whole graph
    expect(envs.map((e) => [e.name, e.applications.map((a) => a.name), e.graph.length])).toEqual([['dev', ['api', 'web'], 3], ['staging', ['web'], 1]]);
  });

  test('two objects of one application written to one file fail when that application is rendered, naming both', () => {
    // GIVEN an application whose two objects render the same kind and name
    const app = Testing.app({ outdir: '/tmp/platform-synth-test/render-twice' });
    const chart = new ApplicationChart(app, 'api', { context: { ...DEFAULT_CONTEXT, environment: 'dev' }, namespace: 'apps', version: '1.0.0' });
    new ApiObject(chart, 'one', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
    new ApiObject(chart, 'two', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
    // WHEN it is prepared THEN nothing fails yet; WHEN its parts are rendered THEN the error names the file
    const { parts } = renderParts(app);
    expect(() => [...parts]).toThrow("environment 'dev', application 'api': two ConfigMap objects would both be written to ConfigMap.same.yaml (apps/same and apps/same)");
  });
});
