/**
 * Wiring only: one cdk8s App per environment (writing dist/<env>/), one chart per application inside it
 * (writing dist/<env>/<app>/). `npm run synth` runs this file; the other commands reuse `build`.
 */
import * as path from 'node:path';
import { App } from 'cdk8s';
import { synthCommand } from './tools/cli/synth';

/** The Apps of every environment, built one at a time (so only one environment is in memory at once). */
export async function* build(outdir = 'dist'): AsyncGenerator<App> {
  // Imported here rather than at the top so that a bad environment value is reported as an error message.
  const { environments } = await import('./environments');
  const { healthXcape } = await import('./charts');
  for (const env of environments) {
    const app = new App({ outdir: path.join(outdir, env.name) });
    healthXcape(app, env);
    yield app;
  }
}

if (require.main === module) {
  void synthCommand(build, process.argv.slice(2));
}
