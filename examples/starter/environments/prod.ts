/** Production: three replicas of each workload, the API at a newer release than the catalog's. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';

export const prod = defineEnvironment(base, {
  name: 'prod',
  stage: 'production',
  images: {
    api: { tag: '1.4.2' },
  },
  workloadDefaults: { replicas: 3 },
  apps: {
    api: { resources: { limits: { memory: '512Mi' } } },
  },
});
