/** The event platform's entry point: `npm run synth -- --platform event-platform`. */
import { platformBuild } from '../../tools/kit';
import { environments } from './environments';
import { eventPlatform } from './platform';

export const platform = eventPlatform;
export { environments };
export const build = platformBuild(eventPlatform, environments);
