/** Development: one to two replicas, the dev hosts, the dev IAM roles and profiles. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';
import { cluster } from './cluster';

const role = (service: string): string => `arn:aws:iam::123456789012:role/vsf-miniapp-${service}-dev`;

export const dev = defineEnvironment(base, {
  name: 'dev',
  stage: 'development',
  cluster,
  namespace: 'dev',
  apps: {
    'service-a': {
      env: { SPRING_PROFILES_ACTIVE: 'dev' },
      serviceAccount: { awsRoleArn: role('service-a') },
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
      ingressRoute: { hosts: ['service-a.dev.vsf-miniapp.com'] },
    },
    'service-b': {
      env: { NODE_ENV: 'development' },
      serviceAccount: { awsRoleArn: role('service-b') },
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
      ingressRoute: { hosts: ['service-b.dev.vsf-miniapp.com'] },
    },
    'service-c': {
      serviceAccount: { awsRoleArn: role('service-c') },
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
      ingressRoute: { hosts: ['service-c.dev.vsf-miniapp.com'] },
    },
  },
});
