/**
 * Pod templates inside workload objects, and their containers.
 */
import { apiGroupOf } from '../../constructs/lib/kinds';
import { at, child, isRecord, JsonRecord, list, record, str, stringMap } from './json';

/** Where the pod template of each workload kind lives. */
const TEMPLATES: Readonly<Record<string, { readonly group: string; readonly path: readonly string[]; readonly longRunning: boolean }>> = {
  Deployment: { group: 'apps', path: ['spec', 'template'], longRunning: true },
  StatefulSet: { group: 'apps', path: ['spec', 'template'], longRunning: true },
  DaemonSet: { group: 'apps', path: ['spec', 'template'], longRunning: true },
  ReplicaSet: { group: 'apps', path: ['spec', 'template'], longRunning: true },
  Job: { group: 'batch', path: ['spec', 'template'], longRunning: false },
  CronJob: { group: 'batch', path: ['spec', 'jobTemplate', 'spec', 'template'], longRunning: false },
};

/** The pod template of a workload (or a bare Pod). */
export interface PodTemplate {
  /** JSON path of the pod spec, e.g. `spec.template.spec`. */
  readonly specPath: string;
  readonly spec: JsonRecord;
  /** Labels of the pods. */
  readonly labels: Readonly<Record<string, string>>;
  /** Long-running pods (Deployments, StatefulSets, DaemonSets) need liveness and readiness probes. */
  readonly longRunning: boolean;
}

/** The pod template of `object`, or `undefined` when it has none. */
export function podTemplateOf(object: JsonRecord): PodTemplate | undefined {
  const kind = str(object.kind);
  const apiVersion = str(object.apiVersion);
  if (kind === undefined || apiVersion === undefined) return undefined;
  if (kind === 'Pod' && apiVersion === 'v1') {
    const spec = object.spec;
    if (!isRecord(spec)) return undefined;
    const restart = str(spec.restartPolicy) ?? 'Always';
    return { specPath: 'spec', spec, labels: stringMap(at(object, 'metadata', 'labels')), longRunning: restart === 'Always' };
  }
  const where = TEMPLATES[kind];
  if (where === undefined || apiGroupOf(apiVersion) !== where.group) return undefined;
  const template = at(object, ...where.path);
  if (!isRecord(template) || !isRecord(template.spec)) return undefined;
  return {
    specPath: `${where.path.join('.')}.spec`,
    spec: template.spec,
    labels: stringMap(at(template, 'metadata', 'labels')),
    longRunning: where.longRunning,
  };
}

/** One container of a pod. */
export interface ContainerRef {
  readonly container: JsonRecord;
  /** JSON path, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  readonly name: string;
  /** `containers` (long-running), `initContainers` or `ephemeralContainers`. */
  readonly list: 'containers' | 'initContainers' | 'ephemeralContainers';
}

/** Every container of a pod template (app containers first). */
export function containersOf(template: PodTemplate): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const key of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    list(template.spec[key]).forEach((container, i) => {
      if (!isRecord(container)) return;
      out.push({ container, path: child(child(template.specPath, key), i), name: str(container.name) ?? `#${i}`, list: key });
    });
  }
  return out;
}

/** A declared container port. */
export interface DeclaredPort {
  readonly name?: string;
  readonly containerPort?: number;
  readonly protocol: string;
}

/** The ports a container declares. */
export function portsOf(container: JsonRecord): DeclaredPort[] {
  return list(container.ports).filter(isRecord).map((p) => ({
    ...(typeof p.name === 'string' ? { name: p.name } : {}),
    ...(typeof p.containerPort === 'number' ? { containerPort: p.containerPort } : {}),
    protocol: str(p.protocol) ?? 'TCP',
  }));
}

/** True when `port` (a name or a number) is declared by the container. */
export function declaresPort(ports: readonly DeclaredPort[], port: unknown): boolean {
  if (typeof port === 'number') return ports.some((p) => p.containerPort === port);
  if (typeof port === 'string') return ports.some((p) => p.name === port);
  return false;
}

/** Describe declared ports for a message: `http (3000), metrics (9090)`. */
export function describePorts(ports: readonly DeclaredPort[]): string {
  if (ports.length === 0) return 'none';
  return ports.map((p) => (p.name !== undefined ? `${p.name} (${p.containerPort ?? '?'})` : String(p.containerPort ?? '?'))).join(', ');
}

/** The security context of a pod spec (empty when unset). */
export function podSecurityContext(spec: JsonRecord): JsonRecord {
  return record(spec.securityContext);
}
