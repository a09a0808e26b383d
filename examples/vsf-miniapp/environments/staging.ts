/** Staging: two replicas at least, the staging hosts and IAM role. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';
import { cluster } from './cluster';

export const staging = defineEnvironment(base, {
  name: 'staging',
  stage: 'staging',
  cluster,
  namespace: 'staging',
  // The IAM role the services of staging read their secrets with (IRSA; it may read staging/vsf-miniapp/* only).
  defaults: { microservice: { serviceAccount: { awsRoleArn: 'arn:aws:iam::123456789012:role/vsf-miniapp-staging-secrets-reader' } } },
  apps: {
    'service-a': {
      env: { SPRING_PROFILES_ACTIVE: 'staging' },
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      ingressRoute: { hosts: ['service-a.staging.vsf-miniapp.com'] },
    },
    'service-b': {
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      ingressRoute: { hosts: ['service-b.staging.vsf-miniapp.com'] },
    },
    'service-c': {
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      ingressRoute: { hosts: ['service-c.staging.vsf-miniapp.com'] },
    },
  },
});
