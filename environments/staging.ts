/** Staging: a three-node Kafka, volumes from a dynamic provisioner, pinned tags only. */
import { defineEnvironment } from '../tools/kit';
import { base } from './base';

export const staging = defineEnvironment(base, {
  name: 'staging',
  stage: 'staging',
  images: {
    'frontend': { tag: 'v1.0.1' },
    'identity-service': { tag: 'v1.0.0' },
    'user-service': { tag: 'v1.0.0' },
    'blog-service': { tag: 'v1.0.0' },
  },
  workloadDefaults: { replicas: 2 },
  apps: {
    frontend: { hosts: ['staging.healthxcape.com', 'auth.staging.healthxcape.com'] },
    kafka: { nodePools: { mode: 'dual-role', nodes: 3 }, defaultReplicas: 2, minInsyncReplicas: 1 },
  },
  storage: { mode: 'dynamic', storageClassName: 'local-path' },
});
