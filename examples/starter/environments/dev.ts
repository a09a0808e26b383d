/** Development: the catalog's images and one replica each; nothing else differs. */
import { defineEnvironment } from '../../../tools/kit';
import { base } from './base';

export const dev = defineEnvironment(base, {
  name: 'dev',
  stage: 'development',
});
