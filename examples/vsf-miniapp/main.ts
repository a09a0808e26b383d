/** vsf-miniapp's entry point: `npm run synth -- --platform vsf-miniapp`. */
import { platformBuild } from '../../tools/kit';
import { environments } from './environments';
import { vsfMiniapp } from './platform';

export const platform = vsfMiniapp;
export { environments };
export const build = platformBuild(vsfMiniapp, environments);
