import { Construct } from 'constructs';
import * as argo from '../imports/argoproj.io';
import { GroupKind, uniqueGroupKinds } from './lib/kinds';
import { componentLabels } from './lib/labels';
import { PropsValidator } from './lib/validation';
import { compareText } from './lib/order';

/** A cluster and namespace Applications may deploy to. */
export interface ProjectDestination {
  readonly server: string;
  readonly namespace: string;
}

/** Props of `ArgoProject`. */
export interface ArgoProjectProps {
  /** AppProject name. */
  readonly name: string;
  /** Repositories Applications may read from. */
  readonly sourceRepos: readonly string[];
  /** Cluster/namespace pairs Applications may deploy to. */
  readonly destinations: readonly ProjectDestination[];
  /** Cluster-scoped kinds Applications may create (nothing else cluster-scoped is allowed). */
  readonly clusterResourceWhitelist: readonly GroupKind[];
  /**
   * Namespaced kinds Applications may create (nothing else is allowed).
   * @default - every namespaced kind not in `namespaceResourceBlacklist`
   */
  readonly namespaceResourceWhitelist?: readonly GroupKind[];
  /**
   * Namespaced kinds Applications may not create.
   * @default - none
   */
  readonly namespaceResourceBlacklist?: readonly GroupKind[];
  /**
   * @default - none
   */
  readonly description?: string;
  /**
   * Namespace of the AppProject (Argo CD's namespace).
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Sync wave of the project itself (it must exist before the Applications that use it).
   * @default -1
   */
  readonly syncWave?: number;
}

/**
 * An Argo CD `AppProject` restricted to exactly the repositories, destinations and cluster-scoped kinds the
 * environment uses. Lists are sorted and de-duplicated so the output is stable.
 */
export class ArgoProject extends Construct {
  public readonly name: string;

  public constructor(scope: Construct, id: string, props: ArgoProjectProps) {
    super(scope, id);
    this.name = props.name;
    const check = new PropsValidator(this, `ArgoProject '${props.name}'`);
    check.dnsLabel('name', props.name);
    check.check(props.sourceRepos.length > 0, 'sourceRepos', 'at least one source repository is required', props.sourceRepos, 'list the rendered-manifests repository');
    check.check(props.destinations.length > 0, 'destinations', 'at least one destination is required', props.destinations, 'list the namespaces the applications deploy to');
    check.throwIfInvalid();

    const destinations = [...new Map(props.destinations.map((d) => [`${d.server} ${d.namespace}`, d])).entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([, d]) => ({ server: d.server, namespace: d.namespace }));
    new argo.AppProject(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace ?? 'argocd',
        labels: componentLabels({ name: 'argocd-project', instance: props.name, component: 'gitops' }),
        annotations: { 'argocd.argoproj.io/sync-wave': String(props.syncWave ?? -1) },
      },
      spec: {
        ...(props.description ? { description: props.description } : {}),
        sourceRepos: [...new Set(props.sourceRepos)].sort(),
        destinations,
        clusterResourceWhitelist: uniqueGroupKinds(props.clusterResourceWhitelist),
        ...(props.namespaceResourceWhitelist ? { namespaceResourceWhitelist: uniqueGroupKinds(props.namespaceResourceWhitelist) } : {}),
        ...(props.namespaceResourceBlacklist ? { namespaceResourceBlacklist: uniqueGroupKinds(props.namespaceResourceBlacklist) } : {}),
      },
    });
  }
}
