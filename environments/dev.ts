/**
 * Development: the reference cluster's single worker node, local volumes, services reachable on node ports
 * 30083-30085, dev host names with Let's Encrypt's staging issuer. It pulls from the upstream registries and
 * chart repositories (no mirror); with `IfNotPresent`, images copied onto the node are used as they are.
 */
import { defineEnvironment } from '../tools/kit';
import { base } from './base';

export const dev = defineEnvironment(base, {
  name: 'dev',
  stage: 'development',
  images: {
    'frontend': { tag: 'v1.0.1' },
    'identity-service': { tag: 'v1.0.0' },
    'user-service': { tag: 'v1.0.0' },
    'blog-service': { tag: 'v1.0.0' },
  },
  apps: {
    'frontend': { hosts: ['dev.healthxcape.com', 'auth.dev.healthxcape.com'], tls: { clusterIssuer: 'letsencrypt-staging' } },
    'identity-service': { nodePort: 30083 },
    'user-service': { nodePort: 30084 },
    'blog-service': { nodePort: 30085 },
  },
  // Local volumes on the reference cluster's single worker node.
  storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['ip-10-1-91-144'], root: '/mnt/data' },
});
