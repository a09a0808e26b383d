import { ApiObject, App, Chart, IResolver, Lazy, ResolutionContext } from 'cdk8s';
import { IntOrString, KubeService } from 'cdk8s-plus-28/lib/imports/k8s';
import { installFastResolve, withCdk8sResolve } from '../../constructs';
import { renderApp } from '../../tools/synth/render';
import { platforms } from '../helpers';

class Token {
  public constructor(private readonly produced: unknown) {}
  public resolve(): unknown {
    return this.produced;
  }
}

class Opaque {
  public readonly kept = 'as is';
}

/** An object touching every rule of the built-in resolvers. */
function objectIn(app: App): ApiObject {
  const chart = new Chart(app, 'chart', { namespace: 'ns', labels: { team: Lazy.any({ produce: () => 'platform' }) as unknown as string } });
  return new ApiObject(chart, 'object', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    data: {
      lazy: Lazy.any({ produce: () => ({ nested: Lazy.any({ produce: () => 'deep' }) }) }),
      token: new Token([new Token('inner'), 2, null, undefined]),
      union: IntOrString.fromNumber(8080),
      unionText: IntOrString.fromString('http'),
      list: [['a', 1, true], { b: undefined }],
      text: 'plain',
      count: 0,
      off: false,
    },
  });
}

describe('fast resolve', () => {
  beforeAll(() => installFastResolve());

  test('GIVEN an object using every built-in resolver rule WHEN serialised THEN it equals what cdk8s resolves', () => {
    const fast = objectIn(new App()).toJson();
    const cdk8s = withCdk8sResolve(() => objectIn(new App()).toJson());
    expect(fast).toEqual(cdk8s);
    expect(fast.data.lazy).toEqual({ nested: 'deep' });
    expect(fast.data.token).toEqual(['inner', 2]);
    expect(fast.data.union).toEqual({ value: 8080 });
    expect(fast.data.unionText).toEqual({ value: 'http' });
    expect(fast.metadata.labels).toEqual({ team: 'platform' });
  });

  test('GIVEN a class instance that no resolver handles WHEN serialised THEN both refuse it with cdk8s\'s error', () => {
    const make = (): unknown => new ApiObject(new Chart(new App(), 'chart'), 'object', { apiVersion: 'v1', kind: 'ConfigMap', data: { opaque: new Opaque() } }).toJson();
    expect(make).toThrow("can't render non-simple object of type 'Opaque'");
    expect(() => withCdk8sResolve(make)).toThrow("can't render non-simple object of type 'Opaque'");
  });

  test('GIVEN an L1 object with an int-or-string port WHEN serialised THEN the port is the number, as with cdk8s', () => {
    const make = (): unknown => {
      const chart = new Chart(new App(), 'chart');
      return new KubeService(chart, 'svc', { spec: { ports: [{ port: 80, targetPort: IntOrString.fromNumber(8080) }] } }).toJson();
    };
    const fast = make() as { spec: { ports: { targetPort: unknown }[] } };
    expect(fast).toEqual(withCdk8sResolve(make));
    expect(fast.spec.ports[0]?.targetPort).toBe(8080);
  });

  test('GIVEN an App with a resolver of its own WHEN serialised THEN cdk8s resolves it, the resolver seeing each value and key path', () => {
    const seen: string[] = [];
    const upper: IResolver = {
      resolve(context: ResolutionContext): void {
        if (typeof context.value === 'string' && context.value.startsWith('up:')) context.replaceValue(context.value.slice(3).toUpperCase());
        if (context.key.join('.') === 'data.a') seen.push(String(context.value));
      },
    };
    const chart = new Chart(new App({ resolvers: [upper] }), 'chart');
    const json = new ApiObject(chart, 'object', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'up:loud', b: 'quiet' } }).toJson();
    expect(json.data).toEqual({ a: 'LOUD', b: 'quiet' });
    // cdk8s resolves a replaced value again, under the same key path.
    expect(seen).toEqual(['up:loud', 'LOUD']);
  });

  test('GIVEN withCdk8sResolve WHEN it returns or throws THEN the fast resolve is back in place', () => {
    const app = new App();
    expect(() => withCdk8sResolve(() => { throw new Error('boom'); })).toThrow('boom');
    const json = objectIn(app).toJson();
    expect(json.data.union).toEqual({ value: 8080 });
  });
});

describe('fast resolve over every platform', () => {
  const all = platforms();

  test('GIVEN every platform WHEN rendered with the fast resolve and with cdk8s\'s THEN every object of every directory is the same', () => {
    expect(all.length).toBeGreaterThan(1);
    for (const platform of all) {
      const render = (): unknown[] => [...(platform.build('dist') as Iterable<App>)].flatMap((app) => renderApp(app)).map((env) => ({ name: env.name, applications: env.applications }));
      const fast = render();
      const cdk8s = withCdk8sResolve(render);
      expect(fast.length).toBeGreaterThan(0);
      expect({ platform: platform.name, fast }).toEqual({ platform: platform.name, fast: cdk8s });
    }
  });
});
