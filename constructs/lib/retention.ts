/**
 * Objects that hold data or whole environments (namespaces, volumes, databases, Kafka clusters and topics,
 * generated credentials) are never deleted by Argo CD on its own: removing them from git (pruning) and deleting
 * their Application both wait until a person confirms, in the Argo CD UI or CLI.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#resource-deletion-with-confirmation
 */
import { ApiObject } from 'cdk8s';

/** Argo CD's per-object sync options annotation. */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** Pruning and deletion of the object wait for a person's confirmation. */
export const CONFIRM_DELETION = 'Prune=confirm,Delete=confirm';

/** Make Argo CD ask before it prunes or deletes `object` (see the module comment). */
export function requireConfirmedDeletion(object: ApiObject): void {
  object.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, CONFIRM_DELETION);
}
