/**
 * Objects that hold data or whole environments (namespaces, volumes, databases, Kafka clusters and topics,
 * generated credentials) are never deleted by Argo CD on its own: removing them from git (pruning) and deleting
 * their Application both wait until a person confirms, in the Argo CD UI or CLI.
 *
 * Argo CD reads one comma-separated `argocd.argoproj.io/sync-options` annotation per object. Options are merged
 * into it, never replaced: a user's `SkipDryRunOnMissingResource=true` on a database must not erase its delete
 * protection. Options the platform requires are merged again when the App is rendered, so an annotation a user
 * sets directly (`metadata.addAnnotation(...)`) keeps them too.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#resource-deletion-with-confirmation
 */
import { ApiObject } from 'cdk8s';
import { PlatformError } from './errors';
import { onPrepare } from './prepare';

/** Argo CD's per-object sync options annotation. */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** Pruning and deletion of the object wait for a person's confirmation. */
export const CONFIRM_DELETION = 'Prune=confirm,Delete=confirm';

const REQUIRED = Symbol.for('platform-synth.RequiredSyncOptions');

type WithRequired = { [REQUIRED]?: string[] };

/** `Prune=confirm,Delete=confirm` -> `['Prune=confirm', 'Delete=confirm']` (blank entries dropped). */
export function parseSyncOptions(value: string | undefined): string[] {
  return (value ?? '').split(',').map((option) => option.trim()).filter((option) => option.length > 0);
}

/**
 * The object's `argocd.argoproj.io/sync-options` annotation as it stands. cdk8s has no getter for one annotation;
 * its metadata keeps them in a map (`annotations`, cdk8s/lib/metadata.js of the pinned 2.70), read directly when
 * it holds a plain string there. Anything else (a token, another cdk8s) goes through `metadata.toJson()`, which
 * resolves the whole metadata: at 1,000 services the reads through it took about 0.35 s of the build.
 */
function currentSyncOptions(object: ApiObject): string | undefined {
  const map = (object.metadata as unknown as { readonly annotations?: unknown }).annotations;
  if (map !== null && typeof map === 'object') {
    const value = (map as Readonly<Record<string, unknown>>)[SYNC_OPTIONS_ANNOTATION];
    if (value === undefined || typeof value === 'string') return value;
  }
  const annotations = (object.metadata.toJson() as { annotations?: Record<string, string> }).annotations;
  return annotations?.[SYNC_OPTIONS_ANNOTATION];
}

/**
 * Merge sync options: every option of `current`, then each of `added` not yet there, in order. An option given
 * twice with different values (`Prune=confirm` and `Prune=false`) is an error: Argo CD would read only one.
 */
export function mergeSyncOptions(current: readonly string[], added: readonly string[]): string[] {
  const out = [...current];
  for (const option of added) {
    const key = option.split('=')[0] as string;
    const clash = out.find((o) => o.split('=')[0] === key && o !== option);
    if (clash !== undefined) {
      throw new PlatformError(
        `sync option '${option}' contradicts '${clash}' on the same object (annotation ${SYNC_OPTIONS_ANNOTATION}). Fix: keep one value for '${key}'`,
      );
    }
    if (!out.includes(option)) out.push(option);
  }
  return out;
}

/**
 * Add Argo CD sync options to `object`'s `argocd.argoproj.io/sync-options` annotation, merged with the options it
 * already has (`addSyncOptions(cluster, 'SkipDryRunOnMissingResource=true')` keeps `Prune=confirm,Delete=confirm`).
 */
export function addSyncOptions(object: ApiObject, ...options: string[]): void {
  const merged = mergeSyncOptions(parseSyncOptions(currentSyncOptions(object)), options);
  object.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, merged.join(','));
}

/**
 * Options `object` must keep whatever else sets its annotation: merged now, and again when the App is rendered
 * (after user code may have replaced the annotation).
 */
export function requireSyncOptions(object: ApiObject, ...options: string[]): void {
  const holder = object as unknown as WithRequired;
  if (holder[REQUIRED] === undefined) {
    Object.defineProperty(holder, REQUIRED, { value: [] });
    onPrepare(object, 'derive', () => {
      const current = parseSyncOptions(currentSyncOptions(object));
      // The user's options first (as written), then the required ones they left out.
      object.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, mergeSyncOptions(current, holder[REQUIRED] ?? []).join(','));
    });
  }
  holder[REQUIRED]?.push(...options.filter((o) => !(holder[REQUIRED] ?? []).includes(o)));
  addSyncOptions(object, ...options);
}

/** Make Argo CD ask before it prunes or deletes `object` (see the module comment). */
export function requireConfirmedDeletion(object: ApiObject): void {
  requireSyncOptions(object, ...parseSyncOptions(CONFIRM_DELETION));
}
