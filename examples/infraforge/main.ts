/** The InfraForge platform's entry point: `npm run synth -- --platform infraforge`. */
import { platformBuild } from '../../tools/kit';
import { environments } from './environments';
import { infraforge } from './platform';

export const platform = infraforge;
export { environments };
export const build = platformBuild(infraforge, environments);
