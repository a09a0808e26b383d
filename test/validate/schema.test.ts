/**
 * Schema checks: unknown kinds and versions, unknown fields (core and CRD kinds), types, required values,
 * ranges, Kubernetes schema extensions, and metadata.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSchemaSources, SchemaRegistry, shareRepeatedSchemas, strictSchema } from '../../tools/validate/schema';
import { changed, deployment, findings, lines, meta, Obj, service, validate } from './helpers';

const kafkaTopic = (spec: Obj): Obj => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaTopic',
  metadata: meta('orders', 'shop', { labels: { 'strimzi.io/cluster': 'events' } }),
  spec,
});

describe('valid objects', () => {
  test('a valid Deployment and Service produce no findings', () => {
    // WHEN
    const report = validate({ web: [deployment(), service()] });
    // THEN
    expect(lines(report)).toEqual([]);
    expect(report.checked.get('test')).toBe(3);
  });

  test('int-or-string fields accept both forms, Quantity accepts numbers', () => {
    const d = changed(deployment(), (o) => {
      const spec = o.spec as Obj;
      spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
      ((spec.template as Obj).spec as { containers: Obj[] }).containers[0]!.resources = { requests: { cpu: 1, memory: '128Mi' }, limits: { cpu: 2, memory: '256Mi' } };
    });
    expect(lines(validate({ web: [d, service()] }), 'schema/invalid')).toEqual([]);
  });

  test('keys whose value is undefined are not validated: serialisation does not write them', () => {
    const d = changed(deployment(), (o) => {
      (o.spec as Obj).paused = undefined;
      ((o.metadata as Obj).labels as Obj).tier = undefined;
    });
    expect(lines(validate({ web: [d, service()] }))).toEqual([]);
  });

  test('fields under x-kubernetes-preserve-unknown-fields accept anything (KafkaTopic spec.config)', () => {
    const report = validate({ kafka: [kafkaTopic({ partitions: 3, replicas: 1, config: { 'retention.ms': 604800000, anything: { nested: true } } })] });
    expect(lines(report).filter((l) => l.startsWith('schema/'))).toEqual([]);
  });
});

describe('unknown kinds and versions', () => {
  test('a kind without schema is an error, not a pass', () => {
    const report = validate({ web: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w'), spec: {} }] });
    expect(lines(report, 'schema/unknown-kind')).toEqual([
      expect.stringMatching(/^schema\/unknown-kind Widget\/w kind: no schema for example.com\/v1 Widget: it is neither a Kubernetes v1\.32\.0 kind nor an imported CRD$/),
    ]);
    expect(findings(report, 'schema/unknown-kind')[0]?.fix).toMatch(/add the CRD that defines it to cdk8s\.yaml and run `npm run import`/);
  });

  test('an unsupported apiVersion of a known kind names the served version', () => {
    const pdb = { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: meta('web'), spec: { maxUnavailable: 1 } };
    const [finding] = findings(validate({ web: [pdb] }), 'schema/unknown-kind');
    expect(finding).toMatchObject({ path: 'apiVersion', value: 'policy/v1beta1', message: expect.stringContaining('serve it as policy/v1'), fix: "use apiVersion 'policy/v1' and adapt the fields to that version" });
  });

  test('a misspelt kind of a known group suggests the right one', () => {
    const [finding] = findings(validate({ kafka: [{ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopik', metadata: meta('t'), spec: {} }] }), 'schema/unknown-kind');
    expect(finding?.fix).toMatch(/^did you mean 'KafkaTopic'\?/);
  });
});

describe('unknown fields', () => {
  test('an unknown field of a core kind is reported with its path and a spelling hint', () => {
    const d = changed(deployment(), (o) => {
      (o.spec as Obj).replica = 2;
    });
    const [finding] = findings(validate({ web: [d, service()] }), 'schema/unknown-field');
    expect(finding).toMatchObject({ kind: 'Deployment', name: 'web', path: 'spec.replica', value: 2, message: expect.stringContaining("unknown field 'replica'") });
    expect(finding?.fix).toMatch(/^rename it to 'replicas'; fields allowed here: .*minReadySeconds/);
  });

  test('unknown fields deep inside the pod template are found (every one, not just the first)', () => {
    const d = changed(deployment(), (o) => {
      const c = (((o.spec as Obj).template as Obj).spec as { containers: Obj[] }).containers[0] as Obj;
      c.imagePullPolice = 'Always';
      (c.securityContext as Obj).runAsNonroot = true;
    });
    expect(findings(validate({ web: [d, service()] }), 'schema/unknown-field').map((f) => f.path)).toEqual([
      'spec.template.spec.containers[0].imagePullPolice',
      'spec.template.spec.containers[0].securityContext.runAsNonroot',
    ]);
  });

  test('an unknown field of a CRD kind is reported (objects with properties are closed)', () => {
    const [finding] = findings(validate({ kafka: [kafkaTopic({ partitions: 3, replica: 1 })] }), 'schema/unknown-field');
    expect(finding).toMatchObject({ path: 'spec.replica', fix: expect.stringMatching(/^rename it to 'replicas'/) });
  });

  test('custom resources get ObjectMeta checks too (metadata.labels must be strings)', () => {
    const topic = changed(kafkaTopic({ partitions: 3 }), (o) => {
      ((o.metadata as Obj).labels as Obj).tier = 3;
    });
    expect(findings(validate({ kafka: [topic] }), 'schema/invalid').map((f) => [f.path, f.message, f.fix])).toEqual([
      ['metadata.labels.tier', 'must be string, not an integer', 'quote it: "3"'],
    ]);
  });
});

describe('types, required values and ranges', () => {
  test('a wrong type says what was expected and how to write it', () => {
    const svc = service('web', 'web', [{ name: 'http', port: '80', targetPort: 'http' }]);
    expect(findings(validate({ web: [deployment(), svc] }), 'schema/invalid').map((f) => [f.path, f.message, f.value, f.fix])).toEqual([
      ['spec.ports[0].port', 'must be integer, not a string', '80', 'write the number without quotes: 80'],
    ]);
  });

  test('a missing required value is reported at the field it needs', () => {
    const d = changed(deployment(), (o) => {
      delete (o.spec as Obj).selector;
    });
    expect(lines(validate({ web: [d, service()] }), 'schema/invalid')).toEqual([
      expect.stringMatching(/^schema\/invalid Deployment\/web spec\.selector: required field 'selector' is missing/),
    ]);
  });

  test('an out-of-range int32 is reported', () => {
    const d = changed(deployment(), (o) => {
      (o.spec as Obj).replicas = 3000000000;
    });
    expect(findings(validate({ web: [d, service()] }), 'schema/invalid').map((f) => [f.path, f.message])).toEqual([
      ['spec.replicas', expect.stringMatching(/^must be <= 2147483647/)],
    ]);
  });

  test('a CRD minimum is enforced (KafkaTopic partitions >= 1)', () => {
    expect(findings(validate({ kafka: [kafkaTopic({ partitions: 0 })] }), 'schema/invalid').map((f) => [f.path, f.value, f.message])).toEqual([
      ['spec.partitions', 0, expect.stringMatching(/^must be >= 1/)],
    ]);
  });

  test('an enum value outside the allowed set lists the allowed values', () => {
    const topic = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: meta('p', 'argocd'), spec: { destinations: [{ namespace: 'shop', server: 'https://kubernetes.default.svc' }], sourceRepos: ['*'], sourceNamespaces: 3 } };
    expect(findings(validate({ argocd: [topic] }), 'schema/invalid').map((f) => [f.path, f.message])).toEqual([['spec.sourceNamespaces', 'must be array, not an integer']]);
  });
});

describe('metadata', () => {
  test('a missing name and an invalid name are errors', () => {
    const noName = changed(service(), (o) => {
      delete (o.metadata as Obj).name;
    });
    const badName = changed(service(), (o) => {
      (o.metadata as Obj).name = 'Web_Service';
    });
    expect(findings(validate({ web: [deployment(), noName, badName] }), 'schema/metadata').map((f) => [f.path, f.message])).toEqual([
      ['metadata.name', expect.stringMatching(/^name is missing/)],
      ['metadata.name', expect.stringMatching(/^name must be a DNS-1123 label/)],
    ]);
  });

  test('invalid label keys and values are errors', () => {
    const d = changed(service(), (o) => {
      const labels = (o.metadata as Obj).labels as Obj;
      labels['bad key!'] = 'x';
      labels.team = 'a value with spaces';
    });
    expect(findings(validate({ web: [deployment(), d] }), 'schema/metadata').map((f) => f.path)).toEqual(['metadata.labels["bad key!"]', 'metadata.labels.team']);
  });
});

describe('strictSchema', () => {
  test('closes objects with properties, keeps preserve-unknown-fields and maps open', () => {
    expect(strictSchema({ type: 'object', properties: { a: { type: 'string' } } })).toEqual({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false });
    expect(strictSchema({ type: 'object', properties: { a: {} }, 'x-kubernetes-preserve-unknown-fields': true })).not.toHaveProperty('additionalProperties');
    expect(strictSchema({ type: 'object', additionalProperties: { type: 'string' } })).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });

  test('expresses nullable and int-or-string in plain JSON Schema', () => {
    expect(strictSchema({ type: 'string', nullable: true })).toEqual({ type: ['string', 'null'] });
    expect(strictSchema({ 'x-kubernetes-int-or-string': true })).toEqual({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] });
  });

  test('nullable fields of a CRD accept null', () => {
    const registry = new SchemaRegistry({
      kubernetes: { kubernetesVersion: 'v0', sha256: '', kinds: {}, definitions: { 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object' } } },
      crds: { 'example.com/v1/Thing': { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: { type: 'object', properties: { note: { type: 'string', nullable: true } } } } } },
      crdFiles: {},
      digest: 'test',
    }, { cacheDir: false });
    expect(registry.check({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { note: null } })).toEqual([]);
    expect(registry.check({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { note: 1 } })).toEqual([
      expect.objectContaining({ path: 'spec.note', message: 'must be string or null, not an integer' }),
    ]);
  });
});

describe('shareRepeatedSchemas', () => {
  const affinity = { type: 'object', properties: { nodeAffinity: { type: 'object', properties: { weight: { type: 'integer', minimum: 1, maximum: 100 }, key: { type: 'string', description: 'x'.repeat(200) } }, additionalProperties: false } }, additionalProperties: false };

  test('moves sub-schemas that occur more than once to $defs, leaves single and small ones inline', () => {
    // GIVEN a schema that repeats a large sub-schema and a small one
    const schema = { type: 'object', properties: { a: affinity, b: { type: 'object', properties: { affinity } }, c: { type: 'string' }, d: { type: 'string' } } };
    // WHEN
    const shared = shareRepeatedSchemas(schema) as { properties: Record<string, unknown>; $defs: Record<string, unknown> };
    // THEN both occurrences point at one definition equal to the original; small ones stay inline
    expect(shared.properties.a).toEqual({ $ref: '#/$defs/s0' });
    expect(shared.properties.b).toEqual({ type: 'object', properties: { affinity: { $ref: '#/$defs/s0' } } });
    expect(shared.$defs).toEqual({ s0: affinity });
    expect(shared.properties.c).toEqual({ type: 'string' });
  });

  test('never rewrites values that are not schemas (enum, default)', () => {
    const schema = { type: 'object', properties: { a: affinity, b: { type: 'object', default: affinity, enum: [affinity] } } };
    const shared = shareRepeatedSchemas(schema) as { properties: { b: Record<string, unknown> } };
    expect(shared.properties.b.default).toEqual(affinity);
    expect(shared.properties.b.enum).toEqual([affinity]);
  });

  test('findings inside a shared sub-schema keep their full path (Strimzi Kafka pod templates)', () => {
    // GIVEN a Kafka whose pod template (a schema Strimzi repeats for every component) has a typo
    const kafka = { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: meta('events', 'kafka'), spec: { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }], template: { pod: { affinty: {} } } }, entityOperator: { template: { pod: { tolerations: 'none' } } } } };
    // WHEN
    const issues = new SchemaRegistry(loadSchemaSources(), { cacheDir: false }).check(kafka);
    // THEN each finding names where it is, not the shared definition
    expect(issues).toHaveLength(2);
    expect(issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'schema/unknown-field', path: 'spec.kafka.template.pod.affinty', fix: expect.stringMatching(/^rename it to 'affinity'/) }),
      expect.objectContaining({ rule: 'schema/invalid', path: 'spec.entityOperator.template.pod.tolerations', message: 'must be array, not a string' }),
    ]));
  });
});

test('a schema that cannot be compiled is reported as a finding, not thrown', () => {
  const registry = new SchemaRegistry({
    kubernetes: { kubernetesVersion: 'v0', sha256: '', kinds: {}, definitions: {} },
    crds: { 'example.com/v1/Thing': { type: 'object', properties: { spec: { $ref: '#/definitions/missing' } } } },
    crdFiles: { 'example.com/v1/Thing': 'imports/schemas/example.com.json' },
    digest: 'test',
  }, { cacheDir: false });
  expect(registry.check({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' } })).toEqual([
    expect.objectContaining({ rule: 'schema/unknown-kind', message: expect.stringMatching(/^the schema of example\.com\/v1 Thing \(the CRD schema in imports\/schemas\/example\.com\.json\) cannot be compiled: /) }),
  ]);
});

describe('compiled-validator cache', () => {
  const broken = changed(deployment(), (o) => {
    (o.spec as Obj).replica = 2;
    (o.spec as Obj).replicas = 'two';
  });

  test('cached code reports exactly what a fresh compilation reports; a damaged entry is recompiled', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-schema-cache-'));
    try {
      // GIVEN a cold cache
      const sources = loadSchemaSources();
      const fresh = new SchemaRegistry(sources, { cacheDir: dir }).check(broken);
      const [file] = fs.readdirSync(dir);
      expect(file).toMatch(/^apps_v1_Deployment-[0-9a-f]{32}\.js$/);
      // WHEN a new registry loads the cached code
      const cached = new SchemaRegistry(sources, { cacheDir: dir }).check(broken);
      // THEN the findings are the same
      expect(cached).toEqual(fresh);
      expect(fresh.map((i) => i.path)).toEqual(['spec.replica', 'spec.replicas']);
      // WHEN the entry is damaged, it is compiled again
      fs.writeFileSync(path.join(dir, file as string), 'module.exports = {');
      jest.resetModules(); // forget the module loaded above, so the damaged file is read
      expect(new SchemaRegistry(sources, { cacheDir: dir }).check(broken)).toEqual(fresh);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
