/**
 * Production: local volumes on three workers (each RabbitMQ node and each Kafka controller and broker on its own
 * node), one more tenant, and a larger quota for one of them.
 */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';

export const prod = defineEnvironment(base, {
  name: 'prod',
  stage: 'production',
  images: {
    backstage: { tag: '1.0.0' },
  },
  storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['worker-1', 'worker-2', 'worker-3'], root: '/mnt/data' },
  apps: {
    tenants: {
      users: {
        bob: { quota: { pods: 40 } },
        carol: {},
      },
    },
  },
});
