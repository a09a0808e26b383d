/**
 * `ArgoApplicationSet` with an explicit list of directories (the tiers of a cluster's platform-and-apps
 * ApplicationSets) instead of every subdirectory of the environment.
 */
import { App, Chart } from 'cdk8s';
import { ArgoApplicationSet, ArgoApplicationSetProps, generatedApplications, PlatformError } from '../../constructs';
import { at, Manifest } from '../helpers';

const props: ArgoApplicationSetProps = {
  name: 'dev-platform', namePrefix: 'dev', project: 'shop-dev', repoURL: 'https://git.example.com/rendered.git', revision: 'rendered',
  directory: 'dev', exclude: ['dev/argocd'], server: 'https://kubernetes.default.svc', destinationNamespace: 'shop-dev', environment: 'dev',
};

function render(overrides: Partial<ArgoApplicationSetProps>): Manifest {
  const chart = new Chart(new App(), 'argocd');
  new ArgoApplicationSet(chart, 'Set', { ...props, ...overrides });
  return chart.toJson()[0] as Manifest;
}

describe('ArgoApplicationSet directories', () => {
  test('generates exactly the listed directories', () => {
    const set = render({ directories: ['dev/orders-db', 'dev/kafka'] });
    expect(at(set, 'spec.generators.0.git.directories')).toEqual([{ path: 'dev/orders-db' }, { path: 'dev/kafka' }]);
    expect(generatedApplications(set as never, ['dev/argocd', 'dev/api', 'dev/kafka', 'dev/orders-db']).map((g) => g.name)).toEqual(['dev-kafka', 'dev-orders-db']);
  });

  test('without them, every subdirectory of the environment but the excluded ones', () => {
    expect(at(render({}), 'spec.generators.0.git.directories')).toEqual([{ path: 'dev/*' }, { path: 'dev/argocd', exclude: true }]);
  });

  test('refuses a directory of another environment, a nested one, and an empty list', () => {
    expect(() => render({ directories: ['qa/kafka'] })).toThrow(PlatformError);
    expect(() => render({ directories: ['qa/kafka'] })).toThrow(/directories\[0\].*is not a directory of 'dev'/);
    expect(() => render({ directories: ['dev/kafka/extra'] })).toThrow(/directories\[0\].*is not a directory of 'dev'/);
    expect(() => render({ directories: [] })).toThrow(/directories.*is empty: the ApplicationSet would generate nothing/);
  });
});
