/** Production: air-gapped behind a registry mirror, CloudNativePG databases, separate Kafka controllers and brokers. */
import { defineEnvironment } from '../tools/kit';
import { base } from './base';

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
  defaults: {
    'service-with-postgres': {
      database: {
        engine: 'cloudnative-pg',
        credentials: { mode: 'cnpg' },
        instances: 3,
        size: '10Gi',
        resources: {
          requests: { cpu: '500m', memory: '1Gi' },
          limits: { cpu: '2', memory: '2Gi' },
        },
      },
    },
  },
  apps: {
    'identity-service': { resources: { limits: { memory: '768Mi' } } },
    'kafka': {
      nodePools: { mode: 'separate', controllers: 3, brokers: 3 },
      storageSize: '50Gi',
      defaultReplicas: 3,
      minInsyncReplicas: 2,
      metrics: true,
      resources: {
        requests: { cpu: '1', memory: '4Gi' },
        limits: { cpu: '2', memory: '4Gi' },
      },
    },
    'strimzi-operator': { repoURL: 'https://charts.healthxcape.internal/strimzi' },
    'cnpg-operator': { repoURL: 'https://charts.healthxcape.internal/cloudnative-pg' },
  },
  // Local volumes on three workers (replace with `kubectl get nodes` of the production cluster): each of the
  // three CloudNativePG instances and Kafka controllers and brokers gets its own node.
  storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['ip-10-1-92-11', 'ip-10-1-92-12', 'ip-10-1-92-13'], root: '/mnt/data' },
});
