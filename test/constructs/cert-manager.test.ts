import { Testing } from 'cdk8s';
import { CertManager, DEFAULT_CONTEXT } from '../../constructs';

describe('CertManager', () => {
  test('the jetstack chart at the release of the imported CRDs, with its CRDs, webhooks in the project', () => {
    // GIVEN / WHEN
    const cm = new CertManager(Testing.app(), 'cert-manager', { context: DEFAULT_CONTEXT });
    // THEN
    expect(cm.helm).toMatchObject({ repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1', values: { crds: { enabled: true, keep: true } } });
    expect(cm.destinationNamespace).toBe('cert-manager');
    expect(cm.helm.providesApiGroups).toEqual(['cert-manager.io', 'acme.cert-manager.io']);
    expect(cm.helm.clusterScopedKinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']));
    expect(cm.helm.images).toContain('quay.io/jetstack/cert-manager-controller:v1.21.1');
  });

  test('a registry mirror moves every image under it', () => {
    const cm = new CertManager(Testing.app(), 'cert-manager', { context: { ...DEFAULT_CONTEXT, registryMirror: 'registry.internal:5000' } });
    expect(cm.helm.values.imageRegistry).toBe('registry.internal:5000/quay.io');
    expect(cm.helm.images.every((i) => i.startsWith('registry.internal:5000/quay.io/jetstack/'))).toBe(true);
  });

  test('refuses an unknown option with the closest name', () => {
    expect(() => new CertManager(Testing.app(), 'cert-manager', { context: DEFAULT_CONTEXT, value: {} } as never)).toThrow(/rename it to 'values'/);
  });
});
