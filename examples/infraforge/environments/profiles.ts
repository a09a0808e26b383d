/**
 * Environment profiles: the seed's values-production.yaml versus the base values, as typed defaults per kind of
 * application. An environment file spreads one profile and adds only its own differences (entry overrides in
 * `apps`). Layering: catalog entry -> profile (`workloadDefaults`, `defaults.<kind>`) -> `apps.<name>`.
 */
import type { SharedSettings } from '../../../tools/kit';
import type { infraforge } from '../platform';

type Settings = SharedSettings<(typeof infraforge)['apps'], (typeof infraforge)['images']>;
type Profile = Pick<Settings, 'workloadDefaults' | 'defaults'>;

/** Development: one replica of everything, small volumes. */
export const development: Profile = {
  workloadDefaults: {
    replicas: 1,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  },
  defaults: {
    'postgresql': { instances: 1, size: '1Gi' },
    'mongodb': { members: 1, storageSize: '2Gi', logsStorageSize: '1Gi' },
    'elasticsearch': { nodes: 1, storageSize: '2Gi' },
    'kafka': { nodePools: { mode: 'dual-role', nodes: 1 }, storageSize: '2Gi' },
    'rabbitmq': { replicas: 1, storageSize: '1Gi', resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } } },
  },
};

/** Production-like (staging): two replicas, PostgreSQL with a standby, three-member MongoDB and Kafka. */
export const production: Profile = {
  workloadDefaults: {
    replicas: 2,
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  },
  defaults: {
    'postgresql': { instances: 2 },
    'mongodb': { members: 3 },
    'elasticsearch': { nodes: 3 },
    'kafka': { nodePools: { mode: 'dual-role', nodes: 3 }, defaultReplicas: 3, minInsyncReplicas: 2 },
    'rabbitmq': { replicas: 3 },
  },
};
