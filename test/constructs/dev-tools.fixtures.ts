/** Shared fixtures of the developer-tool construct tests. */
import { DynamicStorage, IPasswordGenerator, SharedPostgres } from '../../constructs';
import { applicationChart } from '../helpers';

export const generator: IPasswordGenerator = { generatorApiVersion: 'generators.external-secrets.io/v1alpha1', generatorKind: 'ClusterGenerator', generatorName: 'password-64-length' };
export const storage = new DynamicStorage('standard');

/** A services chart with the seed's shared cluster (temporal and temporal_visibility owned by temporal). */
export function servicesWithDatabase(): { chart: ReturnType<typeof applicationChart>['chart']; cluster: SharedPostgres } {
  const { chart } = applicationChart('services', { namespace: 'services' });
  const cluster = new SharedPostgres(chart, 'cnpg-cluster', {
    image: { repository: 'ghcr.io/voltade/postgres', tag: '17.5-20250805-859fe66' }, storage, passwordGenerator: generator,
    databases: { temporal: {}, temporal_visibility: { owner: 'temporal' }, other: {} },
  });
  return { chart, cluster };
}
