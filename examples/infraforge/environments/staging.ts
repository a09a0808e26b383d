/** staging on the nonprod cluster: the production profile, pinned tags only, the seed's claim override for notification-service. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';
import { nonprod } from './nonprod';
import { production } from './profiles';

export const staging = defineEnvironment(base, {
  ...production,
  name: 'staging',
  stage: 'staging',
  cluster: nonprod,
  namespace: 'infraforge-staging',
  apps: {
    'notification-service': { replicas: 5, resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } } },
    'order-db': { size: '20Gi' },
  },
});
