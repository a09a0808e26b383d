import { TemporalServer } from '../../constructs';
import { at, findObject, synth } from '../helpers';
import { servicesWithDatabase } from './dev-tools.fixtures';

const image = { repository: 'temporalio/auto-setup', tag: '1.26.2' };

describe('TemporalServer', () => {
  test('on the shared cluster by reference: the -rw host, the owner\'s Secret, existing databases', () => {
    const { chart, cluster } = servicesWithDatabase();
    const server = new TemporalServer(chart, 'temporal', { image, database: cluster.database('temporal'), visibilityDatabase: cluster.database('temporal_visibility') });
    const deployment = findObject(synth(chart), 'Deployment', 'temporal');
    const env = at(deployment, 'spec.template.spec.containers.0.env') as unknown[];
    expect(env).toEqual(expect.arrayContaining([
      { name: 'DB', value: 'postgres12' },
      { name: 'POSTGRES_SEEDS', value: 'cnpg-cluster-rw.services.svc' },
      { name: 'DBNAME', value: 'temporal' },
      { name: 'VISIBILITY_DBNAME', value: 'temporal_visibility' },
      { name: 'SKIP_DB_CREATE', value: 'true' },
      { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'cnpg-cluster-temporal', key: 'username' } } },
      { name: 'POSTGRES_PWD', valueFrom: { secretKeyRef: { name: 'cnpg-cluster-temporal', key: 'password' } } },
    ]));
    // The one scoped exception: this container's root file system, with the reason.
    expect(at(deployment, 'spec.template.spec.containers.0.securityContext.readOnlyRootFilesystem')).toBe(false);
    expect(at(deployment, 'spec.template.metadata.annotations')).toMatchObject({ 'platform-synth.io/writable-root-filesystem': expect.stringMatching(/^temporal: /) });
    expect(server.address).toBe('temporal.services.svc:7233');
  });

  test('refuses databases with different owners', () => {
    const { chart, cluster } = servicesWithDatabase();
    expect(() => new TemporalServer(chart, 'temporal', { image, database: cluster.database('temporal'), visibilityDatabase: cluster.database('other') }))
      .toThrow(/different owners; Temporal logs in to both with one user/);
  });
});

describe('TemporalServer replicas', () => {
  test('runs one instance (auto-setup would race on the schema), so no disruption budget', () => {
    const { chart, cluster } = servicesWithDatabase();
    new TemporalServer(chart, 'temporal', { image, database: cluster.database('temporal'), visibilityDatabase: cluster.database('temporal_visibility') });
    const objects = synth(chart);
    expect(at(findObject(objects, 'Deployment', 'temporal'), 'spec.replicas')).toBe(1);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });
});
