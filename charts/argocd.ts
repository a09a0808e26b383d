import { App } from 'cdk8s';
import { AppOfApps } from '../constructs/app-of-apps';
import { ApplicationChart } from '../constructs/application-chart';
import { EnvironmentConfig, platformContext } from '../environments/types';
import { branchFor } from '../tools/publish/branches';
import { PLATFORM_VERSION } from './version';

/**
 * The `argocd` application (`dist/<env>/argocd/`): the AppProject, the root Application that manages this
 * directory, and one Application per other application of the environment. Create it last.
 */
export class ArgoCdChart extends ApplicationChart {
  public readonly root: AppOfApps;

  public constructor(scope: App, env: EnvironmentConfig) {
    super(scope, 'argocd', { context: platformContext(env), namespace: env.gitops.argocdNamespace, version: PLATFORM_VERSION });
    this.root = new AppOfApps(this, 'AppOfApps', {
      repoURL: env.gitops.repoURL,
      branch: branchFor(env.name, env.gitops),
      server: env.gitops.destinationServer,
      argocdNamespace: env.gitops.argocdNamespace,
      project: `${env.platform}-${env.name}`,
      defaultNamespace: env.namespace,
      mode: env.gitops.mode,
    });
  }
}
