import { ApiObject, Testing } from 'cdk8s';
import { DEFAULT_CONTEXT, Reflector, reflectTo } from '../../constructs';
import { findObject, synth } from '../helpers';

describe('Reflector', () => {
  test('the emberstack chart at the pinned release, no CRDs', () => {
    const reflector = new Reflector(Testing.app(), 'reflector', { context: DEFAULT_CONTEXT });
    expect(reflector.helm).toMatchObject({ repoURL: 'https://emberstack.github.io/helm-charts', chart: 'reflector', version: '10.0.63' });
    expect(reflector.helm.providesApiGroups).toEqual([]);
    expect(reflector.helm.images).toEqual(['docker.io/emberstack/kubernetes-reflector:10.0.63']);
  });

  test('reflectTo annotates a Secret to be copied to exactly the namespaces given', () => {
    const chart = Testing.chart();
    const secret = new ApiObject(chart, 's', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mailer' } });
    reflectTo(secret, ['temporal', 'services', 'services']);
    expect(findObject(synth(chart), 'Secret').metadata.annotations).toEqual({
      'reflector.v1.k8s.emberstack.com/reflection-allowed': 'true',
      'reflector.v1.k8s.emberstack.com/reflection-allowed-namespaces': 'services,temporal',
      'reflector.v1.k8s.emberstack.com/reflection-auto-enabled': 'true',
      'reflector.v1.k8s.emberstack.com/reflection-auto-namespaces': 'services,temporal',
    });
  });

  test('refuses other kinds, no namespace and an invalid one', () => {
    const chart = Testing.chart();
    const deployment = new ApiObject(chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } });
    const secret = new ApiObject(chart, 's', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'y' } });
    expect(() => reflectTo(deployment, ['a'])).toThrow(/copies Secrets and ConfigMaps, not Deployment 'x'/);
    expect(() => reflectTo(secret, [])).toThrow(/list at least one namespace/);
    expect(() => reflectTo(secret, ['Bad'])).toThrow(/namespace 'Bad'/);
  });
});
