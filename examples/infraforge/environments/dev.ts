/** dev on the nonprod cluster: the development profile, rendered workloads. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';
import { nonprod } from './nonprod';
import { development } from './profiles';

export const dev = defineEnvironment(base, {
  ...development,
  name: 'dev',
  stage: 'development',
  cluster: nonprod,
  namespace: 'infraforge-dev',
});
