import { App } from 'cdk8s';
import { HelmApplication, PlatformContext } from '../../constructs';

const context: PlatformContext = { environment: 'dev', stage: 'development', platform: 'shop', imagePullPolicy: 'IfNotPresent' };

describe('HelmApplication', () => {
  test('a chart in a Helm repository keeps the repository and the chart name', () => {
    const app = new HelmApplication(new App(), 'op', { context, namespace: 'operators', repoURL: 'https://charts.example.com', chart: 'op', version: '1.2.3' });
    expect([app.helm.repoURL, app.helm.chart, app.helm.form]).toEqual(['https://charts.example.com', 'op', undefined]);
  });

  test('a chart in an OCI registry becomes Argo CD\'s native OCI source: oci://<registry>/<chart>', () => {
    const app = new HelmApplication(new App(), 'op', { context, namespace: 'operators', repoURL: 'oci://registry-1.docker.io/cloudpirates/', chart: 'rabbitmq-cluster-operator', version: '0.6.5' });
    expect([app.helm.repoURL, app.helm.form, app.helm.cascadeDelete]).toEqual(['oci://registry-1.docker.io/cloudpirates/rabbitmq-cluster-operator', 'oci', undefined]);
  });

  test('refuses a version range', () => {
    expect(() => new HelmApplication(new App(), 'op', { context, namespace: 'operators', repoURL: 'oci://ghcr.io/acme', chart: 'op', version: '~1.2' })).toThrow(/'version' must pin an exact chart version/);
  });
});
