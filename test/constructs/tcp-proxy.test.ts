import { TcpProxy } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const image = { repository: 'alpine/socat', tag: '1.8.0.1' };

describe('TcpProxy', () => {
  test('the seed\'s socat auth proxy: args from the typed target, TCP probes, as nobody', () => {
    const { chart } = applicationChart('auth', { namespace: 'services' });
    new TcpProxy(chart, 'socat-auth', { image, target: { host: 'host.docker.internal', port: 4000 } });
    const pod = at(findObject(synth(chart), 'Deployment', 'socat-auth'), 'spec.template.spec') as Record<string, unknown>;
    expect(at(pod, 'containers.0.args')).toEqual(['-d', 'TCP4-LISTEN:4000,fork,reuseaddr', 'TCP4:host.docker.internal:4000']);
    expect(at(pod, 'containers.0.livenessProbe.tcpSocket.port')).toBe('tcp');
    expect(at(pod, 'securityContext.runAsUser')).toBe(65534);
  });

  test('refuses a target without a valid host or port', () => {
    expect(() => new TcpProxy(applicationChart().chart, 'p', { image, target: { host: 'Not A Host', port: 0 } })).toThrow(/target\.host[\s\S]*target\.port/);
  });
});
