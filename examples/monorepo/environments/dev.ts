/** Development: the catalog as it is (the seed's only environment for most components). */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';

export const dev = defineEnvironment(base, {
  name: 'dev',
  stage: 'development',
});
