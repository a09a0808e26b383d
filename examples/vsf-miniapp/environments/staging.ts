/** Staging: two replicas at least, the staging hosts and IAM roles. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';
import { cluster } from './cluster';

const role = (service: string): string => `arn:aws:iam::123456789012:role/vsf-miniapp-${service}-staging`;

export const staging = defineEnvironment(base, {
  name: 'staging',
  stage: 'staging',
  cluster,
  namespace: 'staging',
  apps: {
    'service-a': {
      env: { SPRING_PROFILES_ACTIVE: 'staging' },
      serviceAccount: { awsRoleArn: role('service-a') },
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      ingressRoute: { hosts: ['service-a.staging.vsf-miniapp.com'] },
    },
    'service-b': {
      serviceAccount: { awsRoleArn: role('service-b') },
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      ingressRoute: { hosts: ['service-b.staging.vsf-miniapp.com'] },
    },
    'service-c': {
      serviceAccount: { awsRoleArn: role('service-c') },
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      ingressRoute: { hosts: ['service-c.staging.vsf-miniapp.com'] },
    },
  },
});
