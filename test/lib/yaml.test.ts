import { parse } from 'yaml';
import { toYaml } from '../../tools/synth/yaml';
import { allObjects, environments } from '../helpers';

const TRICKY = [
  '', 'yes', 'no', 'on', 'off', 'y', 'N', '~', 'null', 'true', 'False', '0777', '0x1F', '0o17', '1e3', '1_000', '1:30', '.5', '-1', '+1', '.inf', '.NaN',
  '2024-01-01', '2024-01-01T10:00:00Z', 'a: b', 'a:', 'a #b', '#x', '- x', '-x', '?x', ':x', '%x', '@x', '`x', '!x', '&x', '*x', "'x", '"x', '[x', '{x', 'x]',
  '|', '>', 'a\nb', 'a\nb\n', 'a\n\n', 'a\n\nb\n\n\n', ' lead', 'trail ', '\ttab', 'ünïcödé', 'x\u2028y', 'bell\u0007', 'http://a.b:80/x?y=1&z', '15-alpine', 'v1.0.0', '1.0.0',
  '100m', '3000', '/health', 'a  b', '<<', '=', 'x,y', 'key=value', 'a\n  b\nc', '\nfoo', 'foo\n bar', ' \n', 'a b:c', '{{ .password }}', 'line\r\nwindows',
];

describe('toYaml', () => {
  test.each([['1.2', undefined], ['1.1', '1.1' as const]])('round-trips tricky strings under YAML %s parsing', (_v, version) => {
    const doc = {
      apiVersion: 'v1', kind: 'ConfigMap',
      data: Object.fromEntries(TRICKY.map((t, i) => [`k${i}`, t])),
      keys: Object.fromEntries(TRICKY.filter((t) => t !== '').map((t) => [t, t])),
      list: TRICKY,
      nested: [[1, 2], [], {}, { a: [{ b: 'c', d: ['e'] }] }, null, true, 1.5, -0.25, 'yes'],
      empty: {}, emptyList: [],
    };
    expect(parse(toYaml(doc), version ? { version } : {})).toEqual(doc);
  });

  test.each(environments.map((e) => [e.name, e] as const))('round-trips every rendered object of %s', (_name, env) => {
    for (const { object } of allObjects(env)) expect(parse(toYaml(object), { version: '1.1' })).toEqual(object);
  });

  test('quotes number-like and boolean-like strings, keeps plain strings plain, writes multi-line strings as blocks', () => {
    expect(toYaml({ port: '5432', enabled: 'false', image: 'postgres:15-alpine', path: '/health', count: 3, script: 'set -e\necho ok\n' })).toBe(
      'port: "5432"\nenabled: "false"\nimage: postgres:15-alpine\npath: /health\ncount: 3\nscript: |\n  set -e\n  echo ok\n',
    );
  });

  test('sequences of mappings are written the kubectl way', () => {
    expect(toYaml({ containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] })).toBe('containers:\n- name: a\n  ports:\n  - containerPort: 80\n');
  });

  test('sorts keys below the top level, where apiVersion, kind and metadata keep their order', () => {
    // GIVEN a custom resource whose spec keys come in schema order (as imported CRD classes emit them)
    const object = { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 't', labels: { b: '1', a: '2' } }, spec: { topicName: 't', partitions: 3, config: { 'z.z': 1, 'a.a': 2 } }, items: [{ name: 'x', image: 'nginx' }] };
    // WHEN it is written
    const lines = toYaml(object).split('\n');
    // THEN the top level keeps its order and every nested mapping is sorted
    expect(lines.filter((l) => /^[a-z]/.test(l))).toEqual(['apiVersion: kafka.strimzi.io/v1', 'kind: KafkaTopic', 'metadata:', 'spec:', 'items:']);
    expect(lines.filter((l) => /^ {2}[a-z]/.test(l))).toEqual(['  labels:', '  name: t', '  config:', '  partitions: 3', '  topicName: t', '  name: x']);
    expect(lines).toContain('- image: nginx');
    expect(lines.indexOf('    a.a: 2')).toBeLessThan(lines.indexOf('    z.z: 1'));
  });

  test('GIVEN strings written again, past the cache of written strings, and longer than it keeps WHEN written THEN each comes out as the first time and round-trips', () => {
    // GIVEN the tricky strings, then more distinct strings than the cache holds, then the tricky strings again
    const tricky = { apiVersion: 'v1', kind: 'ConfigMap', data: Object.fromEntries(TRICKY.map((t, i) => [`k${i}`, t])), long: 'yes '.repeat(100).trim() };
    const first = toYaml(tricky);
    const many = { apiVersion: 'v1', kind: 'ConfigMap', data: Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i % 2 === 0 ? `v${i}` : `${i}`])) };
    const written = toYaml(many);
    // WHEN they are written again
    const again = toYaml(tricky);
    // THEN the output is the same, and every value reads back as the string it was
    expect(again).toBe(first);
    expect(parse(again)).toEqual(tricky);
    // (the parser's duplicate-key check is quadratic in the keys of one mapping: 60,000 keys are known distinct)
    expect(parse(written, { uniqueKeys: false })).toEqual(many);
  });

  test('refuses non-objects and non-finite numbers', () => {
    expect(() => toYaml([1])).toThrow(/expects a JSON object/);
    expect(() => toYaml({ a: Infinity })).toThrow(/cannot write Infinity/);
  });
});
