/**
 * Scopes of kinds: recorded at import from each CRD's `spec.scope` and from the core Kubernetes release
 * (imports/scopes.ts), and read by `isClusterScoped()`, which the Argo CD project and validation use.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isClusterScoped, scopeOf } from '../../constructs';
import { KIND_SCOPES } from '../../imports/scopes';
import { importModules } from '../../tools/import/import-crds';
import { CLUSTER_SCOPED_CORE_KINDS, KubernetesSchemaBundle, kubernetesKindScopes, scopesFromPaths } from '../../tools/import/kubernetes-schemas';
import { mergeScopes } from '../../tools/import/scopes';
import { crdYaml } from '../support/crds';

const ROOT = path.resolve(__dirname, '../..');

function crd(plural: string, kind: string, scope: string): string {
  return crdYaml({ plural, kind, scope });
}

describe('isClusterScoped', () => {
  test.each([
    ['cert-manager.io/v1', 'ClusterIssuer', true],
    ['cert-manager.io/v1', 'Issuer', false],
    ['cert-manager.io/v1', 'Certificate', false],
    ['generators.external-secrets.io/v1alpha1', 'ClusterGenerator', true],
    ['gateway.networking.k8s.io/v1', 'HTTPRoute', false],
    ['postgresql.cnpg.io/v1', 'Cluster', false],
    ['v1', 'Namespace', true],
    ['v1', 'PersistentVolume', true],
    ['storage.k8s.io/v1', 'StorageClass', true],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', true],
    ['v1', 'ConfigMap', false],
    ['apps/v1', 'Deployment', false],
  ])('%s %s -> %s', (apiVersion, kind, expected) => {
    expect(isClusterScoped(apiVersion, kind)).toBe(expected);
  });

  test('a kind that is neither core nor imported has no scope and counts as namespaced', () => {
    expect(scopeOf('example.com/v1', 'Widget')).toBeUndefined();
    expect(isClusterScoped('example.com/v1', 'ClusterWidget')).toBe(false);
  });

  test('every kind with a schema has a scope, and nothing else does', () => {
    // GIVEN the committed schemas (core bundle and CRD bundles)
    const dir = path.join(ROOT, 'imports/schemas');
    const core = JSON.parse(fs.readFileSync(path.join(dir, 'kubernetes.json'), 'utf8')) as { kinds: Record<string, string> };
    const keys = new Set<string>();
    const add = (key: string): void => {
      const parts = key.split('/');
      keys.add(parts.length === 3 ? `${parts[0]}/${parts[2]}` : `/${parts[1]}`);
    };
    Object.keys(core.kinds).forEach(add);
    for (const file of fs.readdirSync(dir).filter((f) => f !== 'kubernetes.json')) {
      Object.keys(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as object).forEach(add);
    }
    // THEN scopes and schemas name the same kinds
    expect(Object.keys(KIND_SCOPES).sort()).toEqual([...keys].sort());
  });

  test('the hand-kept core list names only kinds of the pinned release', () => {
    for (const key of CLUSTER_SCOPED_CORE_KINDS) expect(KIND_SCOPES[key]).toBe('Cluster');
  });
});

describe('scopes recorded at import', () => {
  test("each CRD's spec.scope is written to imports/scopes.ts", async () => {
    // GIVEN a cluster-scoped and a namespaced CRD
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-scopes-'));
    fs.mkdirSync(path.join(dir, 'crds'));
    fs.writeFileSync(path.join(dir, 'crds', 'widgets.yaml'), crd('widgets', 'Widget', 'Namespaced'));
    fs.writeFileSync(path.join(dir, 'crds', 'clusterwidgets.yaml'), crd('clusterwidgets', 'ClusterWidget', 'Cluster'));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
      'crds:',
      '  - widgets.example.com:=https://example.com/1.0.0/widgets.yaml',
      '  - clusterwidgets.example.com:=https://example.com/1.0.0/clusterwidgets.yaml',
      '',
    ].join('\n'));
    // WHEN
    await importModules({ configPath: path.join(dir, 'cdk8s.yaml'), fromDir: path.join(dir, 'crds'), outDir: path.join(dir, 'imports'), log: () => undefined });
    // THEN
    const text = fs.readFileSync(path.join(dir, 'imports', 'scopes.ts'), 'utf8');
    expect(text).toContain("  'example.com/ClusterWidget': 'Cluster',\n  'example.com/Widget': 'Namespaced',\n");
  });

  test('a CRD without a valid scope stops the import', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-scopes-'));
    fs.mkdirSync(path.join(dir, 'crds'));
    fs.writeFileSync(path.join(dir, 'crds', 'widgets.yaml'), crd('widgets', 'Widget', 'Global'));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'crds:\n  - widgets.example.com:=https://example.com/1.0.0/widgets.yaml\n');
    await expect(importModules({ configPath: path.join(dir, 'cdk8s.yaml'), fromDir: path.join(dir, 'crds'), outDir: path.join(dir, 'imports'), log: () => undefined }))
      .rejects.toThrow(/Widget has spec\.scope "Global"; a CRD is "Cluster" or "Namespaced"/);
  });

  test('one kind imported with two scopes is an error', () => {
    expect(() => mergeScopes({ 'example.com/Widget': 'Cluster' }, { 'example.com/Widget': 'Namespaced' })).toThrow(/example\.com\/Widget is imported as Cluster and as Namespaced/);
  });
});

describe('core Kubernetes scopes', () => {
  const bundle: KubernetesSchemaBundle = {
    kubernetesVersion: 'v9.9.9',
    sha256: '0',
    kinds: { 'v1/Namespace': 'io.k8s.api.core.v1.Namespace', 'v1/ConfigMap': 'io.k8s.api.core.v1.ConfigMap', 'storage.k8s.io/v1/StorageClass': 'io.k8s.api.storage.v1.StorageClass' },
    definitions: {},
  };
  /** The create operations of a swagger.json, as the release documents them. */
  const swagger = (storageClassPath: string): unknown => ({
    paths: {
      '/api/v1/namespaces': { post: { 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'Namespace' } } },
      '/api/v1/namespaces/{namespace}/configmaps': {
        post: { 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'ConfigMap' } },
        get: { 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'ConfigMap' } },
      },
      // Listing across namespaces has no {namespace}: it is not the create path and must not decide the scope.
      '/api/v1/configmaps': { get: { 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'ConfigMap' } } },
      [storageClassPath]: { post: { 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass' } } },
    },
  });

  test('the create paths decide the scope when the document has them', () => {
    expect(scopesFromPaths(swagger('/apis/storage.k8s.io/v1/storageclasses'))).toEqual({ '/Namespace': 'Cluster', '/ConfigMap': 'Namespaced', 'storage.k8s.io/StorageClass': 'Cluster' });
    expect(kubernetesKindScopes(swagger('/apis/storage.k8s.io/v1/storageclasses'), bundle)).toEqual({ '/Namespace': 'Cluster', '/ConfigMap': 'Namespaced', 'storage.k8s.io/StorageClass': 'Cluster' });
  });

  test('a definitions-only document gets the scopes of the hand-kept list', () => {
    expect(scopesFromPaths({ definitions: {} })).toEqual({});
    expect(kubernetesKindScopes({ definitions: {} }, bundle)).toEqual({ '/Namespace': 'Cluster', '/ConfigMap': 'Namespaced', 'storage.k8s.io/StorageClass': 'Cluster' });
  });

  test('paths that disagree with the list stop the import, so both ways give the same file', () => {
    // GIVEN a release where StorageClass would be created in a namespace
    const document = swagger('/apis/storage.k8s.io/v1/namespaces/{namespace}/storageclasses');
    // THEN
    expect(() => kubernetesKindScopes(document, bundle)).toThrow(/storage\.k8s\.io\/StorageClass is Namespaced in the paths, Cluster by the list\. Fix: correct the list in tools\/import\/kubernetes-schemas\.ts/);
  });
});
