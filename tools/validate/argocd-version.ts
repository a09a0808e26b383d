/**
 * `schema/argocd-version`: the rendered Argo CD objects (Application, ApplicationSet, AppProject) use only fields
 * that exist in the oldest Argo CD release the platform declares it supports.
 *
 * Argo CD applies child Applications (and the root's projects and sets) with strict field validation: its sync
 * sets `metav1.FieldValidationStrict` unless `Validate=false` (argoproj/argo-cd v3.5.1
 * `gitops-engine/pkg/utils/kube/resource_ops.go`, `controller/sync.go` `WithManifestValidation`). A field the
 * cluster's CRD does not define is then an error, and the root's sync fails: `retry.refresh`, for example,
 * exists only since 3.2.0, so on 3.0 or 3.1 the root cannot create a single Application.
 *
 * `FIELDS_SINCE` lists every field added to the three CRDs after v3.0.0, with the release that added it, taken
 * from `manifests/crds/{application,applicationset,appproject}-crd.yaml` of each 3.x release (no patch
 * release added one). Fields of ApplicationSet templates are checked as Application fields; generators nested
 * in matrix and merge generators as top-level ones. Releases before 3.0.0 are not covered.
 */
import type { ObjectReporter } from './findings';
import { isRecord, JsonRecord } from './json';

/** Rule id (not exemptable: Argo CD refuses the object). */
export const ARGOCD_VERSION_RULE = 'schema/argocd-version';

/**
 * The oldest Argo CD release the rendered objects must work with (README, "Argo CD"). Raise it to use a newer
 * field; lowering it below a field's release makes validation refuse that field.
 */
export const MINIMUM_ARGOCD_VERSION = '3.2.0';

type ArgoKind = 'Application' | 'ApplicationSet' | 'AppProject';

/** Fields added after v3.0.0 (paths with `[]` for list items), by kind, and the release that added them. */
export const FIELDS_SINCE: Readonly<Record<ArgoKind, Readonly<Record<string, string>>>> = {
  Application: {
    'spec.syncPolicy.automated.enabled': '3.1.0',
    'spec.syncPolicy.retry.refresh': '3.2.0',
    'spec.sourceHydrator.drySource.directory': '3.3.0',
    'spec.sourceHydrator.drySource.helm': '3.3.0',
    'spec.sourceHydrator.drySource.kustomize': '3.3.0',
    'spec.sourceHydrator.drySource.plugin': '3.3.0',
    'spec.source.tagPrefix': '3.5.0',
    'spec.sources[].tagPrefix': '3.5.0',
    'spec.sourceHydrator.syncSource.repoURL': '3.5.0',
  },
  ApplicationSet: {
    'spec.generators[].git.files[].exclude': '3.1.0',
    'spec.generators[].pullRequest.gitea.labels': '3.1.0',
    'spec.generators[].pullRequest.continueOnRepoNotFoundError': '3.2.0',
    'spec.generators[].pullRequest.filters[].titleMatch': '3.2.0',
    'spec.strategy.deletionOrder': '3.2.0',
    'spec.generators[].scmProvider.gitea.excludeArchivedRepos': '3.5.0',
    'spec.generators[].scmProvider.github.excludeArchivedRepos': '3.5.0',
    'spec.generators[].scmProvider.gitlab.includeArchivedRepos': '3.5.0',
  },
  AppProject: {
    'spec.syncWindows[].description': '3.1.0',
    'spec.clusterResourceBlacklist[].name': '3.3.0',
    'spec.clusterResourceWhitelist[].name': '3.3.0',
    'spec.sourceIntegrity': '3.5.0',
    'spec.syncWindows[].syncOverrun': '3.5.0',
  },
};

/** Compare two `major.minor.patch` versions. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The kind and path in `FIELDS_SINCE` a field of an Argo CD object is checked as. */
function normalise(kind: ArgoKind, generic: string): { readonly kind: ArgoKind; readonly path: string } {
  if (kind !== 'ApplicationSet') return { kind, path: generic };
  let p = generic;
  // Nested generators (matrix, merge, also nested twice) are generators.
  while (/\.(matrix|merge)\.generators\[\]/.test(p)) p = p.replace(/\.(matrix|merge)\.generators\[\]/, '');
  // Templates of the set and of its generators are Applications.
  const template = /^spec(?:\.generators\[\]\.[A-Za-z]+)?\.template\.(.*)$/.exec(p);
  if (template) return { kind: 'Application', path: template[1] as string };
  return { kind, path: p };
}

/** Report every field of an Argo CD object newer than `minimum`. */
export function checkArgoCdVersion(object: JsonRecord, report: ObjectReporter, minimum: string = MINIMUM_ARGOCD_VERSION): void {
  if (object.apiVersion !== 'argoproj.io/v1alpha1') return;
  const kind = object.kind;
  if (kind !== 'Application' && kind !== 'ApplicationSet' && kind !== 'AppProject') return;
  const walk = (value: unknown, concrete: string, generic: string): void => {
    if (generic !== '') {
      const key = normalise(kind, generic);
      const since = FIELDS_SINCE[key.kind][key.path];
      if (since !== undefined && compareVersions(since, minimum) > 0) {
        report.error(ARGOCD_VERSION_RULE, concrete, `${kind} field '${key.path}' exists only since Argo CD ${since}, but the rendered objects must work with Argo CD ${minimum} (the declared minimum); Argo CD applies them with strict field validation, so an older release refuses the object`, value,
          `remove the field, or raise MINIMUM_ARGOCD_VERSION in tools/validate/argocd-version.ts (and the README's minimum) to ${since}`);
      }
    }
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${concrete}[${i}]`, `${generic}[]`));
    else if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, concrete === '' ? k : `${concrete}.${k}`, generic === '' ? k : `${generic}.${k}`);
    }
  };
  walk(object.spec, 'spec', 'spec');
}
