import { Construct } from 'constructs';
import * as argo from '../imports/argoproj.io';
import { componentLabels } from './lib/labels';
import { PropsValidator } from './lib/validation';

/** A rendered directory on the rendered-manifests branch. */
export interface DirectorySource {
  readonly type: 'directory';
  readonly repoURL: string;
  /** Branch (or tag, or commit). */
  readonly targetRevision: string;
  /** Directory inside the repository, e.g. `prod/identity-service`. */
  readonly path: string;
}

/** An upstream Helm chart at a pinned version. */
export interface HelmChartSource {
  readonly type: 'helm';
  readonly repoURL: string;
  readonly chart: string;
  /** Exact chart version. */
  readonly targetRevision: string;
  readonly releaseName: string;
  readonly values: Readonly<Record<string, unknown>>;
  /**
   * The chart is in an OCI registry and `repoURL` is `oci://<registry>/<chart>`: rendered as Argo CD's native
   * OCI source (`path: .`, no `chart`), argoproj/argo-cd `docs/user-guide/oci.md` (Argo CD 3.1 and later).
   * @default false
   */
  readonly oci?: boolean;
}

/** Where an Application's manifests come from. */
export type ApplicationSource = DirectorySource | HelmChartSource;

/** Props of `ArgoApplication`. */
export interface ArgoApplicationProps {
  /** Application name (unique in the Argo CD namespace), e.g. `prod-identity-service`. */
  readonly name: string;
  /** The platform application it deploys (the `application` label). */
  readonly application: string;
  /**
   * The environment it deploys (the `environment` label), when it is rendered in another directory than the
   * environment's (a Helm Application of a cluster's apps tier, `gitops.applicationSets`).
   * @default - the environment label of its chart
   */
  readonly environment?: string;
  /** AppProject. */
  readonly project: string;
  readonly source: ApplicationSource;
  /** Cluster API server. */
  readonly server: string;
  /**
   * Destination namespace (created if missing).
   * @default - none
   */
  readonly destinationNamespace?: string;
  /**
   * Sync wave (`argocd.argoproj.io/sync-wave`).
   * @default - no wave annotation (wave 0)
   */
  readonly syncWave?: number;
  /**
   * Its custom resources' CRDs come from another Application: skip the dry run while they are missing.
   * @default false
   */
  readonly skipDryRunOnMissingResource?: boolean;
  /**
   * Use server-side apply (for CRDs too large for the last-applied annotation).
   * @default false
   */
  readonly serverSideApply?: boolean;
  /**
   * Namespace of the Application object (Argo CD's namespace).
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Extra annotations.
   * @default {}
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Deleting the Application deletes its resources (the `resources-finalizer.argocd.argoproj.io` finalizer).
   * Off for the root (deleting it must not take the whole environment along) and for operator charts
   * (deleting them would delete their CRDs, and with them every custom resource of the cluster).
   * @default true
   */
  readonly cascadeDelete?: boolean;
  /**
   * Sync only the objects that are out of sync (`ApplyOutOfSyncOnly=true`): faster syncs of large applications.
   * @default false
   */
  readonly applyOutOfSyncOnly?: boolean;
}

/**
 * Retry policy of every Application: exponential backoff from 5 s, doubling, capped at 3 minutes, 5 tries;
 * each retry syncs the newest revision of the branch (`refresh`), so a fix pushed meanwhile is picked up.
 */
export const SYNC_RETRY = { limit: 5, refresh: true, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } as const;

/** The finalizer that makes deleting an Application delete its resources (cascading). */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/**
 * An Argo CD `Application` (`argoproj.io/v1alpha1`): automated sync with prune and self-heal,
 * `CreateNamespace=true`, retry with exponential backoff, the resources finalizer (unless `cascadeDelete` is
 * off), and a sync wave.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#applications
 */
export class ArgoApplication extends Construct {
  public readonly name: string;
  public readonly syncWave?: number;
  public readonly syncOptions: readonly string[];

  public constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id);
    this.name = props.name;
    this.syncWave = props.syncWave;
    const check = new PropsValidator(this, `ArgoApplication '${props.name}'`);
    check.dnsLabel('name', props.name);
    if (props.syncWave !== undefined) check.integer('syncWave', props.syncWave, -1000, 1000);
    if (props.source.type === 'directory') {
      check.check(!props.source.path.startsWith('/') && !props.source.path.split('/').includes('..') && props.source.path.length > 0, 'source.path', "'source.path' must be a relative directory of the repository", props.source.path, "use '<env>/<app>'");
    }
    check.throwIfInvalid();

    this.syncOptions = [
      'CreateNamespace=true',
      ...(props.skipDryRunOnMissingResource ? ['SkipDryRunOnMissingResource=true'] : []),
      ...(props.serverSideApply ? ['ServerSideApply=true'] : []),
      ...(props.applyOutOfSyncOnly ? ['ApplyOutOfSyncOnly=true'] : []),
    ];
    const source: argo.ApplicationSpecSource = props.source.type === 'directory'
      ? { repoUrl: props.source.repoURL, targetRevision: props.source.targetRevision, path: props.source.path }
      : {
        repoUrl: props.source.repoURL,
        ...(props.source.oci === true ? { path: '.' } : { chart: props.source.chart }),
        targetRevision: props.source.targetRevision,
        helm: {
          releaseName: props.source.releaseName,
          ...(Object.keys(props.source.values).length > 0 ? { valuesObject: props.source.values } : {}),
        },
      };
    const annotations = {
      ...props.annotations,
      ...(props.syncWave !== undefined ? { 'argocd.argoproj.io/sync-wave': String(props.syncWave) } : {}),
    };
    new argo.Application(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace ?? 'argocd',
        labels: { ...componentLabels({ name: 'argocd-application', instance: props.name, component: 'gitops' }), application: props.application, ...(props.environment !== undefined ? { environment: props.environment } : {}) },
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        ...((props.cascadeDelete ?? true) ? { finalizers: [RESOURCES_FINALIZER] } : {}),
      },
      spec: {
        project: props.project,
        source,
        destination: {
          server: props.server,
          ...(props.destinationNamespace !== undefined ? { namespace: props.destinationNamespace } : {}),
        },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: [...this.syncOptions],
          retry: { limit: SYNC_RETRY.limit, refresh: SYNC_RETRY.refresh, backoff: { ...SYNC_RETRY.backoff } },
        },
      },
    });
  }
}
