import { Construct } from 'constructs';
import { applicationOf, contextOf, IApplication, isApplication } from './lib/context';
import { onPrepare } from './lib/prepare';
import { PlatformNamespace, PodSecurityLevel } from './platform-namespace';
import { compareText } from './lib/order';

/** Props of `DerivedNamespaces`. */
export interface DerivedNamespacesProps {
  /**
   * Namespaces the applications use but another team renders (Argo CD's own, an ingress controller's).
   * @default []
   */
  readonly external?: readonly string[];
}

/**
 * Every namespace the applications of its directory (`dist/<env>/`) deploy into, except those declared
 * external, as `PlatformNamespace`s with the Pod Security level their pods need (`baseline` when any
 * application in the namespace needs it). Derived when the App is rendered, never listed by hand, so it does not
 * matter when applications are created; every application in a rendered namespace is synced after it.
 */
export class DerivedNamespaces extends Construct {
  /** The namespaces, known once the App is rendered. */
  public readonly namespaces = new Map<string, PodSecurityLevel>();

  public constructor(scope: Construct, id: string, props: DerivedNamespacesProps = {}) {
    super(scope, id);
    const external = new Set(props.external ?? []);
    onPrepare(this, 'derive', () => {
      const self = applicationOf(this);
      const directory = contextOf(this).environment;
      const apps: IApplication[] = this.node.root.node.findAll().filter(isApplication)
        .filter((app) => app !== self && app.context.environment === directory);
      for (const app of apps) {
        const ns = app.destinationNamespace;
        if (ns === undefined || external.has(ns)) continue;
        this.namespaces.set(ns, this.namespaces.get(ns) === 'baseline' || app.podSecurity === 'baseline' ? 'baseline' : 'restricted');
        if (self !== undefined) app.dependsOn(self);
      }
      for (const [name, podSecurity] of [...this.namespaces].sort(([a], [b]) => compareText(a, b))) {
        new PlatformNamespace(this, name, { name, podSecurity });
      }
    });
  }
}
