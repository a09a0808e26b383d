/**
 * Health probes. Paths are always explicit: a hard-coded `/health` once failed a Next.js app that only
 * answers `/`.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
import * as k8s from './k8s';

/** Timing of one probe. */
export interface ProbeTimings {
  /** @default 0 */
  readonly initialDelaySeconds?: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

/** Timings of the three probes of a container. */
export interface ProbeSchedule {
  /** Gives slow starters time before liveness applies. */
  readonly startup: ProbeTimings;
  readonly liveness: ProbeTimings;
  readonly readiness: ProbeTimings;
}

/** HTTP paths of the three probes. */
export interface ProbePaths {
  readonly liveness: string;
  readonly readiness: string;
  readonly startup: string;
}

/** Why `path` is not a usable HTTP probe path, or `undefined`. */
export function probePathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  if (!path.startsWith('/')) return "must start with '/'";
  if (/\s/.test(path)) return 'must not contain white space';
  return undefined;
}

/** Why `timings` are unusable, or `undefined`. */
export function probeTimingsProblem(timings: ProbeTimings): string | undefined {
  for (const [key, value] of Object.entries(timings)) {
    const min = key === 'initialDelaySeconds' ? 0 : 1;
    if (!Number.isInteger(value) || value < min) return `'${key}' must be an integer >= ${min}, got ${String(value)}`;
  }
  if (timings.timeoutSeconds > timings.periodSeconds) {
    return `'timeoutSeconds' (${timings.timeoutSeconds}) must not exceed 'periodSeconds' (${timings.periodSeconds})`;
  }
  return undefined;
}

function timing(t: ProbeTimings): Omit<k8s.Probe, 'httpGet' | 'tcpSocket' | 'exec' | 'grpc'> {
  return {
    ...(t.initialDelaySeconds ? { initialDelaySeconds: t.initialDelaySeconds } : {}),
    periodSeconds: t.periodSeconds,
    timeoutSeconds: t.timeoutSeconds,
    failureThreshold: t.failureThreshold,
  };
}

/** An HTTP GET probe on a named container port. */
export function httpProbe(path: string, port: string, timings: ProbeTimings): k8s.Probe {
  return { httpGet: { path, port: k8s.IntOrString.fromString(port) }, ...timing(timings) };
}

/** A TCP probe on a named container port. */
export function tcpProbe(port: string, timings: ProbeTimings): k8s.Probe {
  return { tcpSocket: { port: k8s.IntOrString.fromString(port) }, ...timing(timings) };
}

/** A probe with `handler` (the httpGet, tcpSocket, grpc or exec of another probe) and `timings`. */
export function probeWithTimings(handler: Pick<k8s.Probe, 'httpGet' | 'tcpSocket' | 'exec' | 'grpc'>, timings: ProbeTimings): k8s.Probe {
  const own = Object.fromEntries(Object.entries(handler).filter(([, v]) => v !== undefined)) as Pick<k8s.Probe, 'httpGet' | 'tcpSocket' | 'exec' | 'grpc'>;
  return { ...own, ...timing(timings) };
}

/** A gRPC health-checking probe on a container port number (the kubelet's gRPC client needs a number). */
export function grpcProbe(port: number, service: string | undefined, timings: ProbeTimings): k8s.Probe {
  return { grpc: { port, ...(service !== undefined ? { service } : {}) }, ...timing(timings) };
}

/** A command probe. */
export function execProbe(command: readonly string[], timings: ProbeTimings): k8s.Probe {
  return { exec: { command: [...command] }, ...timing(timings) };
}

/** Sensible timings for a web process that starts in seconds. */
export const WEB_PROBES: ProbeSchedule = {
  startup: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24 },
  liveness: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  readiness: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};
