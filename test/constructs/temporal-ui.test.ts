import { TemporalServer, TemporalUi } from '../../constructs';
import { at, findObject, synth } from '../helpers';
import { servicesWithDatabase } from './dev-tools.fixtures';

describe('TemporalUi', () => {
  test('connected to the server by reference, probed on /healthz', () => {
    const { chart, cluster } = servicesWithDatabase();
    const server = new TemporalServer(chart, 'temporal', { image: { repository: 'temporalio/auto-setup', tag: '1.26.2' }, database: cluster.database('temporal'), visibilityDatabase: cluster.database('temporal_visibility') });
    new TemporalUi(chart, 'temporal-ui', { image: { repository: 'temporalio/ui', tag: '2.53.3' }, server });
    const container = at(findObject(synth(chart), 'Deployment', 'temporal-ui'), 'spec.template.spec.containers.0') as Record<string, unknown>;
    expect(container.env).toEqual(expect.arrayContaining([{ name: 'TEMPORAL_ADDRESS', value: 'temporal.services.svc:7233' }]));
    expect(at(container, 'readinessProbe.httpGet.path')).toBe('/healthz');
    expect(at(container, 'securityContext.readOnlyRootFilesystem')).toBe(true);
  });

  test('refuses an unknown option', () => {
    const { chart, cluster } = servicesWithDatabase();
    const server = new TemporalServer(chart, 'temporal', { image: { repository: 'temporalio/auto-setup', tag: '1.26.2' }, database: cluster.database('temporal'), visibilityDatabase: cluster.database('temporal_visibility') });
    expect(() => new TemporalUi(chart, 'ui', { image: { repository: 'temporalio/ui', tag: '2.53.3' }, server, nam: 'x' } as never)).toThrow(/rename it to 'name'/);
  });
});

describe('TemporalUi and the server NetworkPolicy', () => {
  test('does not lock the server to the UI (its route and workers connect too)', () => {
    const { chart, cluster } = servicesWithDatabase();
    const server = new TemporalServer(chart, 'temporal', { image: { repository: 'temporalio/auto-setup', tag: '1.26.2' }, database: cluster.database('temporal'), visibilityDatabase: cluster.database('temporal_visibility') });
    new TemporalUi(chart, 'temporal-ui', { image: { repository: 'temporalio/ui', tag: '2.53.3' }, server });
    expect(synth(chart).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });
});
