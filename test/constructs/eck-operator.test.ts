import { App } from 'cdk8s';
import { ApplicationChart, DynamicStorage, ECK_VERSION, EckOperator, Elasticsearch, PlatformContext, prepareApp } from '../../constructs';

const context: PlatformContext = { environment: 'nonprod', stage: 'staging', platform: 'shop', imagePullPolicy: 'IfNotPresent' };

describe('EckOperator', () => {
  test('pins the eck-operator chart of the imported CRD\'s release', () => {
    const operator = new EckOperator(new App(), 'eck-operator', { context });
    expect(operator.helm).toEqual(expect.objectContaining({ repoURL: 'https://helm.elastic.co', chart: 'eck-operator', version: '3.5.0', providesApiGroups: ['elasticsearch.k8s.elastic.co'] }));
    expect(ECK_VERSION).toBe('3.5.0');
    expect(operator.destinationNamespace).toBe('elastic-system');
    expect(operator.helm.images).toEqual(['docker.elastic.co/eck/eck-operator:3.5.0']);
    expect(operator.helm.clusterScopedKinds).toContainEqual({ group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' });
  });

  test('pulls the operator image through a registry mirror', () => {
    const operator = new EckOperator(new App(), 'eck-operator', { context: { ...context, registryMirror: 'registry.internal:5000' } });
    expect(operator.helm.values).toEqual(expect.objectContaining({
      image: { repository: 'registry.internal:5000/docker.elastic.co/eck/eck-operator', tag: '3.5.0' },
      config: { containerRegistry: 'registry.internal:5000/docker.elastic.co' },
    }));
  });

  test('lists the Elasticsearch image of every cluster that uses it (the air-gap image list)', () => {
    const app = new App();
    const operator = new EckOperator(app, 'eck-operator', { context });
    const chart = new ApplicationChart(app, 'search', { context, namespace: 'shop', version: '1' });
    new Elasticsearch(chart, 'search', { storage: new DynamicStorage('gp3'), version: '9.3.0', operator });
    prepareApp(app);
    expect(operator.helm.images).toEqual(['docker.elastic.co/eck/eck-operator:3.5.0', 'docker.elastic.co/elasticsearch/elasticsearch:9.3.0']);
  });

  test('refuses a release name that is not a DNS label', () => {
    expect(() => new EckOperator(new App(), 'eck-operator', { context, releaseName: 'ECK' })).toThrow(/releaseName/);
  });
});
