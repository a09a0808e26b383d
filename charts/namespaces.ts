import { App } from 'cdk8s';
import { ApplicationChart } from '../constructs/application-chart';
import { IApplication } from '../constructs/lib/context';
import { PlatformNamespace } from '../constructs/platform-namespace';
import { EnvironmentConfig, platformContext } from '../environments/types';
import { PLATFORM_VERSION } from './version';

/**
 * The `namespaces` application: every namespace the environment's applications deploy into (except those
 * declared external), with Pod Security admission labels. Derived from the applications, never listed by hand;
 * every application in a rendered namespace is synced after it.
 */
export class NamespacesChart extends ApplicationChart {
  public constructor(scope: App, env: EnvironmentConfig, applications: readonly IApplication[]) {
    super(scope, 'namespaces', { context: platformContext(env), version: PLATFORM_VERSION });
    const external = new Set(env.externalNamespaces);
    const levels = new Map<string, 'restricted' | 'baseline'>();
    for (const app of applications) {
      const ns = app.destinationNamespace;
      if (ns === undefined || external.has(ns)) continue;
      levels.set(ns, levels.get(ns) === 'baseline' || app.podSecurity === 'baseline' ? 'baseline' : 'restricted');
      app.dependsOn(this);
    }
    for (const [name, podSecurity] of [...levels].sort(([a], [b]) => a.localeCompare(b))) {
      new PlatformNamespace(this, name, { name, podSecurity });
    }
  }
}
