/** Staging: a three-node Kafka, volumes from a dynamic provisioner, pinned tags only. */
import { base } from './base';
import { defineEnvironment } from './types';

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
  },
  storage: { mode: 'dynamic', storageClassName: 'local-path' },
  kafka: {
    nodePools: { mode: 'dual-role', nodes: 3 },
    topicReplicas: 2,
    minInsyncReplicas: 1,
  },
});
