/** The monorepo platform's entry point: `npm run synth -- --platform monorepo`. */
import { platformBuild } from '../../tools/kit';
import { environments } from './environments';
import { monorepo } from './platform';

export const platform = monorepo;
export { environments };
export const build = platformBuild(monorepo, environments);
