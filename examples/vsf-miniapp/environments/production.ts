/** Production: the seed's replica counts (5/3/3) as the autoscalers' floors, the production IAM role. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';
import { cluster } from './cluster';

export const production = defineEnvironment(base, {
  name: 'production',
  stage: 'production',
  cluster,
  namespace: 'production',
  // The IAM role the services of production read their secrets with (IRSA; it may read production/vsf-miniapp/* only).
  defaults: { microservice: { serviceAccount: { awsRoleArn: 'arn:aws:iam::123456789012:role/vsf-miniapp-production-secrets-reader' } } },
  apps: {
    'service-a': { autoscaling: { minReplicas: 5, maxReplicas: 10 } },
    'service-b': { autoscaling: { minReplicas: 3, maxReplicas: 6 } },
    'service-c': { autoscaling: { minReplicas: 3, maxReplicas: 6 } },
  },
});
