/** The starter platform's entry point: `npm run synth -- --platform starter`. */
import { platformBuild } from '../../tools/kit';
import { environments } from './environments';
import { starter } from './platform';

export const platform = starter;
export { environments };
export const build = platformBuild(starter, environments);
