/**
 * CEL rule evaluation (tools/validate/cel/index.ts) on small synthetic CRD schemas: where `self` is bound, how
 * rules apply to list items and map values, create semantics (`oldSelf`), `message`/`messageExpression`/
 * `fieldPath`/`reason`, errors the API server raises, and rules that cannot be evaluated.
 */
import { celStats, CelValidator, type CelIssue, type CelStats } from '../../../tools/validate/cel';
import type { SchemaSources } from '../../../tools/validate/schema';

type Obj = Record<string, unknown>;

const STRING = { type: 'string' };

/** A registry of one CRD kind `example.com/v1 Thing` whose spec has `spec` as its schema. */
function validator(spec: Obj, root: Obj = {}): CelValidator {
  const sources: SchemaSources = {
    kubernetes: { kubernetesVersion: 'v1.32.0', sha256: '', kinds: {}, definitions: {} },
    crds: { 'example.com/v1/Thing': { type: 'object', properties: { apiVersion: STRING, kind: STRING, metadata: { type: 'object' }, spec }, ...root } },
    crdFiles: { 'example.com/v1/Thing': 'imports/schemas/example.com.json' },
    digest: 'test',
  };
  return new CelValidator(sources);
}

function thing(spec: unknown, metadata: Obj = { name: 'one', namespace: 'shop', labels: { team: 'a' } }): Obj {
  return { apiVersion: 'example.com/v1', kind: 'Thing', metadata, spec };
}

function check(v: CelValidator, object: Obj, stats: CelStats = celStats()): CelIssue[] {
  return v.check(object, stats);
}

/** `path: message` of each issue. */
function lines(issues: readonly CelIssue[]): string[] {
  return issues.map((i) => `${i.severity} ${i.rule} ${i.path}: ${i.message}`);
}

const rule = (text: string, extra: Obj = {}): Obj => ({ rule: text, message: `failed: ${text}`, ...extra });

describe('where rules apply', () => {
  const v = validator({
    type: 'object',
    'x-kubernetes-validations': [rule('self.replicas >= 1')],
    properties: {
      replicas: { type: 'integer' },
      ports: { type: 'array', items: { type: 'object', 'x-kubernetes-validations': [rule('self.port > 1024')], properties: { port: { type: 'integer' }, name: STRING } } },
      labels: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': [rule("self != ''")] } },
      mode: { type: 'string', 'x-kubernetes-validations': [rule("self in ['a', 'b']")] },
    },
  });

  test('self is the value at the node carrying the rule: object, each list item, each map value, a scalar', () => {
    // GIVEN a spec that breaks each rule once
    const object = thing({ replicas: 0, ports: [{ port: 8080 }, { port: 80 }], labels: { ok: 'x', empty: '' }, mode: 'c' });
    // WHEN
    const issues = check(v, object);
    // THEN each failure sits at its node's path, with the rule's message
    expect(lines(issues)).toEqual([
      'error schema/cel spec: failed: self.replicas >= 1',
      'error schema/cel spec.ports[1]: failed: self.port > 1024',
      'error schema/cel spec.labels.empty: failed: self != \'\'',
      "error schema/cel spec.mode: failed: self in ['a', 'b']",
    ]);
    // scalar values are shown, objects are not
    expect(issues.map((i) => i.value)).toEqual([undefined, undefined, '', 'c']);
  });

  test('a valid object has no finding and every evaluation is counted', () => {
    const stats = celStats();
    expect(check(v, thing({ replicas: 2, ports: [{ port: 8080 }], labels: { a: 'x' }, mode: 'a' }), stats)).toEqual([]);
    expect(stats).toEqual({ evaluated: 4, skippedOldSelf: 0, unevaluated: 0 });
  });

  test('rules of absent or null fields do not run (the API server validates only present values)', () => {
    const stats = celStats();
    expect(check(v, thing({ replicas: 1, mode: null }), stats)).toEqual([]);
    expect(stats.evaluated).toBe(1);
  });

  test('rules inside allOf apply to the same value', () => {
    const withAllOf = validator({ type: 'object', properties: { size: { type: 'integer' } }, allOf: [{ 'x-kubernetes-validations': [rule('self.size < 10')] }] });
    expect(lines(check(withAllOf, thing({ size: 12 })))).toEqual(['error schema/cel spec: failed: self.size < 10']);
  });

  test('at the resource root, metadata shows only name and generateName', () => {
    // GIVEN root rules reading metadata
    const root = validator({ type: 'object' }, { 'x-kubernetes-validations': [rule("self.metadata.name.startsWith('o')"), rule("has(self.metadata.labels)")] });
    // WHEN / THEN labels are not visible to CEL (WithTypeAndObjectMeta), the name is
    expect(lines(check(root, thing({})))).toEqual(["error schema/cel : failed: has(self.metadata.labels)"]);
  });
});

describe('values are typed by the schema', () => {
  const typed = (schema: Obj, text: string): CelValidator => validator({ type: 'object', properties: { v: { ...schema, 'x-kubernetes-validations': [rule(text)] } } });

  test.each([
    ['integer is int', { type: 'integer' }, 3, 'type(self) == int && self == 3'],
    ['number is double, also when whole', { type: 'number' }, 3, 'type(self) == double && self == 3.0'],
    ['int-or-string integer', { 'x-kubernetes-int-or-string': true }, 3, 'type(self) == int'],
    ['int-or-string string', { 'x-kubernetes-int-or-string': true }, '25%', "type(self) == string && self.endsWith('%')"],
    ['format duration', { type: 'string', format: 'duration' }, '1h30m', "self == duration('90m')"],
    ['format date-time', { type: 'string', format: 'date-time' }, '2026-01-02T03:04:05Z', "self == timestamp('2026-01-02T03:04:05Z')"],
    ['format byte', { type: 'string', format: 'byte' }, 'aGk=', "self == b'hi'"],
    ['property names are escaped', { type: 'object', properties: { namespace: STRING, 'a-b': STRING, 'x.y': STRING } }, { namespace: 'n', 'a-b': 'c', 'x.y': 'z' }, "self.__namespace__ == 'n' && self.a__dash__b == 'c' && self.x__dot__y == 'z'"],
    ['map keys are not escaped', { type: 'object', additionalProperties: STRING }, { 'a-b': 'c' }, "self['a-b'] == 'c' && 'a-b' in self"],
    ['null fields of objects are absent', { type: 'object', properties: { n: { type: 'string', nullable: true } } }, { n: null }, '!has(self.n)'],
  ])('%s', (_name, schema, value, text) => {
    expect(lines(check(typed(schema, text), thing({ v: value })))).toEqual([]);
  });

  test('defaults apply before rules run, also to fields of defaulted objects', () => {
    // GIVEN a rule that needs a defaulted field, and an absent object whose default holds it
    const v = validator({
      type: 'object',
      properties: {
        mode: { type: 'string', default: 'Exact' },
        nested: { type: 'object', default: {}, properties: { kind: { type: 'string', default: 'A' } }, 'x-kubernetes-validations': [rule("self.kind == 'B'")] },
      },
      'x-kubernetes-validations': [rule("self.mode == 'Exact'")],
    });
    // WHEN the object sets neither
    // THEN the spec rule sees the default, and the defaulted nested object's rule runs on its own default
    expect(lines(check(v, thing({})))).toEqual(["error schema/cel spec.nested: failed: self.kind == 'B'"]);
  });

  test('data that does not fit the schema is left to the schema check (no CEL finding)', () => {
    const v = typed({ type: 'integer' }, 'self > 0');
    expect(check(v, thing({ v: 'three' }))).toEqual([]);
  });
});

describe('create semantics', () => {
  test('rules using oldSelf are skipped and counted; optionalOldSelf rules run with oldSelf = optional.none()', () => {
    // GIVEN a transition rule, and an optionalOldSelf rule that only passes when there is no old object
    const v = validator({
      type: 'object',
      properties: { name: { type: 'string', 'x-kubernetes-validations': [rule('self == oldSelf'), rule('!oldSelf.hasValue() && oldSelf.orValue(self) == self && self != "x"', { optionalOldSelf: true })] } },
    });
    const stats = celStats();
    // WHEN
    const issues = check(v, thing({ name: 'x' }), stats);
    // THEN the transition rule did not run; the optional one ran and failed on its last clause
    expect(lines(issues)).toEqual(['error schema/cel spec.name: failed: !oldSelf.hasValue() && oldSelf.orValue(self) == self && self != "x"']);
    expect(stats).toEqual({ evaluated: 1, skippedOldSelf: 1, unevaluated: 0 });
  });
});

describe('messages, fieldPath and reason', () => {
  const spec = (rules: Obj[]): CelValidator => validator({ type: 'object', properties: { a: { type: 'integer' }, b: { type: 'object', properties: { 'c.d': STRING } } }, 'x-kubernetes-validations': rules });

  test('without message: "failed rule: <rule>"', () => {
    expect(lines(check(spec([{ rule: 'self.a > 1' }]), thing({ a: 1 })))).toEqual(['error schema/cel spec: failed rule: self.a > 1']);
  });

  test('messageExpression is evaluated with self; an unusable result falls back to message', () => {
    const issues = check(spec([
      { rule: 'self.a > 1', message: 'too small', messageExpression: "'a is ' + string(self.a) + ', needs more than 1'" },
      { rule: 'self.a > 2', message: 'fallback used', messageExpression: "''" },
      { rule: 'self.a > 3', message: 'also fallback', messageExpression: '42' },
    ]), thing({ a: 1 }));
    expect(issues.map((i) => i.message)).toEqual(['a is 1, needs more than 1', 'fallback used', 'also fallback']);
  });

  test('fieldPath moves the finding below the node, reason words it as the API server does', () => {
    const issues = check(spec([
      { rule: 'self.a > 1', message: 'a too small', fieldPath: '.a', reason: 'FieldValueForbidden' },
      { rule: "self.b['c.d'] != 'x'", message: 'no x', fieldPath: ".b['c.d']", reason: 'FieldValueRequired' },
      { rule: 'false', message: 'dup', reason: 'FieldValueDuplicate' },
    ]), thing({ a: 1, b: { 'c.d': 'x' } }));
    expect(lines(issues)).toEqual([
      'error schema/cel spec.a: Forbidden: a too small',
      'error schema/cel spec.b["c.d"]: Required value: no x',
      'error schema/cel spec: Duplicate value: dup',
    ]);
  });
});

describe('evaluation errors', () => {
  test('an absent field read without has() refuses the object as the API server does (no such key)', () => {
    // GIVEN a rule reading an optional field directly (the API server fails such rules at run time)
    const v = validator({ type: 'object', properties: { mode: STRING }, 'x-kubernetes-validations': [{ rule: "self.mode != 'x'", message: 'mode must not be x' }] });
    // WHEN the field is absent
    const [issue] = check(v, thing({}));
    // THEN
    expect(issue).toMatchObject({ severity: 'error', rule: 'schema/cel', path: 'spec', message: expect.stringMatching(/^no such key: mode evaluating rule: mode must not be x \(Thing example\.com\/v1/) });
  });

  test('a rule using a function this environment lacks is a warning naming the rule and why, counted, never a pass', () => {
    const v = validator({ type: 'object', properties: { n: STRING }, 'x-kubernetes-validations': [{ rule: 'format.dns1123Label().validate(self.n).hasValue() == false', message: 'n must be a DNS label' }] });
    const stats = celStats();
    const [issue] = check(v, thing({ n: 'ok' }), stats);
    expect(issue).toMatchObject({ severity: 'warning', rule: 'schema/cel-unevaluated', path: 'spec' });
    expect(issue?.message).toMatch(/^the rule `format\.dns1123Label\(\)\.validate\(self\.n\)\.hasValue\(\) == false` of Thing example\.com\/v1 \(imports\/schemas\/example\.com\.json\) cannot be evaluated here: function 'format\.dns1123Label' is not supported; function 'validate' is not supported;/);
    expect(issue?.fix).toMatch(/"n must be a DNS label"/);
    expect(stats).toEqual({ evaluated: 0, skippedOldSelf: 0, unevaluated: 1 });
  });

  test('syntax the parser does not know (optional field selection) is a warning too', () => {
    const v = validator({ type: 'object', properties: { n: STRING }, 'x-kubernetes-validations': [{ rule: "self.?n.orValue('') != 'x'" }] });
    expect(check(v, thing({})).map((i) => [i.severity, i.message])).toEqual([['warning', expect.stringMatching(/cannot be evaluated here: it does not parse here: /)]]);
  });

  test('a type mismatch at run time (int-or-string compared with a number) is a warning that says the API server may refuse it', () => {
    const v = validator({ type: 'object', properties: { surge: { 'x-kubernetes-int-or-string': true } }, 'x-kubernetes-validations': [{ rule: 'self.surge > 1' }] });
    const [issue] = check(v, thing({ surge: '25%' }));
    expect(issue).toMatchObject({ severity: 'warning', rule: 'schema/cel-unevaluated', message: expect.stringContaining('the API server may refuse the object for this too') });
  });
});

test('kinds without rules, and objects without apiVersion or kind, are not checked', () => {
  const v = validator({ type: 'object' });
  expect(v.hasRules('example.com/v1', 'Thing')).toBe(false);
  expect(check(v, thing({}))).toEqual([]);
  expect(check(v, { kind: 'Thing' })).toEqual([]);
});
