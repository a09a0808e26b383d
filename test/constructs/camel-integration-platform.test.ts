import { CamelIntegrationPlatform, CamelIntegrationPlatformProps, HelmApplication, mavenSettingsXml } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

describe('CamelIntegrationPlatform', () => {
  test('renders an IntegrationPlatform (Quarkus, pod builds, Jib) reading the shared Maven settings ConfigMap beside it', () => {
    // GIVEN
    const { chart } = applicationChart('camel', { namespace: 'user-alice' });
    // WHEN
    new CamelIntegrationPlatform(chart, 'platform', { registry: { address: 'registry.internal:5000' }, maven: { mirror: 'https://nexus.internal/maven/' } });
    // THEN
    const objects = synth(chart);
    const ip = findObject(objects, 'IntegrationPlatform', 'camel-k');
    expect(ip.apiVersion).toBe('camel.apache.org/v1');
    expect(ip.metadata.namespace).toBe('user-alice');
    expect(ip.metadata.annotations).toEqual({ 'camel.apache.org/operator.id': 'camel-k' });
    expect(at(ip, 'spec.build')).toEqual({
      runtimeProvider: 'quarkus',
      publishStrategy: 'Jib',
      maxRunningBuilds: 3,
      buildConfiguration: { strategy: 'pod' },
      maven: { settings: { configMapKeyRef: { name: 'camel-k-maven-settings', key: 'settings.xml' } } },
      registry: { address: 'registry.internal:5000', organization: 'user-alice' },
    });
    const settings = findObject(objects, 'ConfigMap', 'camel-k-maven-settings');
    expect(settings.metadata.namespace).toBe('user-alice');
    expect((settings.data as Record<string, string>)['settings.xml']).toContain('<mirrorOf>*</mirrorOf>\n      <url>https://nexus.internal/maven/</url>');
  });

  test('the same Maven settings render the same settings.xml in every namespace; repositories are sorted and escaped', () => {
    const xml = mavenSettingsXml({ repositories: { 'b-repo': 'https://b.example/m2?x=1&y=2', 'a-repo': 'https://a.example/m2' } });
    expect(xml.indexOf('a-repo')).toBeLessThan(xml.indexOf('b-repo'));
    expect(xml).toContain('https://b.example/m2?x=1&amp;y=2');
    expect(mavenSettingsXml({})).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">\n</settings>\n');
  });

  test('is synced after the application delivering the Camel K operator', () => {
    const { app, chart } = applicationChart('camel', { namespace: 'user-alice' });
    const operator = new HelmApplication(app, 'camel-k-operator', { context: chart.context, namespace: 'operators', repoURL: 'https://apache.github.io/camel-k/charts/', chart: 'camel-k', version: '2.10.1' });
    new CamelIntegrationPlatform(chart, 'platform', { operator });
    expect(chart.dependencies).toEqual([operator]);
  });

  describe('validation', () => {
    const cases: [string, Partial<CamelIntegrationPlatformProps>, RegExp][] = [
      ['an unknown build strategy', { buildStrategy: 'kaniko' as never }, /'buildStrategy' must be one of 'pod', 'routine'/],
      ['a registry with a scheme', { registry: { address: 'https://registry.internal' } }, /'registry.address' must be a registry host with optional port, without scheme or path/],
      ['a Maven mirror that is no URL', { maven: { mirror: 'nexus' } }, /'maven.mirror' must be an http\(s\) URL/],
      ['a typo', { buildStrategi: 'pod' } as Partial<CamelIntegrationPlatformProps>, /'buildStrategi' is not a setting of an IntegrationPlatform.*rename it to 'buildStrategy'/s],
    ];
    test.each(cases)('fails on %s', (_what, override, message) => {
      expect(() => new CamelIntegrationPlatform(applicationChart('camel', { namespace: 'user-alice' }).chart, 'platform', override)).toThrow(message);
    });

    test('a chart without namespace needs one', () => {
      expect(() => new CamelIntegrationPlatform(applicationChart('camel', { namespace: undefined }).chart, 'platform')).toThrow(/'namespace' is required when the chart has no namespace/);
    });
  });
});
