/**
 * The core Kubernetes schema bundle (imports/schemas/kubernetes.json) and its generator.
 */
import * as fs from 'node:fs';
import { buildKubernetesSchemaBundle, KUBERNETES_SCHEMA_FILE, KubernetesSchemaBundle } from '../../tools/import/kubernetes-schemas';

const definitions = {
  definitions: {
    'io.k8s.api.apps.v1.Deployment': {
      description: 'Deployment enables declarative updates.',
      type: 'object',
      properties: { spec: { $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentSpec', description: 'Spec.' } },
      'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'Deployment', version: 'v1' }],
    },
    'io.k8s.api.apps.v1.DeploymentList': { type: 'object', 'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'DeploymentList', version: 'v1' }] },
    'io.k8s.api.apps.v1.DeploymentSpec': { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } },
    'io.k8s.api.core.v1.Binding': { type: 'object', 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Binding', version: 'v1' }] },
    'io.k8s.api.core.v1.Unused': { type: 'object' },
  },
};

test('keeps applicable kinds and what they reference, without descriptions', () => {
  // WHEN
  const bundle = buildKubernetesSchemaBundle(definitions, 'v1.32.0', 'abc');
  // THEN lists, request kinds and unreferenced definitions are left out
  expect(bundle.kinds).toEqual({ 'apps/v1/Deployment': 'io.k8s.api.apps.v1.Deployment' });
  expect(Object.keys(bundle.definitions)).toEqual(['io.k8s.api.apps.v1.Deployment', 'io.k8s.api.apps.v1.DeploymentSpec']);
  expect(JSON.stringify(bundle)).not.toContain('description');
});

test('refuses input that is not a definitions document', () => {
  expect(() => buildKubernetesSchemaBundle({ swagger: '2.0' }, 'v1.32.0', '')).toThrow(/no "definitions" object\. Fix: pass the Kubernetes OpenAPI _definitions\.json/);
});

test('the committed bundle is Kubernetes v1.32.0 with every core kind the platform renders', () => {
  const bundle = JSON.parse(fs.readFileSync(KUBERNETES_SCHEMA_FILE, 'utf8')) as KubernetesSchemaBundle;
  expect(bundle.kubernetesVersion).toBe('v1.32.0');
  for (const kind of ['apps/v1/Deployment', 'apps/v1/StatefulSet', 'v1/Service', 'v1/ConfigMap', 'v1/Namespace', 'v1/PersistentVolume', 'networking.k8s.io/v1/Ingress', 'networking.k8s.io/v1/NetworkPolicy', 'policy/v1/PodDisruptionBudget', 'storage.k8s.io/v1/StorageClass']) {
    expect(bundle.kinds).toHaveProperty([kind]);
  }
  expect(bundle.kinds).not.toHaveProperty(['policy/v1beta1/PodDisruptionBudget']);
});
