/** Production: the seed's replica counts (5/3/3) as the autoscalers' floors, the production IAM roles. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';
import { cluster } from './cluster';

const role = (service: string): string => `arn:aws:iam::123456789012:role/vsf-miniapp-${service}-production`;

export const production = defineEnvironment(base, {
  name: 'production',
  stage: 'production',
  cluster,
  namespace: 'production',
  apps: {
    'service-a': { serviceAccount: { awsRoleArn: role('service-a') }, autoscaling: { minReplicas: 5, maxReplicas: 10 } },
    'service-b': { serviceAccount: { awsRoleArn: role('service-b') }, autoscaling: { minReplicas: 3, maxReplicas: 6 } },
    'service-c': { serviceAccount: { awsRoleArn: role('service-c') }, autoscaling: { minReplicas: 3, maxReplicas: 6 } },
  },
});
