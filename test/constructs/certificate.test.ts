import { Certificate, CertificateProps, existingClusterIssuer } from '../../constructs';
import { applicationChart, findObject, synth } from '../helpers';

const issuer = existingClusterIssuer('selfsigned-cluster-issuer');

describe('Certificate', () => {
  test('a key pair for the service host names, signed by the typed issuer, in <name>-tls', () => {
    // GIVEN
    const { chart } = applicationChart('temporal', { namespace: 'services' });
    // WHEN
    const certificate = new Certificate(chart, 'temporal', { issuer, dnsNames: ['temporal.127.0.0.1.nip.io', 'temporal-server.127.0.0.1.nip.io'] });
    // THEN
    const cr = findObject(synth(chart), 'Certificate', 'temporal');
    expect(cr.metadata.namespace).toBe('services');
    expect(cr.spec).toEqual({
      secretName: 'temporal-tls',
      dnsNames: ['temporal.127.0.0.1.nip.io', 'temporal-server.127.0.0.1.nip.io'],
      duration: '2160h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      issuerRef: { name: 'selfsigned-cluster-issuer', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    expect({ secretName: certificate.secretName, namespace: certificate.namespace }).toEqual({ secretName: 'temporal-tls', namespace: 'services' });
  });

  test('refuses no host names, a host that is not a DNS name, and an Issuer of another namespace', () => {
    expect(() => new Certificate(applicationChart().chart, 'c', { issuer, dnsNames: [] })).toThrow(/field 'dnsNames'.*at least one host name/);
    expect(() => new Certificate(applicationChart().chart, 'c', { issuer, dnsNames: ['Bad_Host'] })).toThrow(/dnsNames\[0\]/);
    const props: CertificateProps = { issuer: { issuerKind: 'Issuer', issuerName: 'local', issuerNamespace: 'kafka' }, dnsNames: ['a.example.com'] };
    expect(() => new Certificate(applicationChart('x', { namespace: 'services' }).chart, 'c', props)).toThrow(/field 'issuer'.*Issuer 'local' is in namespace 'kafka'/);
  });
});

describe('Certificate reflectTo', () => {
  test('asks Reflector to copy the Secret through its template', () => {
    const { chart } = applicationChart('certs', { namespace: 'services' });
    new Certificate(chart, 'c', { issuer, dnsNames: ['a.example.com'], reflectTo: ['kafka-ui'] });
    expect(findObject(synth(chart), 'Certificate', 'c').spec).toMatchObject({ secretTemplate: { annotations: { 'reflector.v1.k8s.emberstack.com/reflection-auto-namespaces': 'kafka-ui' } } });
  });
});
