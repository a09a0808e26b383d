/** qa on the nonprod cluster: the development profile, every service delivered as the OCI `microservice` chart. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';
import { nonprod } from './nonprod';
import { development } from './profiles';

export const qa = defineEnvironment(base, {
  ...development,
  name: 'qa',
  stage: 'development',
  cluster: nonprod,
  namespace: 'infraforge-qa',
  defaults: { ...development.defaults, service: { delivery: 'chart' } },
});
