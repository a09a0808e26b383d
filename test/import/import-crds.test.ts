/**
 * The CRD import pipeline (`npm run import`): cdk8s.yaml entries, source resolution (bundles included),
 * description stripping, version pins, reproducible and atomic generation, and consistency of the committed
 * bindings with cdk8s.yaml.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_VERSION_PINS, GENERATED_MARKER, ImportError, importModules, parseImportConfig, parseImportEntry, parseKubernetesSchemaUrl, resolveSource,
  runtimeModuleFor, singleCrdFileName, stripDescriptions,
} from '../../tools/import/import-crds';
import { CLOUDNATIVE_PG_VERSION, STRIMZI_VERSION } from '../../constructs';
import { prod } from '../../environments';
import { renderEnvironment } from '../helpers';

const ROOT = path.resolve(__dirname, '../..');

function temp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-import-'));
}

function widgetCrd(group = 'example.com'): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.${group}
spec:
  group: ${group}
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          description: UPSTREAM-DOC Widget is a widget.
          type: object
          properties:
            spec:
              description: UPSTREAM-DOC The spec.
              type: object
              properties:
                size:
                  description: UPSTREAM-DOC How big.
                  type: integer
                description:
                  description: UPSTREAM-DOC A property that happens to be called description.
                  type: string
`;
}

function fixture(): { sources: string; config: string; out: string } {
  const dir = temp();
  const sources = path.join(dir, 'crds');
  for (const version of ['1.0.0', '2.0.0']) {
    fs.mkdirSync(path.join(sources, `widgets-${version}`), { recursive: true });
    fs.writeFileSync(path.join(sources, `widgets-${version}`, 'widget-crd.yaml'), widgetCrd());
  }
  const config = path.join(dir, 'cdk8s.yaml');
  fs.writeFileSync(config, 'language: typescript\ncrds:\n  - widgets.example.com:=https://example.com/widgets/2.0.0/deploy/widget-crd.yaml\n');
  const out = path.join(dir, 'imports');
  return { sources, config, out };
}

describe('resolveSource', () => {
  test('picks the local copy whose directory names the version tag in the URL', () => {
    const { sources } = fixture();
    expect(resolveSource('https://example.com/widgets/2.0.0/deploy/widget-crd.yaml', sources)).toBe(path.join(sources, 'widgets-2.0.0', 'widget-crd.yaml'));
    expect(resolveSource('https://example.com/widgets/v1.0.0/deploy/widget-crd.yaml', sources)).toBe(path.join(sources, 'widgets-1.0.0', 'widget-crd.yaml'));
  });

  test('fails clearly when no copy, or no unambiguous copy, exists', () => {
    const { sources } = fixture();
    expect(() => resolveSource('https://example.com/x/1.0.0/missing.yaml', sources)).toThrow(ImportError);
    expect(() => resolveSource('https://example.com/x/1.0.0/missing.yaml', sources)).toThrow(/missing\.yaml/);
    expect(() => resolveSource('https://example.com/widgets/3.0.0/deploy/widget-crd.yaml', sources)).toThrow(/widgets-1\.0\.0[\s\S]*widgets-2\.0\.0|widgets-2\.0\.0[\s\S]*widgets-1\.0\.0/);
  });
});

test('stripDescriptions removes documentation but keeps a property named "description"', () => {
  const schema = { description: 'doc', type: 'object', properties: { description: { description: 'doc', type: 'string' }, items: { type: 'array', items: { description: 'doc', type: 'string' } } } };
  expect(stripDescriptions(schema)).toEqual({ type: 'object', properties: { description: { type: 'string' }, items: { type: 'array', items: { type: 'string' } } } });
});

describe('importModules', () => {
  test('generates bindings and schemas without upstream text, reproducibly', async () => {
    const { sources, config, out } = fixture();
    const log = (): void => undefined;
    await importModules({ configPath: config, fromDir: sources, outDir: out, log });
    const ts = fs.readFileSync(path.join(out, 'example.com.ts'), 'utf8');
    const schemas = fs.readFileSync(path.join(out, 'schemas/example.com.json'), 'utf8');
    expect(ts.startsWith(GENERATED_MARKER)).toBe(true);
    expect(ts).toContain('https://example.com/widgets/2.0.0/deploy/widget-crd.yaml');
    expect(ts).toContain('export class Widget extends ApiObject');
    expect(ts).not.toContain('UPSTREAM-DOC');
    expect(schemas).not.toContain('UPSTREAM-DOC');
    expect(JSON.parse(schemas)).toEqual({
      'example.com/v1/Widget': { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, description: { type: 'string' } } } } },
    });
    // No absolute paths or timestamps: a second run from another directory gives identical files.
    expect(ts).not.toContain(sources);
    const copy = path.join(temp(), 'elsewhere');
    fs.cpSync(sources, copy, { recursive: true });
    await importModules({ configPath: config, fromDir: copy, outDir: out, log });
    expect(fs.readFileSync(path.join(out, 'example.com.ts'), 'utf8')).toBe(ts);
    expect(fs.readFileSync(path.join(out, 'schemas/example.com.json'), 'utf8')).toBe(schemas);
  });

  test('a failure leaves the previous imports untouched', async () => {
    const { sources, config, out } = fixture();
    const log = (): void => undefined;
    await importModules({ configPath: config, fromDir: sources, outDir: out, log });
    const before = fs.readFileSync(path.join(out, 'example.com.ts'), 'utf8');
    // The upstream file now declares another group than the module it is imported as.
    fs.writeFileSync(path.join(sources, 'widgets-2.0.0', 'widget-crd.yaml'), widgetCrd('other.io'));
    await expect(importModules({ configPath: config, fromDir: sources, outDir: out, log })).rejects.toThrow(/other\.io/);
    expect(fs.readFileSync(path.join(out, 'example.com.ts'), 'utf8')).toBe(before);
  });
});

describe('cdk8s.yaml entries', () => {
  test('an entry is named after its CRD; the module is the CRD\'s group', () => {
    expect(parseImportEntry('kafkas.kafka.strimzi.io:=https://example.com/1.2.0/040-Crd-kafka.yaml')).toEqual({
      name: 'kafkas.kafka.strimzi.io', module: 'kafka.strimzi.io', url: 'https://example.com/1.2.0/040-Crd-kafka.yaml',
    });
  });

  test.each([
    ['example.com:=https://example.com/1.0.0/widget-crd.yaml', /"example\.com" .* is not a CRD name\. Fix: name the entry after the CRD it imports, its metadata\.name "<plural>\.<group>"/],
    ['widgets.example.com:=http://example.com/1.0.0/widget-crd.yaml', /must use https:\/\//],
    ['widgets.example.com=https://example.com/1.0.0/widget-crd.yaml', /must have exactly one ":=" separating the CRD name from the URL/],
  ])('%s is refused', (entry, message) => {
    expect(() => parseImportEntry(entry)).toThrow(ImportError);
    expect(() => parseImportEntry(entry)).toThrow(message);
  });

  test('a CRD listed twice is refused', () => {
    const text = 'crds:\n  - widgets.example.com:=https://example.com/1.0.0/a.yaml\n  - widgets.example.com:=https://example.com/2.0.0/b.yaml\n';
    expect(() => parseImportConfig(text)).toThrow(/CRD widgets\.example\.com is listed more than once/);
  });

  test('an entry whose name is not the CRD in its file fails the import, naming the CRD to use', async () => {
    // GIVEN an entry named after another CRD than the file defines
    const { sources, config, out } = fixture();
    fs.writeFileSync(config, 'crds:\n  - gadgets.example.com:=https://example.com/widgets/2.0.0/deploy/widget-crd.yaml\n');
    // THEN
    await expect(importModules({ configPath: config, fromDir: sources, outDir: out, log: () => undefined }))
      .rejects.toThrow(/holds no CRD named "gadgets\.example\.com" \(it defines widgets\.example\.com\)\. Fix: name the entry after its CRD: "widgets\.example\.com:=https:\/\/example\.com\/widgets\/2\.0\.0\/deploy\/widget-crd\.yaml"/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('bundles of CRDs (ECK all-crds.yaml)', () => {
  const BUNDLE_URL = 'https://raw.githubusercontent.com/example/operator/v3.5.0/config/crds/v1/all-crds.yaml';

  /** A bundle of two CRDs of different groups, and a copy of one of them alone. */
  function bundle(): { dir: string; gadget: string; config: string } {
    const dir = temp();
    const gadget = widgetCrd('example.com').replace(/widgets/g, 'gadgets').replace(/Widget/g, 'Gadget').replace(/widget/g, 'gadget');
    fs.mkdirSync(path.join(dir, 'bundle'));
    fs.writeFileSync(path.join(dir, 'bundle', 'all-crds.yaml'), `---\n${widgetCrd('other.io')}---\n${gadget}`);
    const config = path.join(dir, 'cdk8s.yaml');
    fs.writeFileSync(config, `crds:\n  - gadgets.example.com:=${BUNDLE_URL}\n`);
    return { dir, gadget, config };
  }

  test('the entry takes only the CRD it names from the bundle', async () => {
    const { dir, config } = bundle();
    const result = await importModules({ configPath: config, fromDir: path.join(dir, 'bundle'), outDir: path.join(dir, 'out'), log: () => undefined });
    expect(result.modules.map((m) => [m.module, m.kinds])).toEqual([['example.com', ['example.com/v1/Gadget']]]);
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['example.com.ts', 'schemas', 'scopes.ts']);
  });

  test('a local copy of that CRD alone (<group>_<plural>.yaml) gives the same files as the bundle', async () => {
    // GIVEN the bundle, and elsewhere only the split copy of the Gadget CRD
    const { dir, gadget, config } = bundle();
    expect(singleCrdFileName('gadgets.example.com')).toBe('example.com_gadgets.yaml');
    fs.mkdirSync(path.join(dir, 'split', 'operator'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'split', 'operator', 'example.com_gadgets.yaml'), `# a comment the bundle does not have\n${gadget}`);
    // WHEN both are imported
    await importModules({ configPath: config, fromDir: path.join(dir, 'bundle'), outDir: path.join(dir, 'a'), log: () => undefined });
    await importModules({ configPath: config, fromDir: path.join(dir, 'split'), outDir: path.join(dir, 'b'), log: () => undefined });
    // THEN the outputs are byte-identical (the header hashes the CRD document, not the file)
    for (const file of ['example.com.ts', 'schemas/example.com.json', 'scopes.ts']) {
      expect(fs.readFileSync(path.join(dir, 'b', file), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'a', file), 'utf8'));
    }
  });

  test('without the bundle or a split copy, the error names both file names', () => {
    const dir = temp();
    expect(() => resolveSource(BUNDLE_URL, dir, [], 'gadgets.example.com')).toThrow(/no file named "all-crds\.yaml" \(or "example\.com_gadgets\.yaml", a copy of the CRD gadgets\.example\.com alone\)/);
  });
});

describe('version pins', () => {
  test('only the pinned version of a CRD serving several is imported; a pin it does not serve is an error', async () => {
    // GIVEN a CRD serving v1 and v1beta1 and not serving v1alpha1
    const { sources, config, out } = fixture();
    const versions = (crd: string): string => crd.replace('    - name: v1\n', '    - name: v1alpha1\n      served: false\n      storage: false\n      schema: { openAPIV3Schema: { type: object } }\n    - name: v1beta1\n      served: true\n      storage: false\n      schema: { openAPIV3Schema: { type: object } }\n    - name: v1\n');
    fs.writeFileSync(path.join(sources, 'widgets-2.0.0', 'widget-crd.yaml'), versions(widgetCrd()));
    // WHEN pinned to v1
    const pinned = await importModules({ configPath: config, fromDir: sources, outDir: out, log: () => undefined, versionPins: { 'example.com': ['v1'] } });
    // THEN
    expect(pinned.modules[0]?.kinds).toEqual(['example.com/v1/Widget']);
    // WHEN unpinned: every served version, never the unserved one
    const all = await importModules({ configPath: config, fromDir: sources, outDir: out, log: () => undefined, versionPins: {} });
    expect(all.modules[0]?.kinds).toEqual(['example.com/v1beta1/Widget', 'example.com/v1/Widget']);
    // WHEN pinned to the unserved version
    await expect(importModules({ configPath: config, fromDir: sources, outDir: out, log: () => undefined, versionPins: { 'example.com': ['v1alpha1'] } }))
      .rejects.toThrow(/Widget does not serve the pinned version\(s\) v1alpha1 \(served: v1beta1, v1\)/);
  });
});

test('bindings written with --out elsewhere import the run-time helper of this project', () => {
  expect(runtimeModuleFor(path.join(ROOT, 'imports'))).toBe('../constructs/lib/crd-json');
  expect(runtimeModuleFor(ROOT)).toBe('./constructs/lib/crd-json');
  expect(path.resolve('/tmp/x/out', runtimeModuleFor('/tmp/x/out'))).toBe(path.join(ROOT, 'constructs/lib/crd-json'));
});

describe('committed bindings', () => {
  const entries = parseImportConfig(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8'));
  const modules = [...new Set(entries.map((e) => e.module))];

  test.each(modules.map((m) => [m]))('imports/%s.ts was generated from exactly the URLs cdk8s.yaml pins', (module) => {
    const header = fs.readFileSync(path.join(ROOT, 'imports', `${module}.ts`), 'utf8').split('\n').filter((l) => l.startsWith('//'));
    const urls = header.filter((l) => /^\/\/\s+https?:\/\//.test(l)).map((l) => l.replace(/^\/\/\s+/, '').trim());
    expect(header[0]).toContain(GENERATED_MARKER.replace('// ', ''));
    expect(urls).toEqual(entries.filter((e) => e.module === module).map((e) => e.url));
    // GIVEN the header's CRD hashes THEN they name exactly the module's CRDs, in cdk8s.yaml order
    const hashes = header.find((l) => l.includes('sha256 of the upstream CRD documents'))?.replace(/^.*\): /, '').split(', ').map((h) => h.split(' ')[0]);
    expect(hashes).toEqual(entries.filter((e) => e.module === module).map((e) => e.name));
  });

  test('schemas carry no upstream documentation strings', () => {
    const check = (node: unknown, parentIsProperties: boolean): void => {
      if (Array.isArray(node)) {
        node.forEach((n) => check(n, false));
      } else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'description' && !parentIsProperties) throw new Error(`documentation left in schema: ${JSON.stringify(value).slice(0, 60)}`);
          check(value, key === 'properties');
        }
      }
    };
    for (const file of fs.readdirSync(path.join(ROOT, 'imports/schemas'))) {
      check(JSON.parse(fs.readFileSync(path.join(ROOT, 'imports/schemas', file), 'utf8')), false);
    }
  });

  test('the operators are deployed at the releases whose CRDs are imported', () => {
    // GIVEN the releases cdk8s.yaml pins
    const urls = entries.map((e) => e.url);
    // THEN the operator charts and images in code are those releases (a mismatch would validate against one
    // release's schema and run another's operator)
    expect(urls.filter((u) => u.includes('/strimzi/strimzi-kafka-operator/')).every((u) => u.includes(`/${STRIMZI_VERSION}/`))).toBe(true);
    expect(urls.filter((u) => u.includes('/cloudnative-pg/cloudnative-pg/')).every((u) => u.includes(`/v${CLOUDNATIVE_PG_VERSION}/`))).toBe(true);
    const helm = (name: string): NonNullable<ReturnType<typeof renderEnvironment>['graph'][number]['helm']> => {
      const found = renderEnvironment(prod).graph.find((a) => a.appName === name)?.helm;
      if (found === undefined) throw new Error(`no Helm application ${name} in prod`);
      return found;
    };
    expect(helm('strimzi-operator')).toMatchObject({ chart: 'strimzi-kafka-operator', version: STRIMZI_VERSION });
    // The Kafka image is the one of the cluster that uses the operator (prod's Kafka 4.3.1).
    expect(helm('strimzi-operator').images).toEqual([
      `registry.healthxcape.internal:5000/quay.io/strimzi/operator:${STRIMZI_VERSION}`,
      `registry.healthxcape.internal:5000/quay.io/strimzi/kafka:${STRIMZI_VERSION}-kafka-4.3.1`,
    ]);
    expect(helm('cnpg-operator').images).toEqual([`registry.healthxcape.internal:5000/ghcr.io/cloudnative-pg/cloudnative-pg:${CLOUDNATIVE_PG_VERSION}`]);
  });

  test('every kind the platforms need is imported, at its pinned version only', () => {
    // GIVEN every committed CRD schema
    const dir = path.join(ROOT, 'imports/schemas');
    const kinds = fs.readdirSync(dir).filter((f) => f !== 'kubernetes.json')
      .flatMap((f) => Object.keys(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as object)).sort();
    // THEN
    expect(kinds).toEqual([
      'argoproj.io/v1alpha1/AppProject', 'argoproj.io/v1alpha1/Application', 'argoproj.io/v1alpha1/ApplicationSet',
      'camel.apache.org/v1/Integration', 'camel.apache.org/v1/IntegrationPlatform', 'camel.apache.org/v1/Kamelet',
      'cert-manager.io/v1/Certificate', 'cert-manager.io/v1/ClusterIssuer', 'cert-manager.io/v1/Issuer',
      'elasticsearch.k8s.elastic.co/v1/Elasticsearch',
      'external-secrets.io/v1/ExternalSecret',
      'gateway.networking.k8s.io/v1/GRPCRoute', 'gateway.networking.k8s.io/v1/Gateway', 'gateway.networking.k8s.io/v1/HTTPRoute', 'gateway.networking.k8s.io/v1/ReferenceGrant',
      'generators.external-secrets.io/v1alpha1/ClusterGenerator', 'generators.external-secrets.io/v1alpha1/Password',
      'kafka.strimzi.io/v1/Kafka', 'kafka.strimzi.io/v1/KafkaNodePool', 'kafka.strimzi.io/v1/KafkaTopic', 'kafka.strimzi.io/v1/KafkaUser',
      'mongodbcommunity.mongodb.com/v1/MongoDBCommunity',
      'monitoring.coreos.com/v1/PodMonitor', 'monitoring.coreos.com/v1/ServiceMonitor',
      'postgresql.cnpg.io/v1/Cluster', 'postgresql.cnpg.io/v1/Database',
      'rabbitmq.com/v1beta1/RabbitmqCluster',
      'secrets-store.csi.x-k8s.io/v1/SecretProviderClass',
      'traefik.io/v1alpha1/IngressRoute', 'traefik.io/v1alpha1/Middleware',
    ]);
    // Every module has an explicit pin, so a release serving an old version again adds no class.
    expect(modules.filter((m) => DEFAULT_VERSION_PINS[m] === undefined)).toEqual([]);
  });

  test('every URL points at the release tag and upstream path of its project', () => {
    // The releases (tag and source path) the platforms are built on.
    const releases: readonly (readonly [string, string])[] = [
      ['kafka.strimzi.io', 'https://raw.githubusercontent.com/strimzi/strimzi-kafka-operator/1.2.0/packaging/install/cluster-operator/'],
      ['argoproj.io', 'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.1/manifests/crds/'],
      ['postgresql.cnpg.io', 'https://raw.githubusercontent.com/cloudnative-pg/cloudnative-pg/v1.30.0/config/crd/bases/'],
      ['external-secrets.io', 'https://raw.githubusercontent.com/external-secrets/external-secrets/v2.9.0/config/crds/bases/'],
      ['generators.external-secrets.io', 'https://raw.githubusercontent.com/external-secrets/external-secrets/v2.9.0/config/crds/bases/'],
      ['cert-manager.io', 'https://raw.githubusercontent.com/cert-manager/cert-manager/v1.21.1/deploy/crds/'],
      ['gateway.networking.k8s.io', 'https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/v1.6.1/config/crd/standard/'],
      ['monitoring.coreos.com', 'https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/v0.93.0/example/prometheus-operator-crd/'],
      ['traefik.io', 'https://raw.githubusercontent.com/traefik/traefik/v3.7.9/docs/content/reference/dynamic-configuration/'],
      ['secrets-store.csi.x-k8s.io', 'https://raw.githubusercontent.com/kubernetes-sigs/secrets-store-csi-driver/v1.6.0/config/crd/bases/'],
      ['rabbitmq.com', 'https://raw.githubusercontent.com/rabbitmq/cluster-operator/v2.22.3/config/crd/bases/'],
      ['camel.apache.org', 'https://raw.githubusercontent.com/apache/camel-k/v2.10.1/pkg/resources/config/crd/bases/'],
      ['mongodbcommunity.mongodb.com', 'https://raw.githubusercontent.com/mongodb/mongodb-kubernetes-operator/v0.13.0/config/crd/bases/'],
      ['elasticsearch.k8s.elastic.co', 'https://raw.githubusercontent.com/elastic/cloud-on-k8s/v3.5.0/config/crds/v1/all-crds.yaml'],
    ];
    const prefix = new Map(releases);
    expect([...prefix.keys()].sort()).toEqual([...modules].sort());
    for (const e of entries) expect(`${e.module} ${e.url}`).toMatch(new RegExp(`^${e.module.replace(/\./g, '\\.')} ${(prefix.get(e.module) ?? '-').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  test('every upstream CEL rule is kept in the schemas (x-kubernetes-validations)', () => {
    // GIVEN the number of rules in the imported version of each CRD upstream (counted in the release files)
    const upstream: Readonly<Record<string, number>> = {
      'kafka.strimzi.io/v1/Kafka': 5, 'kafka.strimzi.io/v1/KafkaUser': 3, 'postgresql.cnpg.io/v1/Cluster': 9, 'postgresql.cnpg.io/v1/Database': 21,
      'generators.external-secrets.io/v1alpha1/ClusterGenerator': 1, 'cert-manager.io/v1/Issuer': 1, 'cert-manager.io/v1/ClusterIssuer': 1,
      'gateway.networking.k8s.io/v1/Gateway': 16, 'gateway.networking.k8s.io/v1/HTTPRoute': 89, 'gateway.networking.k8s.io/v1/GRPCRoute': 33,
      'traefik.io/v1alpha1/Middleware': 1, 'rabbitmq.com/v1beta1/RabbitmqCluster': 1,
    };
    const count = (node: unknown): number => Array.isArray(node) ? node.reduce((n: number, x: unknown) => n + count(x), 0)
      : node !== null && typeof node === 'object'
        ? Object.entries(node).reduce((n, [k, v]) => n + (k === 'x-kubernetes-validations' && Array.isArray(v) ? v.length : count(v)), 0)
        : 0;
    // THEN the committed schemas carry exactly as many, and no other kind has any
    const dir = path.join(ROOT, 'imports/schemas');
    const found: Record<string, number> = {};
    for (const file of fs.readdirSync(dir).filter((f) => f !== 'kubernetes.json')) {
      for (const [kind, schema] of Object.entries(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>)) {
        const n = count(schema);
        if (n > 0) found[kind] = n;
      }
    }
    expect(found).toEqual(upstream);
  });
});

describe('core Kubernetes schemas', () => {
  const definitions = {
    definitions: {
      'io.k8s.api.core.v1.ConfigMap': {
        description: 'UPSTREAM-DOC ConfigMap holds configuration data.',
        type: 'object',
        properties: { data: { description: 'UPSTREAM-DOC Data.', type: 'object', additionalProperties: { type: 'string' } }, metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' } },
        'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'ConfigMap' }],
      },
      'io.k8s.api.core.v1.ConfigMapList': { type: 'object', 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'ConfigMapList' }] },
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', properties: { name: { type: 'string' } } },
      'io.k8s.api.unused.v1.Unreferenced': { type: 'object' },
    },
  };

  test('npm run import turns the pinned release\'s definitions into imports/schemas/kubernetes.json', async () => {
    const { sources, config, out } = fixture();
    fs.mkdirSync(path.join(sources, 'kubernetes'));
    fs.writeFileSync(path.join(sources, 'kubernetes', 'v9.9.9-definitions.json'), JSON.stringify(definitions));
    fs.appendFileSync(config, 'kubernetesSchemas: https://raw.githubusercontent.com/kubernetes/kubernetes/v9.9.9/api/openapi-spec/swagger.json\n');
    await importModules({ configPath: config, fromDir: sources, outDir: out, log: () => undefined });
    const text = fs.readFileSync(path.join(out, 'schemas/kubernetes.json'), 'utf8');
    const bundle = JSON.parse(text) as { kubernetesVersion: string; kinds: Record<string, string>; definitions: Record<string, unknown> };
    expect(bundle.kubernetesVersion).toBe('v9.9.9');
    // Manifest kinds only (no lists), plus what they reference; no upstream text.
    expect(bundle.kinds).toEqual({ 'v1/ConfigMap': 'io.k8s.api.core.v1.ConfigMap' });
    expect(Object.keys(bundle.definitions).sort()).toEqual(['io.k8s.api.core.v1.ConfigMap', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    expect(text).not.toContain('UPSTREAM-DOC');
    await importModules({ configPath: config, fromDir: sources, outDir: out, log: () => undefined });
    expect(fs.readFileSync(path.join(out, 'schemas/kubernetes.json'), 'utf8')).toBe(text);
  });

  test('the committed bundle comes from the release cdk8s.yaml pins', () => {
    const url = parseKubernetesSchemaUrl(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8'));
    const bundle = JSON.parse(fs.readFileSync(path.join(ROOT, 'imports/schemas/kubernetes.json'), 'utf8')) as { kubernetesVersion: string; kinds: Record<string, string> };
    expect(url).toBe('https://raw.githubusercontent.com/kubernetes/kubernetes/v1.32.0/api/openapi-spec/swagger.json');
    expect(bundle.kubernetesVersion).toBe('v1.32.0');
    expect(bundle.kinds['apps/v1/Deployment']).toBe('io.k8s.api.apps.v1.Deployment');
  });
});
