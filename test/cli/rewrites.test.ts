/**
 * The dependency rewrites of the start-up bundle (tools/cli/rewrites.ts): each finds the places it expects in the
 * pinned version, and the rewritten module behaves as the original (the reference platform's output from the
 * bundle and from the sources is compared byte for byte in test/cli/start.test.ts).
 */
import * as fs from 'node:fs';
import Module = require('node:module');
import * as path from 'node:path';
import { applyRewrite, DEPENDENCY_REWRITES, DependencyRewrite, rewriteOf } from '../../tools/cli/rewrites';

const ROOT = path.resolve(__dirname, '../..');

type Converter = (obj: unknown) => unknown;
type Bindings = Readonly<Record<string, unknown>>;

/** Load `code` as the module `file` (its requires resolve from where the file is). */
function loadModule(file: string, code: string): Bindings {
  const m = new Module(file);
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths: (dir: string) => string[] })._nodeModulePaths(path.dirname(file));
  (m as unknown as { _compile: (code: string, file: string) => void })._compile(code, file);
  return m.exports as Bindings;
}

function converter(bindings: Bindings, name: string): Converter {
  const fn = bindings[name];
  if (typeof fn !== 'function') throw new Error(`no ${name}`);
  return fn as Converter;
}

const k8sRewrite = DEPENDENCY_REWRITES.find((r) => r.file === 'node_modules/cdk8s-plus-28/lib/imports/k8s.js') as DependencyRewrite;
const k8sFile = path.join(ROOT, k8sRewrite.file);
const k8sCode = fs.readFileSync(k8sFile, 'utf8');
const rewritten = applyRewrite(k8sRewrite, k8sCode);
const original = loadModule(k8sFile, k8sCode);
const changed = loadModule(k8sFile, rewritten.code);

describe('the rewrite of cdk8s-plus-28\'s Kubernetes bindings', () => {
  test('GIVEN the pinned version WHEN rewritten THEN every place it expects is rewritten and none is left', () => {
    expect(rewritten.found).toBe(k8sRewrite.expected);
    expect(rewritten.applied).toBe(true);
    expect(rewritten.code).not.toMatch(/Object\.entries\([\w.$]+\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: i\[1\] \}\), \{\}\)/);
    expect(rewriteOf(k8sFile)).toBe(k8sRewrite);
    expect(rewriteOf(path.join(ROOT, 'node_modules/cdk8s/lib/api-object.js'))).toBeUndefined();
  });

  test('GIVEN a version with another number of places WHEN rewritten THEN the code is left as it is', () => {
    const start = k8sCode.indexOf('function toJson_Container(');
    const twice = `${k8sCode}\n${k8sCode.slice(start, k8sCode.indexOf('exports.toJson_Container = ', start)).replace('toJson_Container', 'toJson_ContainerCopy')}`;
    const result = applyRewrite(k8sRewrite, twice);
    expect(result.found).toBeGreaterThan(k8sRewrite.expected);
    expect(result.applied).toBe(false);
    expect(result.code).toBe(twice);
  });

  test('GIVEN objects with undefined members, maps and unusual keys WHEN converted THEN the rewritten converters give what the originals give, in the same key order', () => {
    const cases: [string, unknown][] = [
      ['toJson_Container', {
        name: 'app', image: 'registry.example/app:1', command: undefined, args: ['--port', '8080'],
        env: [{ name: 'A', value: 'x' }, { name: 'B', value: undefined }],
        resources: { limits: { cpu: { value: '1' } }, requests: undefined },
        ports: [{ containerPort: 8080, name: 'http', protocol: undefined }],
      }],
      ['toJson_ObjectMeta', {
        name: 'settings', namespace: undefined,
        labels: { 'app.kubernetes.io/name': 'app', b: 'second', a: 'third', 10: 'integer-like', 2: 'first by order' },
        annotations: { note: undefined, keep: 'yes' },
      }],
      ['toJson_KubeConfigMapProps', {
        metadata: { name: 'settings' },
        data: JSON.parse('{"__proto__":"a key a ConfigMap may have","z":"1","undefined":"2"}') as unknown,
        immutable: undefined,
      }],
      ['toJson_KubeConfigMapProps', undefined],
      ['toJson_KubeConfigMapProps', {}],
    ];
    for (const [name, input] of cases) {
      const before = converter(original, name)(input);
      const after = converter(changed, name)(input);
      expect(after).toEqual(before);
      expect(JSON.stringify(after)).toBe(JSON.stringify(before));
    }
    // The `__proto__` key is an own member of the data, as with the spread (an assignment would drop it).
    const data = (converter(changed, 'toJson_KubeConfigMapProps')({ data: JSON.parse('{"__proto__":"v"}') as unknown }) as { data: object }).data;
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')).toEqual({ value: 'v', writable: true, enumerable: true, configurable: true });
  });
});
