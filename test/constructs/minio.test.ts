import { Minio } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';
import { generator, storage } from './dev-tools.fixtures';

const image = { repository: 'quay.io/minio/minio', tag: 'RELEASE.2025-09-07T16-13-09Z' };

describe('Minio', () => {
  test('a StatefulSet with a data volume from the environment storage and generated root credentials', () => {
    const { chart } = applicationChart('minio', { namespace: 'minio' });
    const minio = new Minio(chart, 'minio', { image, storage, passwordGenerator: generator, size: '20Gi' });
    const objects = synth(chart);
    const set = findObject(objects, 'StatefulSet', 'minio');
    expect(at(set, 'spec.volumeClaimTemplates.0.spec.resources.requests.storage')).toBe('20Gi');
    expect(at(set, 'spec.volumeClaimTemplates.0.spec.storageClassName')).toBe('standard');
    expect(at(set, 'spec.template.spec.containers.0.env')).toEqual(expect.arrayContaining([
      { name: 'MINIO_ROOT_PASSWORD', valueFrom: { secretKeyRef: { name: 'minio-root', key: 'rootPassword' } } },
      { name: 'MINIO_ROOT_USER', valueFrom: { secretKeyRef: { name: 'minio-root', key: 'rootUser' } } },
    ]));
    expect(at(findObject(objects, 'ExternalSecret', 'minio-root'), 'spec.target.template.data')).toEqual({ rootPassword: '{{ .password }}', rootUser: 'minio-admin' });
    expect(minio.endpoint).toBe('http://minio.minio.svc:9000');
  });

  test('refuses a root user that is not a plain name', () => {
    expect(() => new Minio(applicationChart().chart, 'm', { image, storage, passwordGenerator: generator, rootUser: 'a b' })).toThrow(/field 'rootUser'/);
  });
});
