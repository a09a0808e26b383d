/**
 * The reference platform's entry point (every platform in examples/<name>/ has one of the same shape): the
 * catalog (charts/), the environments (environments/) and the build function the commands run
 * (`npm run synth` renders this platform; `--platform <name>` renders examples/<name>/main.ts).
 */
import { healthxcape } from './charts';
import { environments } from './environments';
import { platformBuild } from './tools/kit';

/** The platform and its environments. */
export const platform = healthxcape;
export { environments };

/** One cdk8s App per cluster, each environment's applications in `dist/<env>/<app>/`. */
export const build = platformBuild(healthxcape, environments);
