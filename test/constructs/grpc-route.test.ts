import { existingGateway, GrpcRoute, Microservice } from '../../constructs';
import { applicationChart, findObject, synth } from '../helpers';

const gateway = existingGateway('cilium-gateway', 'gateway');

describe('GrpcRoute', () => {
  test('the seed\'s temporal-server route to the gRPC port 7233', () => {
    // GIVEN
    const { chart } = applicationChart('temporal', { namespace: 'services' });
    const server = new Microservice(chart, 'temporal', { image: { repository: 'temporalio/auto-setup', tag: '1.26.2' }, ports: { grpc: { port: 7233, protocol: 'grpc' } }, probes: { startup: false, liveness: { tcp: { port: 'grpc' } }, readiness: { tcp: { port: 'grpc' } } } });
    // WHEN
    new GrpcRoute(chart, 'temporal-server', { gateway, hostnames: ['temporal-server.127.0.0.1.nip.io'], rules: [{ backend: server }] });
    // THEN
    expect(findObject(synth(chart), 'GRPCRoute', 'temporal-server').spec).toEqual({
      parentRefs: [{ name: 'cilium-gateway', namespace: 'gateway' }],
      hostnames: ['temporal-server.127.0.0.1.nip.io'],
      rules: [{ backendRefs: [{ name: 'temporal', port: 7233 }] }],
    });
  });

  test('refuses an HTTP port and a missing one', () => {
    const { chart } = applicationChart('web', { namespace: 'services' });
    const web = new Microservice(chart, 'web', { image: { repository: 'a/web', tag: '1' }, port: 8080, healthCheck: { path: '/' } });
    expect(() => new GrpcRoute(chart, 'r', { gateway, hostnames: ['a.example.com'], rules: [{ backend: web, port: 'http' }] })).toThrow(/port 'http' of Service 'web' speaks http, which this route does not carry/);
    expect(() => new GrpcRoute(chart, 's', { gateway, hostnames: ['a.example.com'], rules: [{ backend: web }] })).toThrow(/has no port 'grpc'/);
  });
});
