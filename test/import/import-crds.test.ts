/**
 * The CRD import pipeline (`npm run import`): source resolution, description stripping, reproducible and
 * atomic generation, and consistency of the committed bindings with cdk8s.yaml.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  GENERATED_MARKER, ImportError, importModules, parseImportConfig, parseKubernetesSchemaUrl, resolveSource, stripDescriptions,
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

  test('Strimzi is imported at kafka.strimzi.io/v1 only', () => {
    const schemas = JSON.parse(fs.readFileSync(path.join(ROOT, 'imports/schemas/kafka.strimzi.io.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(schemas).sort()).toEqual(['kafka.strimzi.io/v1/Kafka', 'kafka.strimzi.io/v1/KafkaNodePool', 'kafka.strimzi.io/v1/KafkaTopic', 'kafka.strimzi.io/v1/KafkaUser']);
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
