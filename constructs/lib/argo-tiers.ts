/**
 * The tiers of a shared cluster's `platform-and-apps` ApplicationSets (`gitops.applicationSets`), from an
 * application's sync wave in its environment. An ApplicationSet cannot give the Applications it generates sync
 * waves of their own, so the order comes from the roots instead: the environment's root syncs wave 0 (its own
 * Applications, e.g. the namespaces), then the cluster's platform root the ApplicationSets of wave 1, then the
 * cluster's apps root those of wave 2. A deeper chain cannot be ordered by two ApplicationSets.
 */
import { IConstruct } from 'constructs';
import { ConfigError } from './errors';

/** Where an application of an environment is delivered: by the environment's root, or by one of the two sets. */
export type ApplicationSetTier = 'root' | 'platform' | 'apps';

/** The tier of wave `wave` of `app` (an application of an environment); `file` is the environment file. */
export function tierOfWave(app: IConstruct & { readonly appName: string; readonly context: { readonly environment: string } }, wave: number, file: string | undefined): ApplicationSetTier {
  if (wave <= 0) return 'root';
  if (wave === 1) return 'platform';
  if (wave === 2) return 'apps';
  throw new ConfigError([{
    environment: app.context.environment, file, application: app.appName, field: 'gitops.applicationSets',
    message: `syncs in wave ${wave} of environment '${app.context.environment}' (it uses an application that uses another one), but the cluster's platform-and-apps ApplicationSets order two tiers after the environment's root: wave 1 (platform) and wave 2 (apps)`,
    value: wave,
    fix: "remove a level of dependencies, or use gitops.applicationSets: 'per-environment' with gitops.mode: 'applications' (sync waves for every application)",
  }], `environment '${app.context.environment}': an application too deep for the cluster's ApplicationSets`);
}
