import { Testing } from 'cdk8s';
import { DEFAULT_CONTEXT, ExternalSecretsOperator } from '../../constructs';

describe('ExternalSecretsOperator', () => {
  test('the external-secrets chart 2.9.0 with its CRDs, applied server-side (two CRDs exceed 256 KiB)', () => {
    const eso = new ExternalSecretsOperator(Testing.app(), 'external-secrets', { context: DEFAULT_CONTEXT });
    expect(eso.helm).toMatchObject({ repoURL: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.9.0', values: { installCRDs: true } });
    expect(eso.destinationNamespace).toBe('external-secrets-system');
    expect(eso.serverSideApply).toBe(true);
    expect(eso.helm.providesApiGroups).toEqual(['external-secrets.io', 'generators.external-secrets.io']);
    expect(eso.helm.images).toEqual(['ghcr.io/external-secrets/external-secrets:v2.9.0']);
  });

  test('values merge over the defaults; an invalid namespace is refused', () => {
    const eso = new ExternalSecretsOperator(Testing.app(), 'external-secrets', { context: DEFAULT_CONTEXT, values: { replicaCount: 2 } });
    expect(eso.helm.values).toMatchObject({ installCRDs: true, replicaCount: 2 });
    expect(() => new ExternalSecretsOperator(Testing.app(), 'external-secrets', { context: DEFAULT_CONTEXT, namespace: 'Bad_NS' })).toThrow(/namespace/);
  });
});
