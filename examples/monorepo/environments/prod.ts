/** Production, which the seed has for Temporal: more database instances and Temporal resources; no Kafka UI. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';

export const prod = defineEnvironment(base, {
  name: 'prod',
  stage: 'production',
  apps: {
    'common': { instances: 3, size: '20Gi' },
    'temporal': { resources: { limits: { memory: '2Gi' } } },
    'kafka-ui': { enabled: false },
    'maildev': { enabled: false },
  },
});
