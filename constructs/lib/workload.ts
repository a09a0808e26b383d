/**
 * Pod plumbing shared by every workload construct: containers, pod templates, Deployments and Services.
 * Security context, resources, probes, pull policy and labels are applied here once, so every workload gets
 * them the same way.
 */
import { IConstruct } from 'constructs';
import { PullPolicy } from './context';
import * as k8s from './k8s';
import { ComponentIdentity, componentLabels, podTemplateLabels, selectorLabels } from './labels';
import { ResourceSettings, toResourceRequirements } from './resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, RunAsUser } from './security';

/** A named container port. */
export interface ContainerPort {
  /** Port name (at most 15 characters), referenced by probes and Services. */
  readonly name: string;
  readonly containerPort: number;
}

/** One container of a pod. */
export interface ContainerOptions {
  readonly name: string;
  /** Full image reference (already mirrored). */
  readonly image: string;
  readonly imagePullPolicy: PullPolicy;
  readonly ports: readonly ContainerPort[];
  /** Literal environment variables (non-secret), rendered sorted by name. */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables with `valueFrom` (secret references), rendered after the literals. */
  readonly envRefs?: readonly k8s.EnvVar[];
  readonly envFrom?: readonly k8s.EnvFromSource[];
  readonly resources: ResourceSettings;
  readonly livenessProbe: k8s.Probe;
  readonly readinessProbe: k8s.Probe;
  readonly startupProbe?: k8s.Probe;
  /** Paths the process writes to; each becomes an `emptyDir` mount (the root file system is read-only). */
  readonly writablePaths?: readonly string[];
  /** Further mounts (data volumes). */
  readonly volumeMounts?: readonly k8s.VolumeMount[];
  readonly command?: readonly string[];
  readonly args?: readonly string[];
}

/** A pod: its identity, the user it runs as, its containers and volumes. */
export interface PodOptions {
  readonly identity: ComponentIdentity;
  readonly user: RunAsUser;
  readonly containers: readonly ContainerOptions[];
  /** Volumes besides the `emptyDir`s made for writable paths. */
  readonly volumes?: readonly k8s.Volume[];
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Pod annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * ServiceAccount of the pods.
   * @default - the namespace's default ServiceAccount
   */
  readonly serviceAccountName?: string;
  /**
   * Mount the ServiceAccount token.
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
}

/** Name of the `emptyDir` volume for a writable path (`/app/.next/cache` is `app-next-cache`). */
export function writableVolumeName(path: string): string {
  const name = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${name || 'root'}`.slice(0, 63).replace(/-+$/, '');
}

function sortedEnv(env: Readonly<Record<string, string>> | undefined): k8s.EnvVar[] {
  return Object.keys(env ?? {}).sort().map((name) => ({ name, value: (env ?? {})[name] }));
}

/** Render one container and the `emptyDir` volumes its writable paths need. */
export function renderContainer(options: ContainerOptions): { container: k8s.Container; volumes: k8s.Volume[] } {
  const writable = (options.writablePaths ?? []).map((mountPath) => ({ name: writableVolumeName(mountPath), mountPath }));
  const env = [...sortedEnv(options.env), ...(options.envRefs ?? [])];
  const container: k8s.Container = {
    name: options.name,
    image: options.image,
    imagePullPolicy: options.imagePullPolicy,
    ...(options.command ? { command: [...options.command] } : {}),
    ...(options.args ? { args: [...options.args] } : {}),
    ports: options.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
    ...(env.length > 0 ? { env } : {}),
    ...(options.envFrom && options.envFrom.length > 0 ? { envFrom: [...options.envFrom] } : {}),
    resources: toResourceRequirements(options.resources),
    livenessProbe: options.livenessProbe,
    readinessProbe: options.readinessProbe,
    ...(options.startupProbe ? { startupProbe: options.startupProbe } : {}),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [...writable, ...(options.volumeMounts ?? [])],
  };
  return { container, volumes: writable.map((w) => ({ name: w.name, emptyDir: {} })) };
}

/** Render a pod template: labels, restricted security context, containers, volumes. */
export function renderPodTemplate(scope: IConstruct, options: PodOptions): k8s.PodTemplateSpec {
  const rendered = options.containers.map(renderContainer);
  const volumes = new Map<string, k8s.Volume>();
  for (const v of [...rendered.flatMap((r) => r.volumes), ...(options.volumes ?? [])]) volumes.set(v.name, v);
  return {
    metadata: {
      labels: podTemplateLabels(scope, options.identity),
      ...(options.annotations && Object.keys(options.annotations).length > 0 ? { annotations: { ...options.annotations } } : {}),
    },
    spec: {
      ...(options.serviceAccountName !== undefined ? { serviceAccountName: options.serviceAccountName } : {}),
      automountServiceAccountToken: options.automountServiceAccountToken ?? false,
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext(options.user),
      terminationGracePeriodSeconds: options.terminationGracePeriodSeconds ?? 30,
      containers: rendered.map((r) => r.container),
      ...(volumes.size > 0 ? { volumes: [...volumes.values()] } : {}),
    },
  };
}

/** Options of a Deployment. */
export interface DeploymentOptions {
  readonly name: string;
  readonly identity: ComponentIdentity;
  /**
   * Replicas.
   * @default - none rendered: a HorizontalPodAutoscaler owns the count
   */
  readonly replicas?: number;
  /**
   * Most replicas an autoscaler may run (spreading applies when it is more than one).
   * @default - `replicas`
   */
  readonly maxReplicas?: number;
  readonly template: k8s.PodTemplateSpec;
  /**
   * Spread more than one replica over nodes.
   * @default true
   */
  readonly spread?: boolean;
  /**
   * Annotations of the Deployment (not of its pods).
   * @default {}
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Render a Deployment with an explicit, stable selector and a zero-downtime rolling update. With more than one
 * replica, pods are spread over nodes (`ScheduleAnyway`: a preference, so a small cluster still schedules them),
 * counting only pods of the same revision during a rollout (`matchLabelKeys: pod-template-hash`).
 */
export function renderDeployment(scope: IConstruct, id: string, options: DeploymentOptions): k8s.KubeDeployment {
  const spread: k8s.TopologySpreadConstraint[] = (options.maxReplicas ?? options.replicas ?? 1) > 1 && options.spread !== false ? [{
    maxSkew: 1,
    topologyKey: 'kubernetes.io/hostname',
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selectorLabels(options.identity) },
    matchLabelKeys: ['pod-template-hash'],
  }] : [];
  const template: k8s.PodTemplateSpec = spread.length === 0 || options.template.spec === undefined
    ? options.template
    : { ...options.template, spec: { ...options.template.spec, topologySpreadConstraints: spread } };
  return new k8s.KubeDeployment(scope, id, {
    metadata: {
      name: options.name,
      labels: componentLabels(options.identity),
      ...(options.annotations && Object.keys(options.annotations).length > 0 ? { annotations: { ...options.annotations } } : {}),
    },
    spec: {
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(options.identity) },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) },
      },
      template,
    },
  });
}

/** One port of a Service. */
export interface ServicePort {
  readonly name: string;
  readonly port: number;
  /** Named container port the traffic goes to. */
  readonly targetPort: string;
  /** Fixed node port (only for `NodePort` Services). */
  readonly nodePort?: number;
}

/** Options of a Service. */
export interface ServiceOptions {
  readonly name: string;
  readonly identity: ComponentIdentity;
  readonly ports: readonly ServicePort[];
  /** @default 'ClusterIP' */
  readonly type?: 'ClusterIP' | 'NodePort';
  /** Headless Service (for a StatefulSet's stable pod DNS names). @default false */
  readonly headless?: boolean;
}

/** Render a Service selecting exactly one component's pods. */
export function renderService(scope: IConstruct, id: string, options: ServiceOptions): k8s.KubeService {
  return new k8s.KubeService(scope, id, {
    metadata: { name: options.name, labels: componentLabels(options.identity) },
    spec: {
      type: options.type ?? 'ClusterIP',
      ...(options.headless ? { clusterIp: 'None', publishNotReadyAddresses: false } : {}),
      selector: selectorLabels(options.identity),
      ports: options.ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: k8s.IntOrString.fromString(p.targetPort),
        protocol: 'TCP',
        ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
      })),
    },
  });
}

/**
 * Render a PodDisruptionBudget allowing one pod at a time to be evicted (only for workloads with more than
 * one replica: with one replica it would block node drains forever).
 */
export function renderDisruptionBudget(scope: IConstruct, id: string, name: string, identity: ComponentIdentity, maxUnavailable = 1): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, id, {
    metadata: { name, labels: componentLabels(identity) },
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(maxUnavailable),
      selector: { matchLabels: selectorLabels(identity) },
    },
  });
}

/** A backend reachable over HTTP inside the cluster (a construct, so the dependency is recorded). */
export interface IHttpBackend extends IConstruct {
  /** In-cluster base URL, e.g. `http://identity-service.healthxcape.svc:3000`. */
  readonly url: string;
}
