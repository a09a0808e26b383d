import { Construct } from 'constructs';
import * as argo from '../imports/argoproj.io';
import { SYNC_RETRY } from './argo-application';
import { componentLabels } from './lib/labels';
import { PropsValidator } from './lib/validation';

/** Props of `ArgoApplicationSet`. */
export interface ArgoApplicationSetProps {
  /** ApplicationSet name. */
  readonly name: string;
  /** Prefix of generated Application names (`<prefix>-<directory>`). */
  readonly namePrefix: string;
  readonly project: string;
  /** Rendered-manifests repository and branch. */
  readonly repoURL: string;
  readonly revision: string;
  /** Directory whose subdirectories become Applications, e.g. `prod`. */
  readonly directory: string;
  /** Subdirectories not to generate Applications for (the Argo CD directory itself). */
  readonly exclude: readonly string[];
  /**
   * Exactly these directories (`<env>/<app>`), instead of every subdirectory of `directory`: the sets of one tier
   * of a cluster's `platform-and-apps` ApplicationSets.
   * @default - every subdirectory of `directory` (`<directory>/*`) but `exclude`
   */
  readonly directories?: readonly string[];
  readonly server: string;
  /** Destination namespace of generated Applications (objects carry their own namespaces). */
  readonly destinationNamespace: string;
  /** The environment (the `environment` label of generated Applications). */
  readonly environment: string;
  /**
   * Namespace of the ApplicationSet (Argo CD's namespace).
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Fields of generated Applications the ApplicationSet controller leaves alone when someone changes them (the
   * seed's `/spec/syncPolicy`, so a person can pause automated sync of one Application).
   * @default []
   */
  readonly ignoreApplicationDifferences?: readonly IgnoreApplicationDifference[];
  /**
   * Generated Applications sync only their out-of-sync objects (`ApplyOutOfSyncOnly=true`).
   * @default false
   */
  readonly applyOutOfSyncOnly?: boolean;
}

/**
 * Fields of generated Applications the ApplicationSet controller does not overwrite.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Controlling-Resource-Modification/#ignore-certain-changes-to-applications
 */
export interface IgnoreApplicationDifference {
  /**
   * Only Applications of this name.
   * @default - every generated Application
   */
  readonly name?: string;
  /**
   * JSON pointers (RFC 6901) of ignored fields (`/spec/syncPolicy`).
   * @default []
   */
  readonly jsonPointers?: readonly string[];
  /**
   * jq path expressions of ignored fields.
   * @default []
   */
  readonly jqPathExpressions?: readonly string[];
}

/**
 * An ApplicationSet with a git directory generator over `<env>/*` of the rendered branch: applications appear
 * and disappear with their directories. It cannot express per-application sync waves; ordering relies on
 * Argo CD's retries (see README, "ApplicationSet mode").
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Git/
 */
export class ArgoApplicationSet extends Construct {
  public constructor(scope: Construct, id: string, props: ArgoApplicationSetProps) {
    super(scope, id);
    const check = new PropsValidator(this, `ArgoApplicationSet '${props.name}'`);
    check.dnsLabel('name', props.name);
    (props.ignoreApplicationDifferences ?? []).forEach((d, i) => {
      for (const [j, pointer] of (d.jsonPointers ?? []).entries()) {
        check.check(pointer.startsWith('/'), `ignoreApplicationDifferences[${i}].jsonPointers[${j}]`, 'a JSON pointer starts with /', pointer, "write it like '/spec/syncPolicy'");
      }
      check.check((d.jsonPointers?.length ?? 0) + (d.jqPathExpressions?.length ?? 0) > 0, `ignoreApplicationDifferences[${i}]`, 'names no field to ignore', d, 'give jsonPointers or jqPathExpressions');
    });
    for (const [i, path] of (props.directories ?? []).entries()) {
      check.check(path.startsWith(`${props.directory}/`) && !path.slice(props.directory.length + 1).includes('/'), `directories[${i}]`, `is not a directory of '${props.directory}'`, path, `list directories '${props.directory}/<app>'`);
    }
    check.check(props.directories === undefined || props.directories.length > 0, 'directories', 'is empty: the ApplicationSet would generate nothing', props.directories, 'list at least one directory, or render no ApplicationSet');
    check.throwIfInvalid();

    new argo.ApplicationSet(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace ?? 'argocd',
        labels: componentLabels({ name: 'argocd-applicationset', instance: props.name, component: 'gitops' }),
      },
      spec: {
        ...(props.ignoreApplicationDifferences !== undefined && props.ignoreApplicationDifferences.length > 0
          ? {
            ignoreApplicationDifferences: props.ignoreApplicationDifferences.map((d) => ({
              ...(d.name !== undefined ? { name: d.name } : {}),
              ...(d.jsonPointers !== undefined ? { jsonPointers: [...d.jsonPointers] } : {}),
              ...(d.jqPathExpressions !== undefined ? { jqPathExpressions: [...d.jqPathExpressions] } : {}),
            })),
          }
          : {}),
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{
          git: {
            repoUrl: props.repoURL,
            revision: props.revision,
            directories: props.directories !== undefined
              ? props.directories.map((path) => ({ path }))
              : [
                { path: `${props.directory}/*` },
                ...props.exclude.map((path) => ({ path, exclude: true })),
              ],
          },
        }],
        template: {
          metadata: {
            name: `${props.namePrefix}-{{.path.basename}}`,
            labels: { environment: props.environment, application: '{{.path.basename}}' },
            // No finalizers: the controller keeps template finalizers, and the resources finalizer would make
            // deleting the set (which deletes its Applications) delete what they deployed. Without finalizers in
            // the template, preserveResourcesOnDeletion keeps the controller from adding it
            // (argoproj/argo-cd v3.5.1 applicationset/utils/utils.go RenderTemplateParams).
          },
          spec: {
            project: props.project,
            source: { repoUrl: props.repoURL, targetRevision: props.revision, path: '{{.path.path}}' },
            destination: { server: props.server, namespace: props.destinationNamespace },
            syncPolicy: {
              automated: { prune: true, selfHeal: true },
              syncOptions: ['CreateNamespace=true', 'SkipDryRunOnMissingResource=true', ...(props.applyOutOfSyncOnly ? ['ApplyOutOfSyncOnly=true'] : [])],
              retry: { limit: SYNC_RETRY.limit, refresh: SYNC_RETRY.refresh, backoff: { ...SYNC_RETRY.backoff } },
            },
          },
        },
        // Deleting the ApplicationSet (or switching an environment back to generated Applications) deletes the
        // Applications it generated, but never the resources they deployed (their Applications carry no resources
        // finalizer). So does a directory removed from the branch: its Application goes, its resources stay.
        syncPolicy: { preserveResourcesOnDeletion: true },
      },
    });
  }
}
