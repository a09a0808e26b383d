/**
 * Cluster-scoped kinds the platform knows (objects of these kinds carry no namespace), by API group.
 * Used by the Argo CD project (which cluster-scoped kinds to allow) and by validation.
 */

/** `group/Kind` (core group is empty: `/Namespace`). */
export type GroupKind = { readonly group: string; readonly kind: string };

const CLUSTER_SCOPED: readonly GroupKind[] = [
  { group: '', kind: 'Namespace' },
  { group: '', kind: 'PersistentVolume' },
  { group: '', kind: 'Node' },
  { group: 'storage.k8s.io', kind: 'StorageClass' },
  { group: 'storage.k8s.io', kind: 'CSIDriver' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
  { group: 'scheduling.k8s.io', kind: 'PriorityClass' },
  { group: 'networking.k8s.io', kind: 'IngressClass' },
  { group: 'cert-manager.io', kind: 'ClusterIssuer' },
  { group: 'external-secrets.io', kind: 'ClusterSecretStore' },
  { group: 'external-secrets.io', kind: 'ClusterExternalSecret' },
  { group: 'generators.external-secrets.io', kind: 'ClusterGenerator' },
  { group: 'postgresql.cnpg.io', kind: 'ClusterImageCatalog' },
];

const KEYS = new Set(CLUSTER_SCOPED.map((gk) => `${gk.group}/${gk.kind}`));

/** The API group of an apiVersion (`apps/v1` is `apps`, `v1` is the core group ``). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** True when objects of this apiVersion and kind are cluster-scoped. */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return KEYS.has(`${apiGroupOf(apiVersion)}/${kind}`);
}

/** Sort and de-duplicate group/kinds. */
export function uniqueGroupKinds(kinds: Iterable<GroupKind>): GroupKind[] {
  const map = new Map<string, GroupKind>();
  for (const gk of kinds) map.set(`${gk.group}/${gk.kind}`, { group: gk.group, kind: gk.kind });
  return [...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, gk]) => gk);
}

/** What an operator chart installs cluster-wide: its CRDs and RBAC (for the Argo CD project). */
export const CRD_AND_RBAC: readonly GroupKind[] = [
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
];
