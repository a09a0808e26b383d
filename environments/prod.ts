/** Production: air-gapped behind a registry mirror, CloudNativePG databases, separate Kafka controllers and brokers. */
import { base } from './base';
import { defineEnvironment } from './types';

export const prod = defineEnvironment(base, {
  name: 'prod',
  stage: 'production',
  images: {
    'frontend': { tag: 'v1.0.1' },
    'identity-service': { tag: 'v1.0.0' },
    'user-service': { tag: 'v1.0.0' },
    'blog-service': { tag: 'v1.0.0' },
  },
  registryMirror: 'registry.healthxcape.internal:5000',
  workloadDefaults: {
    replicas: 3,
    resources: {
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    },
  },
  apps: {
    'identity-service': { resources: { limits: { memory: '768Mi' } } },
  },
  // Local volumes on three workers (replace with `kubectl get nodes` of the production cluster): each of the
  // three CloudNativePG instances and Kafka controllers and brokers gets its own node.
  storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['ip-10-1-92-11', 'ip-10-1-92-12', 'ip-10-1-92-13'], root: '/mnt/data' },
  postgres: {
    engine: 'cloudnative-pg',
    credentials: 'cnpg',
    instances: 3,
    storageSize: '10Gi',
    resources: {
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '2', memory: '2Gi' },
    },
  },
  kafka: {
    nodePools: { mode: 'separate', controllers: 3, brokers: 3 },
    storageSize: '50Gi',
    topicReplicas: 3,
    minInsyncReplicas: 2,
    metrics: true,
    resources: {
      requests: { cpu: '1', memory: '4Gi' },
      limits: { cpu: '2', memory: '4Gi' },
    },
  },
  operators: {
    strimzi: { repoURL: 'https://charts.healthxcape.internal/strimzi' },
    cloudnativePg: { repoURL: 'https://charts.healthxcape.internal/cloudnative-pg' },
  },
});
