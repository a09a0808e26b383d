/**
 * Runtime presets: sensible port, probe timings, resources, environment and writable paths per language
 * runtime. Every field can be overridden by the workload's props.
 */
import { ProbeSchedule, WEB_PROBES } from './probes';
import { ResourceSettings } from './resources';
import { RunAsUser } from './security';

/** A supported runtime. */
export type Runtime = 'node' | 'java' | 'python';

/** What a runtime preset sets. */
export interface RuntimePreset {
  /** Port the process listens on. */
  readonly port: number;
  /** Probe timings. */
  readonly probes: ProbeSchedule;
  /** CPU and memory. */
  readonly resources: ResourceSettings;
  /** Runtime environment variables. */
  readonly env: Readonly<Record<string, string>>;
  /** Paths the runtime writes to (read-only root file system). */
  readonly writablePaths: readonly string[];
  /** Non-root user of the runtime's usual base images. */
  readonly runAsUser: RunAsUser;
}

/** The presets. */
export const RUNTIME_PRESETS: Readonly<Record<Runtime, RuntimePreset>> = {
  node: {
    port: 3000,
    probes: WEB_PROBES,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    env: { NODE_ENV: 'production' },
    writablePaths: ['/tmp'],
    runAsUser: { uid: 1000, gid: 1000, fsGroup: 1000 },
  },
  java: {
    port: 8080,
    // The JVM and frameworks such as Spring start slowly: give the startup probe up to five minutes.
    probes: {
      startup: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 },
      liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      readiness: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    },
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    // Size the heap from the container limit and die (to be restarted) rather than limp on after an OOM.
    env: { JAVA_OPTS: '-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError' },
    writablePaths: ['/tmp'],
    runAsUser: { uid: 1000, gid: 1000, fsGroup: 1000 },
  },
  python: {
    port: 8000,
    probes: WEB_PROBES,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    writablePaths: ['/tmp'],
    runAsUser: { uid: 1000, gid: 1000, fsGroup: 1000 },
  },
};
