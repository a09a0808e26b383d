import { Testing } from 'cdk8s';
import { ApplicationChart, existingClusterIssuer, Frontend, issuerAnnotations, SelfSignedCa } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

describe('SelfSignedCa', () => {
  test('a self-signed Issuer bootstraps the CA Certificate whose Secret backs selfsigned-cluster-issuer', () => {
    // GIVEN
    const { chart } = applicationChart('certificate-authority', { namespace: 'cert-manager' });
    // WHEN
    const ca = new SelfSignedCa(chart, 'ca');
    // THEN
    const objects = synth(chart);
    expect(at(findObject(objects, 'Issuer', 'selfsigned-ca-bootstrap'), 'spec')).toEqual({ selfSigned: {} });
    const certificate = findObject(objects, 'Certificate', 'selfsigned-ca');
    expect(certificate.metadata.namespace).toBe('cert-manager');
    expect(certificate.spec).toEqual({
      isCA: true, commonName: 'selfsigned-ca', secretName: 'selfsigned-ca', duration: '87600h',
      privateKey: { algorithm: 'ECDSA', size: 256 },
      issuerRef: { name: 'selfsigned-ca-bootstrap', kind: 'Issuer', group: 'cert-manager.io' },
    });
    expect(certificate.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=confirm,Delete=confirm');
    const issuer = findObject(objects, 'ClusterIssuer', 'selfsigned-cluster-issuer');
    expect(issuer.metadata.namespace).toBeUndefined();
    expect(issuer.spec).toEqual({ ca: { secretName: 'selfsigned-ca' } });
    expect(issuerAnnotations(ca)).toEqual({ 'cert-manager.io/cluster-issuer': 'selfsigned-cluster-issuer' });
  });

  test('a Frontend takes the typed issuer for its Ingress and is synced after the CA', () => {
    // GIVEN
    const { app, chart } = applicationChart('web', { namespace: 'web' });
    const caChart = new ApplicationChart(app, 'certificate-authority', { context: chart.context, namespace: 'cert-manager', version: '1' });
    const ca = new SelfSignedCa(caChart, 'ca');
    // WHEN
    new Frontend(chart, 'web', { image: { repository: 'ghcr.io/acme/web', tag: '1.0.0' }, hosts: ['web.127.0.0.1.nip.io'], issuer: ca });
    // THEN
    expect(findObject(synth(chart), 'Ingress', 'web').metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('selfsigned-cluster-issuer');
    expect(chart.dependencies.map((d) => d.appName)).toEqual(['certificate-authority']);
  });

  test('refuses a chart without namespace, an unknown option, and two issuers on one Frontend', () => {
    expect(() => new SelfSignedCa(Testing.chart(), 'ca')).toThrow(/field 'namespace'.*cert-manager's namespace/);
    expect(() => new SelfSignedCa(applicationChart('ca', { namespace: 'cert-manager' }).chart, 'ca', { clusterIsuerName: 'x' } as never)).toThrow(/rename it to 'clusterIssuerName'/);
    expect(() => new Frontend(applicationChart().chart, 'web', { image: { repository: 'a/b', tag: '1' }, hosts: ['a.example.com'], issuer: existingClusterIssuer('ca'), tls: { clusterIssuer: 'other' } }))
      .toThrow(/both 'issuer' and 'tls.clusterIssuer' name the issuer/);
  });
});
