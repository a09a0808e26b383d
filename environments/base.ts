/**
 * Shared defaults of every environment. Environment files (dev.ts, staging.ts, prod.ts) hold only their
 * differences; `defineEnvironment()` layers them over this.
 */
import type { BaseEnvironment } from './types';

export const base: BaseEnvironment = {
  platform: 'healthxcape',
  namespace: 'healthxcape',
  // Namespaces the platform references but another team installs: Argo CD itself.
  externalNamespaces: ['argocd'],

  // Repositories, and the tags of third-party images. Application tags are pinned by each environment file
  // (its `images` block is the one place a CI bot updates); a file that forgets one fails in staging and prod.
  // Third-party images carry full versions (a major-only tag such as 15-alpine moves with every release).
  images: {
    'frontend': { repository: 'healthxcape/frontend' },
    'identity-service': { repository: 'healthxcape/identity-service' },
    'user-service': { repository: 'healthxcape/user-service' },
    'blog-service': { repository: 'healthxcape/blog-service' },
    'postgres': { repository: 'postgres', tag: '15.17-alpine' },
    'redis': { repository: 'redis', tag: '7.4.6-alpine' },
    'cnpg-postgres': { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: '15.17-standard-trixie' },
  },
  // The reference worker node is air-gapped: never pull an image that is already on the node.
  imagePullPolicy: 'IfNotPresent',

  workloadDefaults: {
    replicas: 1,
    resources: {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    },
    env: {},
  },
  apps: {
    'frontend': { hosts: ['healthxcape.com', 'www.healthxcape.com', 'auth.healthxcape.com'] },
    'identity-service': {},
    'user-service': {},
    'blog-service': {},
  },

  ingress: { className: 'nginx', clusterIssuer: 'letsencrypt-prod' },


  postgres: {
    engine: 'statefulset',
    credentials: 'generated',
    instances: 1,
    storageSize: '1Gi',
    resources: {
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    },
  },
  redis: {
    resources: {
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '250m', memory: '128Mi' },
    },
  },

  kafka: {
    version: '4.3.1',
    nodePools: { mode: 'dual-role', nodes: 1 },
    storageSize: '10Gi',
    topicReplicas: 1,
    topicPartitions: 3,
    minInsyncReplicas: 1,
    metrics: false,
    resources: {
      requests: { cpu: '250m', memory: '1Gi' },
      limits: { cpu: '1', memory: '2Gi' },
    },
  },

  operators: {
    strimzi: { repoURL: 'https://strimzi.io/charts/' },
    cloudnativePg: { repoURL: 'https://cloudnative-pg.github.io/charts' },
  },

  gitops: {
    repoURL: 'https://github.com/healthxcape/platform-config.git',
    branch: 'rendered',
    argocdNamespace: 'argocd',
    destinationServer: 'https://kubernetes.default.svc',
    mode: 'applications',
  },
};
