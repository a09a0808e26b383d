import { DrizzleGateway } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';
import { generator, storage } from './dev-tools.fixtures';

const image = { repository: 'ghcr.io/drizzle-team/gateway', tag: '1.6.2' };

describe('DrizzleGateway', () => {
  test('its store on a volume, a generated master password, HTTP on 4983', () => {
    const { chart } = applicationChart('drizzle', { namespace: 'services' });
    new DrizzleGateway(chart, 'drizzle-gateway', { image, storage, passwordGenerator: generator });
    const objects = synth(chart);
    const set = findObject(objects, 'StatefulSet', 'drizzle-gateway');
    expect(at(set, 'spec.template.spec.containers.0.env')).toEqual(expect.arrayContaining([
      { name: 'STORE_PATH', value: '/app' },
      { name: 'MASTERPASS', valueFrom: { secretKeyRef: { name: 'drizzle-gateway-masterpass', key: 'password' } } },
    ]));
    expect(at(set, 'spec.volumeClaimTemplates.0.spec.resources.requests.storage')).toBe('1Gi');
    expect(findObject(objects, 'ExternalSecret', 'drizzle-gateway-masterpass')).toBeDefined();
  });

  test('refuses an invalid size', () => {
    expect(() => new DrizzleGateway(applicationChart().chart, 'd', { image, storage, passwordGenerator: generator, size: 'lots' })).toThrow(/field 'size'/);
  });
});
