import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { HorizontalAutoscaler, HorizontalAutoscalerOptionsSchema } from './horizontal-autoscaler';
import { IngressRoute, IngressRouteOptionsSchema } from './ingress-route';
import { awsRoleArnProblem, awsRoleArnSchema, IRSA_ROLE_ANNOTATION } from './lib/aws';
import { Connections } from './lib/connections';
import { applicationOf, contextOf, mapChildOptions, recordDependency } from './lib/context';
import { ImageSettings, imageReference, imageVersion } from './lib/images';
import { IServiceMesh, OpaqueDependency, outboundPortsOf, podSecurityAdmits } from './lib/mesh';
import * as k8s from './lib/k8s';
import { ComponentIdentity, componentLabels, selectorLabels, stableLabels } from './lib/labels';
import { deepMerge } from './lib/merge';
import { joinName } from './lib/names';
import { dnsLabelSchema, envVarsSchema, intSchema, portSchema, quantitySchema, refuse, resourcesOverrideSchema, withFix, z } from './lib/options';
import { execProbe, grpcProbe, httpProbe, probeWithTimings, probePathProblem, probeTimingsProblem, ProbeSchedule, ProbeTimings, tcpProbe, WEB_PROBES } from './lib/probes';
import { ResourceSettings } from './lib/resources';
import { Runtime, RUNTIME_PRESETS } from './lib/runtimes';
import { RunAsUser, runAsUserProblem } from './lib/security';
import { PropsValidator } from './lib/validation';
import { IServiceTarget } from './lib/routing';
import { ContainerPort, IHttpBackend, renderDeployment, renderDisruptionBudget, renderPodTemplate, renderService, ServicePort } from './lib/workload';
import { SecretProviderClass, SecretProviderClassOptionsSchema } from './secret-provider-class';
import { ServiceMonitor, ServiceMonitorOptionsSchema } from './service-monitor';
import { IVolumeProvider } from './volume-provider';
import { compareText } from './lib/order';
import { checksumOf } from './lib/checksum';

/** Runtimes with a preset (constructs/lib/runtimes.ts). */
const runtimeSchema = withFix(z.enum(['node', 'java', 'python']), "use 'node', 'java' or 'python', or leave it out for no preset");

/** One named port of the container. */
export const ContainerPortOptionsSchema = z.strictObject({
  /** Port the container listens on. */
  port: portSchema,
  /**
   * Port of the Service (clients connect to it).
   * @default - the container port
   */
  servicePort: portSchema.optional(),
  /**
   * What speaks on the port: `http` and `grpc` ports can be probed by path or gRPC health, `tcp` by connection.
   * @default 'http'
   */
  protocol: withFix(z.enum(['http', 'grpc', 'tcp']), "use 'http', 'grpc' or 'tcp'").optional(),
  /**
   * Also expose the port on every node at this fixed port (30000-32767): the Service becomes a NodePort Service.
   * @default - not exposed on the nodes
   */
  nodePort: intSchema(30000, 32767, 'choose a port in the node-port range 30000-32767, or remove it to keep the port cluster-internal').optional(),
  /**
   * Put the port on the Service. A management port that only the kubelet's probes call is not exposed.
   * @default true
   */
  expose: z.boolean().optional(),
});

/** A named container port. */
export type ContainerPortOptions = z.infer<typeof ContainerPortOptionsSchema>;

const timings = {
  /** @default 0 */
  initialDelaySeconds: intSchema(0, 3600).optional(),
  /** @default - the runtime's (or 10 s for liveness, 5 s otherwise) */
  periodSeconds: intSchema(1, 3600).optional(),
  /** @default - the runtime's (3 s) */
  timeoutSeconds: intSchema(1, 3600).optional(),
  /** @default - the runtime's */
  failureThreshold: intSchema(1, 1000).optional(),
};

/** One probe: at most one handler (the others come from `healthCheck`), and its timings. */
export const ProbeOptionsSchema = z.strictObject({
  /** HTTP GET of `path` on the named port (default: the health-check port). */
  http: z.strictObject({ path: z.string(), port: z.string().optional() }).optional(),
  /** A TCP connection to the named port (default: the first port). */
  tcp: z.strictObject({ port: z.string().optional() }).optional(),
  /** The gRPC health-checking protocol on the named port, for `service` (default: the server's overall health). */
  grpc: z.strictObject({ port: z.string().optional(), service: z.string().optional() }).optional(),
  /** A command run in the container (exit code 0 is healthy). */
  exec: z.strictObject({ command: z.array(z.string()).min(1) }).optional(),
  ...timings,
}).superRefine((probe, ctx) => {
  const handlers = (['http', 'tcp', 'grpc', 'exec'] as const).filter((h) => probe[h] !== undefined);
  if (handlers.length > 1) {
    ctx.addIssue({ code: 'custom', message: `sets ${handlers.join(' and ')}; a probe has exactly one handler`, params: { fix: `keep one of ${handlers.join(', ')}` } });
  }
});

/** One probe of a container. */
export type ProbeOptions = z.infer<typeof ProbeOptionsSchema>;

/** HTTP paths answering 2xx when the process is healthy, used by the probes that set no handler of their own. */
export const HealthCheckSchema = z.strictObject({
  /** Path used by every probe unless overridden. */
  path: z.string(),
  /** @default - `path` */
  livenessPath: z.string().optional(),
  /** @default - `path` */
  readinessPath: z.string().optional(),
  /** @default - `path` */
  startupPath: z.string().optional(),
  /**
   * The port the probes call: a port name, or a number for a management port of its own (Spring Boot's
   * actuator, for example), which is declared on the container as `health` and not put on the Service.
   * @default - the `http` port
   */
  port: z.union([z.string(), portSchema]).optional(),
});

/** Health probe paths. */
export type HealthCheck = z.infer<typeof HealthCheckSchema>;

/** A ServiceAccount of the workload's own. */
export const ServiceAccountOptionsSchema = z.strictObject({
  /**
   * Annotations of the ServiceAccount, for cloud workload identity (`eks.amazonaws.com/role-arn`,
   * `iam.gke.io/gcp-service-account`, `azure.workload.identity/client-id`).
   * @default {}
   */
  annotations: z.record(z.string(), z.string()).optional(),
  /**
   * AWS IAM role the pods assume through IRSA (the `eks.amazonaws.com/role-arn` annotation), format checked.
   * @default - no AWS role
   */
  awsRoleArn: awsRoleArnSchema.optional(),
  /**
   * Mount the ServiceAccount's API token into the pods (only workloads that call the Kubernetes API, or whose
   * cloud SDK exchanges the projected token, need it).
   * @default false
   */
  automountToken: z.boolean().optional(),
}).superRefine((value, ctx) => {
  const annotated = value.annotations?.[IRSA_ROLE_ANNOTATION];
  if (annotated !== undefined) {
    const problem = awsRoleArnProblem(annotated);
    if (problem) refuse(ctx, `the role ARN ${problem}`, "use the role's ARN as IAM shows it, e.g. 'arn:aws:iam::123456789012:role/orders-api'", ['annotations', IRSA_ROLE_ANNOTATION]);
    if (value.awsRoleArn !== undefined) refuse(ctx, `'awsRoleArn' and the annotation '${IRSA_ROLE_ANNOTATION}' are both set`, "keep 'awsRoleArn' and remove the annotation", ['awsRoleArn']);
  }
});

/** A data volume of a StatefulSet: one claim per replica, from the environment's storage. */
export const VolumeOptionsSchema = z.strictObject({
  /** Where the volume is mounted. */
  mountPath: z.string().startsWith('/', { error: "must be an absolute path starting with '/'" }),
  /** Size of each replica's volume. */
  size: quantitySchema('storage'),
});

const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a valid environment variable name' });

/** What an environment or a catalog entry may set on a `Microservice`. */
export const MicroserviceOptionsSchema = z.strictObject({
  /**
   * Name of the Deployment (or StatefulSet), Service and the objects around them.
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * Role in the architecture (`app.kubernetes.io/component`).
   * @default 'backend'
   */
  component: dnsLabelSchema.optional(),
  /**
   * Runtime preset for the `http` port, probe timings, resources, env, writable paths and user.
   * @default - none: everything is set explicitly
   */
  runtime: runtimeSchema.optional(),
  /**
   * `Deployment` for stateless workloads; `StatefulSet` for workloads with data volumes or stable names
   * (it gets a headless Service).
   * @default 'Deployment'
   */
  workload: withFix(z.enum(['Deployment', 'StatefulSet']), "use 'Deployment' or 'StatefulSet'").optional(),
  /**
   * Pod replicas.
   * @default 2
   */
  replicas: intSchema(1, 1000, 'set replicas to 1 or more').optional(),
  /**
   * Command (the image's entrypoint is replaced).
   * @default - the image's entrypoint
   */
  command: z.array(z.string()).optional(),
  /**
   * Arguments.
   * @default - the image's
   */
  args: z.array(z.string()).optional(),
  /**
   * The `http` port (container and Service), a shortcut for `ports: { http: { port } }`.
   * @default - the runtime's port (node 3000, java 8080, python 8000)
   */
  port: portSchema.optional(),
  /**
   * Service port of the `http` port.
   * @default - the container port
   */
  servicePort: portSchema.optional(),
  /**
   * Node port of the `http` port (30000-32767).
   * @default - ClusterIP only
   */
  nodePort: intSchema(30000, 32767, "choose a port in the node-port range 30000-32767, or remove 'nodePort'").optional(),
  /**
   * Named ports (names at most 15 characters: `http`, `grpc`, `metrics`, `amqp`), for workloads with several.
   * @default - `http` from `port` or the runtime
   */
  ports: z.record(z.string(), ContainerPortOptionsSchema).optional(),
  /**
   * HTTP health paths used by every probe that sets no handler of its own.
   * @default - none: each probe sets its own handler
   */
  healthCheck: HealthCheckSchema.optional(),
  /**
   * Startup, liveness and readiness probes: handler and timings, merged over the health check and the runtime's
   * timings. Set `startup: false` for a process that is ready at once.
   * @default - HTTP probes of `healthCheck` with the runtime's timings
   */
  probes: z.strictObject({
    startup: z.union([z.literal(false), ProbeOptionsSchema]).optional(),
    liveness: ProbeOptionsSchema.optional(),
    readiness: ProbeOptionsSchema.optional(),
  }).optional(),
  /**
   * CPU and memory, merged over the runtime's (or, without a runtime, 100m/128Mi requests and 500m/256Mi limits).
   * @default - the runtime's
   */
  resources: resourcesOverrideSchema.optional(),
  /**
   * Literal, non-secret environment variables, merged over the runtime's.
   * @default {}
   */
  env: envVarsSchema().optional(),
  /**
   * Environment variables read from Secrets that exist in the cluster (`{ API_TOKEN: { secret: 'api', key: 'token' } }`).
   * @default {}
   */
  secretEnv: z.record(envNameSchema, z.strictObject({ secret: dnsLabelSchema, key: z.string().min(1) })).optional(),
  /**
   * ConfigMaps and Secrets whose keys all become environment variables.
   * @default - none
   */
  envFrom: z.strictObject({ configMaps: z.array(dnsLabelSchema).optional(), secrets: z.array(dnsLabelSchema).optional() }).optional(),
  /**
   * Render the literal environment variables into a ConfigMap `<name>-config` read with `envFrom` (pods roll
   * when it changes, through a checksum annotation) instead of into the pod template.
   * @default false
   */
  envConfigMap: z.boolean().optional(),
  /**
   * Configuration files mounted read-only from a ConfigMap `<name>-files`, by absolute path
   * (`{ '/app/config/app.yaml': '...' }`). Pods roll when a file changes.
   * @default {}
   */
  files: z.record(z.string().startsWith('/', { error: "must be an absolute path starting with '/'" }), z.string()).optional(),
  /**
   * Paths the process writes to; each gets an `emptyDir` (the root file system is read-only).
   * @default - the runtime's (['/tmp']), or none
   */
  writablePaths: z.array(z.string().startsWith('/', { error: "must be an absolute path starting with '/'" })).optional(),
  /**
   * User the pods run as (never root).
   * @default - the runtime's, or { uid: 1000, gid: 1000, fsGroup: 1000 }
   */
  runAsUser: z.strictObject({ uid: intSchema(0, 2147483647), gid: intSchema(0, 2147483647), fsGroup: intSchema(0, 2147483647) }).optional(),
  /**
   * A ServiceAccount `<name>` of the workload's own (for cloud workload identity); its token is mounted only
   * when `automountToken` asks for it.
   * @default - the namespace's default ServiceAccount, no token mounted
   */
  serviceAccount: ServiceAccountOptionsSchema.optional(),
  /**
   * Spread the replicas over nodes (a preference: a small cluster still schedules them).
   * @default true
   */
  spread: z.boolean().optional(),
  /**
   * A PodDisruptionBudget allowing `maxUnavailable` pods to be evicted at once (only with more than one replica).
   * @default { maxUnavailable: 1 }
   */
  disruptionBudget: z.union([z.literal(false), z.strictObject({ maxUnavailable: intSchema(1, 1000) })]).optional(),
  /**
   * Data volumes (StatefulSet only), each replica with its own claim from the environment's storage.
   * @default {}
   */
  volumes: z.record(dnsLabelSchema, VolumeOptionsSchema).optional(),
  /**
   * Extra annotations of the pod template.
   * @default {}
   */
  podAnnotations: z.record(z.string(), z.string()).optional(),
  /**
   * Seconds the pods get to shut down.
   * @default 30
   */
  terminationGracePeriodSeconds: intSchema(0, 3600).optional(),
  /**
   * A HorizontalPodAutoscaler between `minReplicas` and `maxReplicas` (Deployment only): the Deployment then sets
   * no `spec.replicas` (so Argo CD never resets what the autoscaler chose), `replicas` must not be set, and the
   * disruption budget follows `minReplicas`.
   * @default - a fixed replica count
   */
  autoscaling: HorizontalAutoscalerOptionsSchema.optional(),
  /**
   * Secrets read from the cloud provider through the Secrets Store CSI driver: a SecretProviderClass
   * `<name>-secrets`, its fields synced to a Secret `<name>-secrets` read with `envFrom`, the CSI volume mounted
   * read-only. Needs `serviceAccount.awsRoleArn` (the driver reads the secrets as the pod's ServiceAccount).
   * @default - none
   */
  cloudSecrets: SecretProviderClassOptionsSchema.optional(),
  /**
   * A ServiceMonitor scraping a named port of the Service.
   * @default - not scraped
   */
  metrics: ServiceMonitorOptionsSchema.optional(),
  /**
   * A Traefik IngressRoute to a named port of the Service.
   * @default - not routed from outside
   */
  ingressRoute: IngressRouteOptionsSchema.optional(),
  /**
   * Roll the pods when a Secret or ConfigMap they read changes outside git (Stakater Reloader's
   * `secret.reloader.stakater.com/reload` and `configmap.reloader.stakater.com/reload` on the workload, naming
   * exactly those objects). ConfigMaps the workload renders itself roll it through their checksum annotation.
   * @default false
   */
  reloader: z.boolean().optional(),
  /**
   * Join the service mesh the catalog entry names (`mesh`).
   * @default true (when a mesh is named)
   */
  meshed: z.boolean().optional(),
});

/** What an environment or a catalog entry may set on a `Microservice`. */
export type MicroserviceOptions = z.infer<typeof MicroserviceOptionsSchema>;

/** Props of `Microservice`: its options plus what is wired in code. */
export interface MicroserviceProps extends MicroserviceOptions {
  /** Container image. */
  readonly image: ImageSettings;
  /**
   * Backends whose in-cluster URL is injected, keyed by environment variable (`{ API_URL: api }`); the
   * workload's application is synced after theirs.
   * @default {}
   */
  readonly backends?: Readonly<Record<string, IHttpBackend>>;
  /**
   * Further environment variables with `valueFrom` (credentials from a database's Secret), rendered after the
   * literals.
   * @default []
   */
  readonly envRefs?: readonly k8s.EnvVar[];
  /**
   * Where the StatefulSet's data volumes come from (required with `volumes`).
   * @default - no volumes
   */
  readonly storage?: IVolumeProvider;
  /**
   * The service mesh the pods join (unless `meshed: false`): its annotations, the outbound ports that bypass
   * the proxy (derived from what the workload connects to), and the Pod Security level its pods then need. The
   * workload's application is synced after the mesh's.
   * @default - not meshed
   */
  readonly mesh?: IServiceMesh;
  /**
   * What the workload connects to over a protocol of its own (a `PostgresDatabase`, a `Redis`, a `KafkaPlatform`):
   * their ports bypass the mesh proxy, and the workload's application is synced after theirs.
   * @default []
   */
  readonly connectsTo?: readonly OpaqueDependency[];
}

/** Default resources of a workload without a runtime preset. */
const DEFAULT_RESOURCES: ResourceSettings = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
const DEFAULT_USER: RunAsUser = { uid: 1000, gid: 1000, fsGroup: 1000 };

/** A resolved port. */
interface ResolvedPort {
  readonly name: string;
  readonly port: number;
  readonly servicePort: number;
  readonly protocol: 'http' | 'grpc' | 'tcp';
  readonly nodePort?: number;
  readonly expose: boolean;
}

/**
 * A workload: a Deployment (or StatefulSet) of one container with any runtime preset or none, named ports
 * (HTTP, gRPC, TCP) behind a Service (ClusterIP or NodePort, service ports distinct from container ports),
 * probes of every kind (HTTP path, TCP, gRPC, exec), literal env vars (inline or in a ConfigMap), env from
 * ConfigMaps and Secrets, configuration files, writable paths, an optional ServiceAccount, resources, replicas,
 * spread and a disruption budget. Other workloads are admitted to it with `connections.allowFrom()`.
 *
 * Pods run under the Pod Security Standards "restricted" profile with a read-only root file system; the
 * selector (`name` + `instance`) is unique to this workload and never changes across releases.
 */
export class Microservice extends Construct implements IHttpBackend, IServiceTarget {
  public readonly name: string;
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly identity: ComponentIdentity;
  /** Ports by name. */
  public readonly ports: ReadonlyMap<string, ResolvedPort>;
  /** The effective literal environment variables. */
  public readonly env: Readonly<Record<string, string>>;
  /** The Service, when a port is exposed. */
  public readonly service?: k8s.KubeService;
  /** The ServiceAccount, when the workload has one of its own. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  /** The Deployment or StatefulSet. */
  public readonly workload: k8s.KubeDeployment | k8s.KubeStatefulSet;
  /** The HorizontalPodAutoscaler, with `autoscaling`. */
  public readonly autoscaler?: HorizontalAutoscaler;
  /** The SecretProviderClass, with `cloudSecrets`. */
  public readonly secretProviderClass?: SecretProviderClass;
  /** The ServiceMonitor, with `metrics`. */
  public readonly serviceMonitor?: ServiceMonitor;
  /** The IngressRoute, with `ingressRoute`. */
  public readonly ingressRoute?: IngressRoute;
  /** Outbound ports that bypass the mesh proxy (derived from what the workload connects to). */
  public readonly skipOutboundPorts: readonly number[];
  private connectionsOf?: Connections;

  public constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    const context = contextOf(this);
    this.name = props.name ?? id;
    const preset = props.runtime !== undefined ? RUNTIME_PRESETS[props.runtime as Runtime] : undefined;
    const namespace = Chart.of(this).namespace;
    this.replicas = props.autoscaling?.minReplicas ?? props.replicas ?? 2;
    const resources = deepMerge<ResourceSettings>(preset?.resources ?? DEFAULT_RESOURCES, props.resources);
    const schedule: ProbeSchedule = preset?.probes ?? WEB_PROBES;
    const user = props.runAsUser ?? preset?.runAsUser ?? DEFAULT_USER;
    const kind = props.workload ?? 'Deployment';

    const check = new PropsValidator(this, `Microservice '${this.name}'`);
    check.props(MicroserviceOptionsSchema, props, ['image', 'backends', 'envRefs', 'storage', 'mesh', 'connectsTo'], `Microservice '${this.name}'`);
    check.resources('resources', resources);
    const userProblem = runAsUserProblem(user);
    if (userProblem) check.add('runAsUser', userProblem, user, 'run as a non-root user, e.g. { uid: 1000, gid: 1000, fsGroup: 1000 }');
    const ports = this.resolvePorts(props, preset?.port, check);
    this.ports = ports;
    const backends = props.backends ?? {};
    for (const name of Object.keys(props.env ?? {})) {
      if (name in backends) check.add(`env.${name}`, `'${name}' is set both in 'env' and in 'backends'`, name, 'remove one of them');
    }
    for (const [name, backend] of Object.entries(backends)) {
      check.check(/^[A-Za-z_][A-Za-z0-9_]*$/.test(name), `backends.${name}`, `'${name}' is not a valid environment variable name`, name, 'use a name such as IDENTITY_API_URL');
      check.check(typeof backend?.url === 'string', `backends.${name}`, 'backend has no url', backend, 'pass a Microservice (or another IHttpBackend)');
    }
    if (props.volumes !== undefined && Object.keys(props.volumes).length > 0) {
      check.check(kind === 'StatefulSet', 'volumes', "data volumes need workload 'StatefulSet' (a Deployment's replicas would share one claim)", kind, "set workload: 'StatefulSet'");
      check.check(props.storage !== undefined, 'volumes', 'data volumes need storage', undefined, 'pass the environment\'s storage (the platform kit does)');
    }
    const probes = this.resolveProbes(props, schedule, ports, check);
    if (props.autoscaling !== undefined) {
      if (props.replicas !== undefined) {
        check.add('replicas', `'replicas' (${props.replicas}) is set together with 'autoscaling': the autoscaler owns the replica count, and every sync would reset it`, props.replicas,
          "remove 'replicas' (autoscaling.minReplicas is the floor), or remove 'autoscaling' for a fixed count");
      }
      check.check(kind === 'Deployment', 'autoscaling', "'autoscaling' needs workload 'Deployment' (a StatefulSet's claims are counted per replica)", kind, "remove 'autoscaling', or use workload 'Deployment'");
    }
    const cloud = props.cloudSecrets;
    if (cloud !== undefined) {
      const roleAnnotated = props.serviceAccount?.awsRoleArn ?? props.serviceAccount?.annotations?.[IRSA_ROLE_ANNOTATION];
      check.check(roleAnnotated !== undefined, 'cloudSecrets', "'cloudSecrets' are read with the pod's AWS identity, and the workload has no IAM role (IRSA)", props.serviceAccount,
        "set serviceAccount: { awsRoleArn: 'arn:aws:iam::<account>:role/<role that may read the secrets>' }");
      const taken = new Map<string, string>([
        ...Object.keys(preset?.env ?? {}).map((n) => [n, 'the runtime preset'] as [string, string]),
        ...Object.keys(props.env ?? {}).map((n) => [n, 'env'] as [string, string]),
        ...Object.keys(backends).map((n) => [n, 'backends'] as [string, string]),
        ...Object.keys(props.secretEnv ?? {}).map((n) => [n, 'secretEnv'] as [string, string]),
        ...(props.envRefs ?? []).map((e) => [e.name, 'envRefs'] as [string, string]),
      ]);
      for (const name of Object.keys(cloud.env ?? {})) {
        const other = taken.get(name);
        if (other !== undefined) check.add(`cloudSecrets.env.${name}`, `environment variable '${name}' is set both by ${other} and by 'cloudSecrets'`, name, `remove '${name}' from one of them`);
      }
    }
    const mesh = props.mesh !== undefined && props.meshed !== false ? props.mesh : undefined;
    const enforced = applicationOf(this)?.podSecurity ?? 'restricted';
    if (mesh !== undefined && !podSecurityAdmits(enforced, mesh.meshedPodSecurity)) {
      check.add('meshed', `joins the ${mesh.meshName} mesh, but namespace '${namespace ?? 'default'}' enforces Pod Security '${enforced}' and would refuse its pods: ${mesh.podSecurityReason}`, enforced,
        `enable the ${mesh.meshName} CNI plugin (cni: true on the control plane), or set meshed: false`);
    }
    check.throwIfInvalid();

    // Without a namespace (a plain chart) the objects land in the Application's destination namespace.
    this.namespace = namespace ?? 'default';
    this.identity = { name: this.name, instance: this.name, component: props.component ?? 'backend', version: imageVersion(props.image) };
    for (const backend of Object.values(backends)) recordDependency(this, backend);

    this.env = {
      ...preset?.env,
      ...Object.fromEntries(Object.entries(backends).map(([name, backend]) => [name, backend.url])),
      ...props.env,
    };

    const annotations: Record<string, string> = { ...props.podAnnotations };
    const envFrom: k8s.EnvFromSource[] = [];
    let inlineEnv: Record<string, string> | undefined = this.env;
    if (props.envConfigMap) {
      const data = Object.fromEntries(Object.keys(this.env).sort().map((k) => [k, this.env[k] as string]));
      const configName = joinName(this.name, 'config');
      new k8s.KubeConfigMap(this, 'Config', { metadata: { name: configName, labels: componentLabels(this.identity) }, data });
      envFrom.push({ configMapRef: { name: configName } });
      // Roll the pods when the settings change (a ConfigMap change alone does not restart them).
      annotations['checksum/config'] = checksumOf(data);
      inlineEnv = undefined;
    }
    for (const name of props.envFrom?.configMaps ?? []) envFrom.push({ configMapRef: { name } });
    for (const name of props.envFrom?.secrets ?? []) envFrom.push({ secretRef: { name } });

    const volumes: k8s.Volume[] = [];
    const volumeMounts: k8s.VolumeMount[] = [];
    if (cloud !== undefined) {
      mapChildOptions(this, 'SecretProviderClass', 'cloudSecrets');
      this.secretProviderClass = new SecretProviderClass(this, 'SecretProviderClass', { ...cloud, name: this.name, identity: this.identity });
      envFrom.push({ secretRef: { name: this.secretProviderClass.secretName } });
      volumes.push(this.secretProviderClass.volume);
      volumeMounts.push(this.secretProviderClass.volumeMount);
    }
    for (const dependency of props.connectsTo ?? []) recordDependency(this, dependency);
    this.skipOutboundPorts = [...new Set([...(this.secretProviderClass?.outboundPorts ?? []), ...(props.connectsTo ?? []).flatMap(outboundPortsOf)])].sort((a, b) => a - b);
    if (mesh !== undefined) {
      Object.assign(annotations, mesh.podAnnotations(this.skipOutboundPorts));
      recordDependency(this, mesh);
    }
    const files = props.files ?? {};
    if (Object.keys(files).length > 0) {
      const filesName = joinName(this.name, 'files');
      const keys = Object.keys(files).sort();
      const keyOf = (path: string): string => path.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]+/g, '_');
      const data = Object.fromEntries(keys.map((path) => [keyOf(path), files[path] as string]));
      new k8s.KubeConfigMap(this, 'Files', { metadata: { name: filesName, labels: componentLabels(this.identity) }, data });
      volumes.push({ name: 'files', configMap: { name: filesName } });
      for (const path of keys) volumeMounts.push({ name: 'files', mountPath: path, subPath: keyOf(path), readOnly: true });
      annotations['checksum/files'] = checksumOf(data);
    }
    for (const [volume, spec] of Object.entries(props.volumes ?? {})) volumeMounts.push({ name: volume, mountPath: spec.mountPath });

    const secretEnv: k8s.EnvVar[] = Object.entries(props.secretEnv ?? {}).sort(([a], [b]) => compareText(a, b))
      .map(([name, ref]) => ({ name, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } }));
    const containerPorts: ContainerPort[] = [...ports.values()].map((p) => ({ name: p.name, containerPort: p.port }));

    if (props.serviceAccount !== undefined) {
      const saAnnotations: Record<string, string> = {
        ...props.serviceAccount.annotations,
        ...(props.serviceAccount.awsRoleArn !== undefined ? { [IRSA_ROLE_ANNOTATION]: props.serviceAccount.awsRoleArn } : {}),
      };
      this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: {
          name: this.name,
          labels: componentLabels(this.identity),
          ...(Object.keys(saAnnotations).length > 0 ? { annotations: saAnnotations } : {}),
        },
        automountServiceAccountToken: props.serviceAccount.automountToken ?? false,
      });
    }

    const template = renderPodTemplate(this, {
      identity: this.identity,
      user,
      annotations,
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
      serviceAccountName: this.serviceAccount ? this.name : undefined,
      automountServiceAccountToken: props.serviceAccount?.automountToken ?? false,
      volumes,
      containers: [{
        name: this.name,
        image: imageReference(props.image, context.registryMirror),
        imagePullPolicy: context.imagePullPolicy,
        ...(props.command ? { command: props.command } : {}),
        ...(props.args ? { args: props.args } : {}),
        ports: containerPorts,
        env: inlineEnv,
        envFrom,
        envRefs: [...secretEnv, ...(props.envRefs ?? [])],
        resources,
        startupProbe: probes.startup,
        livenessProbe: probes.liveness,
        readinessProbe: probes.readiness,
        writablePaths: props.writablePaths ?? preset?.writablePaths ?? [],
        volumeMounts,
      }],
    });

    const exposed: ServicePort[] = [...ports.values()].filter((p) => p.expose)
      .map((p) => ({ name: p.name, port: p.servicePort, targetPort: p.name, nodePort: p.nodePort }));
    if (exposed.length > 0 || kind === 'StatefulSet') {
      this.service = renderService(this, 'Service', {
        name: this.name,
        identity: this.identity,
        type: exposed.some((p) => p.nodePort !== undefined) ? 'NodePort' : 'ClusterIP',
        headless: kind === 'StatefulSet',
        ports: exposed,
      });
    }
    const workloadAnnotations = props.reloader === true ? reloaderAnnotations(props, this.secretProviderClass?.secretName) : {};
    if (kind === 'StatefulSet') {
      this.workload = this.renderStatefulSet(props, template, workloadAnnotations);
    } else {
      this.workload = renderDeployment(this, 'Deployment', {
        name: this.name,
        identity: this.identity,
        // With an autoscaler the count is its own: a rendered spec.replicas would be reset by every sync.
        replicas: props.autoscaling !== undefined ? undefined : this.replicas,
        maxReplicas: props.autoscaling?.maxReplicas,
        template,
        spread: props.spread ?? true,
        annotations: workloadAnnotations,
      });
    }
    if (props.autoscaling !== undefined) {
      mapChildOptions(this, 'Autoscaler', 'autoscaling');
      this.autoscaler = new HorizontalAutoscaler(this, 'Autoscaler', { ...props.autoscaling, name: this.name, identity: this.identity, target: { kind: 'Deployment', name: this.name } });
    }
    // The budget follows the fewest replicas there can be (an autoscaler's minimum): with one it would block drains.
    if (this.replicas > 1 && props.disruptionBudget !== false) {
      renderDisruptionBudget(this, 'DisruptionBudget', this.name, this.identity, props.disruptionBudget?.maxUnavailable ?? 1);
    }
    if (props.metrics !== undefined) {
      mapChildOptions(this, 'ServiceMonitor', 'metrics');
      this.serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', { ...props.metrics, service: this });
    }
    if (props.ingressRoute !== undefined) {
      mapChildOptions(this, 'IngressRoute', 'ingressRoute');
      this.ingressRoute = new IngressRoute(this, 'IngressRoute', { ...props.ingressRoute, service: this });
    }
  }

  /** Names of the ports on the Service. */
  public get servicePortNames(): readonly string[] {
    return this.service === undefined ? [] : [...this.ports.values()].filter((p) => p.expose).map((p) => p.name);
  }

  /** `http://<name>.<namespace>.svc:<service port>` of the `http` port (or the first exposed port). */
  public get url(): string {
    const port = this.ports.get('http') ?? [...this.ports.values()].find((p) => p.expose);
    if (port === undefined) throw new Error(`Microservice '${this.name}' exposes no port, so it has no URL`);
    return this.endpoint(port.name);
  }

  /** The in-cluster URL of the named port (`http://`, or `grpc://`/`tcp://` for other protocols). */
  public endpoint(portName: string): string {
    const port = this.ports.get(portName);
    if (port === undefined || !port.expose) {
      throw new Error(`Microservice '${this.name}' exposes no port '${portName}' (ports: ${[...this.ports.values()].filter((p) => p.expose).map((p) => p.name).join(', ') || 'none'})`);
    }
    return `${port.protocol === 'http' ? 'http' : port.protocol}://${this.name}.${this.namespace}.svc:${port.servicePort}`;
  }

  /**
   * An Ingress backend for the named port of this workload's Service (by port name, so it follows the Service
   * port if it changes). Throws a clear error when the port is not on the Service.
   */
  public ingressBackend(portName = 'http'): k8s.IngressBackend {
    const port = this.ports.get(portName);
    if (this.service === undefined || port === undefined || !port.expose) {
      throw new Error(`Microservice '${this.name}': its Service has no port '${portName}' (ports: ${[...this.ports.values()].filter((p) => p.expose).map((p) => p.name).join(', ') || 'none'}); route to one of them`);
    }
    return { service: { name: this.name, port: { name: portName } } };
  }

  /** Who may connect to this workload: `connections.allowFrom(peer)` renders its NetworkPolicy. */
  public get connections(): Connections {
    this.connectionsOf ??= new Connections(this, {
      name: this.name,
      identity: this.identity,
      ports: [...this.ports.values()].filter((p) => p.expose).map((p) => p.port),
    });
    return this.connectionsOf;
  }

  private resolvePorts(props: MicroserviceProps, presetPort: number | undefined, check: PropsValidator): Map<string, ResolvedPort> {
    const ports = new Map<string, ResolvedPort>();
    const declared = props.ports ?? {};
    if (props.ports !== undefined && props.port !== undefined) {
      check.add('port', "'port' and 'ports' are both set", props.port, "declare the http port in 'ports' (ports: { http: { port } }) and remove 'port'");
    }
    const httpPort = props.port ?? (props.ports === undefined ? presetPort : undefined);
    if (httpPort !== undefined) {
      ports.set('http', { name: 'http', port: httpPort, servicePort: props.servicePort ?? httpPort, protocol: 'http', nodePort: props.nodePort, expose: true });
    } else {
      if (props.servicePort !== undefined) check.add('servicePort', "'servicePort' belongs to the http port, which is not declared", props.servicePort, "set it on the port in 'ports'");
      if (props.nodePort !== undefined) check.add('nodePort', "'nodePort' belongs to the http port, which is not declared", props.nodePort, "set it on the port in 'ports'");
    }
    for (const [name, port] of Object.entries(declared)) {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 15 || !/[a-z]/.test(name)) {
        check.add(`ports.${name}`, `port name '${name}' must be at most 15 lower-case letters, digits and '-', with a letter (an IANA service name)`, name, "use a name such as 'http', 'grpc' or 'metrics'");
      }
      ports.set(name, { name, port: port.port, servicePort: port.servicePort ?? port.port, protocol: port.protocol ?? 'http', nodePort: port.nodePort, expose: port.expose ?? true });
    }
    const health = props.healthCheck?.port;
    if (typeof health === 'number' && health !== httpPort) {
      ports.set('health', { name: 'health', port: health, servicePort: health, protocol: 'http', expose: false });
    }
    const numbers = new Map<number, string>();
    for (const p of ports.values()) {
      const other = numbers.get(p.port);
      if (other !== undefined) check.add(`ports.${p.name}`, `container port ${p.port} is declared twice (${other} and ${p.name})`, p.port, 'give each port its own number');
      numbers.set(p.port, p.name);
    }
    return ports;
  }

  private resolveProbes(props: MicroserviceProps, schedule: ProbeSchedule, ports: ReadonlyMap<string, ResolvedPort>, check: PropsValidator): { startup?: k8s.Probe; liveness: k8s.Probe; readiness: k8s.Probe } {
    const health = props.healthCheck;
    const healthPort = health?.port === undefined ? 'http' : typeof health.port === 'number' ? (ports.get('http')?.port === health.port ? 'http' : 'health') : health.port;
    if (health !== undefined) {
      for (const field of ['path', 'livenessPath', 'readinessPath', 'startupPath'] as const) {
        const value = health[field];
        if (value === undefined) continue;
        const problem = probePathProblem(value);
        if (problem) check.add(`healthCheck.${field}`, `'healthCheck.${field}' ${problem}`, value, "use the path the service answers with 2xx, e.g. '/identity/health'");
      }
      if (typeof health.port === 'string' && !ports.has(health.port)) {
        check.add('healthCheck.port', `port '${health.port}' is not a port of the container (ports: ${[...ports.keys()].join(', ') || 'none'})`, health.port, 'name one of its ports');
      }
    }
    const build = (which: 'startup' | 'liveness' | 'readiness'): k8s.Probe | undefined => {
      const own = props.probes?.[which];
      if (own === false) return undefined;
      const timing: ProbeTimings = { ...schedule[which], ...definedTimings(own) };
      const problem = probeTimingsProblem(timing);
      if (problem) check.add(`probes.${which}`, problem, timing, 'fix the probe timings');
      const portOf = (name: string | undefined, fallback: string): string => {
        const port = name ?? fallback;
        if (!ports.has(port)) check.add(`probes.${which}`, `probe port '${port}' is not a port of the container (ports: ${[...ports.keys()].join(', ') || 'none'})`, port, 'name one of its ports');
        return port;
      };
      const firstPort = [...ports.keys()][0] ?? 'http';
      if (own?.http) {
        const problem = probePathProblem(own.http.path);
        if (problem) check.add(`probes.${which}.http.path`, `'probes.${which}.http.path' ${problem}`, own.http.path, "use the path the service answers with 2xx, e.g. '/healthz'");
        return httpProbe(own.http.path, portOf(own.http.port, healthPort), timing);
      }
      if (own?.tcp) return tcpProbe(portOf(own.tcp.port, firstPort), timing);
      if (own?.grpc) {
        const name = portOf(own.grpc.port, [...ports.values()].find((p) => p.protocol === 'grpc')?.name ?? firstPort);
        return grpcProbe(ports.get(name)?.port ?? 0, own.grpc.service, timing);
      }
      if (own?.exec) return execProbe(own.exec.command, timing);
      if (health !== undefined) {
        const path = (which === 'startup' ? health.startupPath : which === 'liveness' ? health.livenessPath : health.readinessPath) ?? health.path;
        return httpProbe(path, portOf(undefined, healthPort), timing);
      }
      // A startup probe without a handler of its own checks what liveness checks, with the startup budget.
      if (which === 'startup' && liveness !== undefined) {
        return probeWithTimings({ httpGet: liveness.httpGet, tcpSocket: liveness.tcpSocket, grpc: liveness.grpc, exec: liveness.exec }, timing);
      }
      return undefined;
    };
    const liveness = build('liveness');
    const readiness = build('readiness');
    if (liveness === undefined || readiness === undefined) {
      check.add('healthCheck', `has no ${liveness === undefined ? 'liveness' : 'readiness'} probe (there is no default: an assumed /health once failed a whole platform)`, health,
        "set healthCheck: { path: '/healthz' } for HTTP, or probes: { liveness: { tcp: {} }, readiness: { tcp: {} } } for a TCP worker");
    }
    return { startup: build('startup'), liveness: liveness as k8s.Probe, readiness: readiness as k8s.Probe };
  }

  private renderStatefulSet(props: MicroserviceProps, template: k8s.PodTemplateSpec, annotations: Readonly<Record<string, string>>): k8s.KubeStatefulSet {
    const volumes = Object.entries(props.volumes ?? {});
    const statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels: componentLabels(this.identity), ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}) },
      spec: {
        serviceName: this.name,
        replicas: this.replicas,
        selector: { matchLabels: selectorLabels(this.identity) },
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template,
        ...(volumes.length > 0 ? {
          volumeClaimTemplates: volumes.map(([name, spec]) => ({
            // The claim template is immutable: no version label, or the next image bump could not be applied.
            metadata: { name, labels: stableLabels(this.identity) },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storage?.storageClassName,
              resources: { requests: { storage: k8s.Quantity.fromString(spec.size) } },
            },
          })),
        } : {}),
      },
    });
    for (const [name, spec] of volumes) {
      for (let replica = 0; replica < this.replicas; replica++) {
        props.storage?.registerClaim(this, { namespace: this.namespace, claimName: `${name}-${this.name}-${replica}`, size: spec.size, owner: this.identity, replica });
      }
    }
    return statefulSet;
  }
}

/**
 * Stakater Reloader's annotations naming exactly the Secrets and ConfigMaps the pods read that change outside git
 * (`envFrom`, `secretEnv`, `envRefs`, the Secret the CSI driver syncs). ConfigMaps the workload renders itself are
 * left out: their checksum annotation already rolls the pods in the same sync, and Reloader would roll them twice.
 *
 * @see https://github.com/stakater/Reloader#2--named-resource-reload-specific-resource-annotations
 */
function reloaderAnnotations(props: MicroserviceProps, syncedSecret: string | undefined): Record<string, string> {
  const secrets = new Set<string>([...(props.envFrom?.secrets ?? []), ...Object.values(props.secretEnv ?? {}).map((r) => r.secret)]);
  const configMaps = new Set<string>(props.envFrom?.configMaps ?? []);
  for (const ref of props.envRefs ?? []) {
    if (ref.valueFrom?.secretKeyRef?.name) secrets.add(ref.valueFrom.secretKeyRef.name);
    if (ref.valueFrom?.configMapKeyRef?.name) configMaps.add(ref.valueFrom.configMapKeyRef.name);
  }
  if (syncedSecret !== undefined) secrets.add(syncedSecret);
  const list = (names: Set<string>): string => [...names].sort().join(',');
  return {
    ...(configMaps.size > 0 ? { 'configmap.reloader.stakater.com/reload': list(configMaps) } : {}),
    ...(secrets.size > 0 ? { 'secret.reloader.stakater.com/reload': list(secrets) } : {}),
  };
}

function definedTimings(probe: ProbeOptions | undefined): Partial<ProbeTimings> {
  if (probe === undefined) return {};
  const out: { -readonly [K in keyof ProbeTimings]?: ProbeTimings[K] } = {};
  for (const key of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const) {
    if (probe[key] !== undefined) out[key] = probe[key];
  }
  return out;
}
