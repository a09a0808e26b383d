/** Development: one to two replicas, the dev hosts, the dev IAM role and Spring and Node profiles. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';
import { cluster } from './cluster';

export const dev = defineEnvironment(base, {
  name: 'dev',
  stage: 'development',
  cluster,
  namespace: 'dev',
  // The IAM role the services of dev read their secrets with (IRSA; it may read dev/vsf-miniapp/* only).
  defaults: { microservice: { serviceAccount: { awsRoleArn: 'arn:aws:iam::123456789012:role/vsf-miniapp-dev-secrets-reader' } } },
  apps: {
    'service-a': {
      env: { SPRING_PROFILES_ACTIVE: 'dev' },
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
      ingressRoute: { hosts: ['service-a.dev.vsf-miniapp.com'] },
    },
    'service-b': {
      env: { NODE_ENV: 'development' },
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
      ingressRoute: { hosts: ['service-b.dev.vsf-miniapp.com'] },
    },
    'service-c': {
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
      ingressRoute: { hosts: ['service-c.dev.vsf-miniapp.com'] },
    },
  },
});
