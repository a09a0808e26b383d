/**
 * Pod and container security contexts that pass the Pod Security Standards "restricted" profile.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import * as k8s from './k8s';

/** Which user a pod runs as. Images that default to root must still run as a non-root user. */
export interface RunAsUser {
  /** User id of every container. Must not be 0. */
  readonly uid: number;
  /** Group id of every container. */
  readonly gid: number;
  /** Group that owns mounted volumes (so a non-root process can write its data directory). */
  readonly fsGroup: number;
}

/** Why `user` cannot run under the restricted profile, or `undefined`. */
export function runAsUserProblem(user: RunAsUser): string | undefined {
  for (const [key, value] of Object.entries(user)) {
    if (!Number.isInteger(value) || value < 0) return `'${key}' must be a non-negative integer, got ${String(value)}`;
  }
  if (user.uid === 0) return "'uid' must not be 0: the restricted Pod Security Standard requires a non-root user";
  return undefined;
}

/** Pod-level security context: non-root, RuntimeDefault seccomp, volume group ownership. */
export function restrictedPodSecurityContext(user: RunAsUser): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    fsGroup: user.fsGroup,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Container-level security context: no privilege escalation, all capabilities dropped, read-only root file
 * system (writable paths are `emptyDir` mounts), non-root, RuntimeDefault seccomp.
 */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
