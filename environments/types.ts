/**
 * The typed environment: what may differ between dev, staging and prod, and `defineEnvironment()`, which
 * layers an environment's differences over the shared defaults and validates the result at the boundary.
 *
 * Layering: `base` (shared defaults) <- environment file (its differences) <- per-application override
 * (`apps.<name>`, merged over `workloadDefaults`). Objects merge key by key; arrays replace.
 */
import type { PlatformContext, PullPolicy, Stage } from '../constructs/lib/context';
import type { ImageSettings } from '../constructs/lib/images';
import { deepFreeze, deepMerge, DeepPartial } from '../constructs/lib/merge';
import type { ResourceSettings } from '../constructs/lib/resources';
import { BranchLayout, branchFor } from '../tools/publish/branches';
import { AppName, ImageName } from './catalog';
import { validateEnvironment } from './validate';

export type { PullPolicy, Stage, ImageSettings, ResourceSettings };
export * from './catalog';

/** Settings every workload has. */
export interface WorkloadSettings {
  /** Pod replicas (>= 1). */
  readonly replicas: number;
  /** CPU and memory requests and limits. */
  readonly resources: ResourceSettings;
  /** Extra non-secret environment variables. */
  readonly env: Readonly<Record<string, string>>;
}

/** Per-application override of the workload defaults. */
export type WorkloadOverride = DeepPartial<WorkloadSettings>;

/** Frontend-specific settings. */
export interface FrontendSettings extends WorkloadOverride {
  /** Host names served by the Ingress (the first one is the canonical host). */
  readonly hosts: readonly string[];
}

/** Backend-service-specific settings. */
export interface ServiceSettings extends WorkloadOverride {
  /** Expose the service on this fixed node port (30000-32767) in addition to its ClusterIP. @default - ClusterIP only */
  readonly nodePort?: number;
}

/** Per-application settings. */
export interface AppsSettings {
  readonly frontend: FrontendSettings;
  readonly 'identity-service': ServiceSettings;
  readonly 'user-service': ServiceSettings;
  readonly 'blog-service': ServiceSettings;
}

/** Local PersistentVolumes on the cluster's nodes (no provisioner): one PV is rendered per claim. */
export interface LocalStorageSettings {
  readonly mode: 'local';
  /** StorageClass name. */
  readonly storageClassName: string;
  /**
   * Nodes (values of `kubernetes.io/hostname`) that hold the volumes; every environment names its own. The
   * replicas of one workload go to different nodes; production refuses replicas that would share one.
   */
  readonly nodes: readonly string[];
  /** Directory on the node under which each volume gets its own directory. */
  readonly root: string;
}

/** A dynamic provisioner (cloud disks, local-path-provisioner): no PersistentVolumes are rendered. */
export interface DynamicStorageSettings {
  readonly mode: 'dynamic';
  /** StorageClass of the provisioner (it must exist in the cluster). */
  readonly storageClassName: string;
}

/** How persistent volumes are provided. */
export type StorageSettings = LocalStorageSettings | DynamicStorageSettings;

/**
 * How the database password reaches PostgreSQL and the application without a Secret value in git.
 *
 * - `existing-secret`: the platform team creates `<service>-postgres-credentials` (keys `username`, `password`)
 *   out of band; the manifests only reference it.
 * - `generated`: an External Secrets `Password` generator creates the password in the cluster once.
 * - `cnpg`: CloudNativePG generates `<cluster>-app` itself (only with the `cloudnative-pg` engine).
 */
export type CredentialsMode = 'existing-secret' | 'generated' | 'cnpg';

/** PostgreSQL of each backend service. */
export interface PostgresSettings {
  /** `statefulset`: a single-instance StatefulSet; `cloudnative-pg`: a CloudNativePG `Cluster`. */
  readonly engine: 'statefulset' | 'cloudnative-pg';
  /** Where the password comes from (see `CredentialsMode`). */
  readonly credentials: CredentialsMode;
  /** Instances per database (CloudNativePG only; the StatefulSet engine runs one). */
  readonly instances: number;
  /** Size of each database volume. */
  readonly storageSize: string;
  /** Resources of each PostgreSQL instance. */
  readonly resources: ResourceSettings;
}

/** Redis (cache) settings. */
export interface RedisSettings {
  readonly resources: ResourceSettings;
}

/** Kafka versions supported by the pinned Strimzi release (1.2.0). */
export type KafkaVersion = '4.2.0' | '4.2.1' | '4.3.0' | '4.3.1';

/** Node layout: one dual-role pool (small environments) or separate controller and broker pools. */
export type KafkaNodePools =
  | { readonly mode: 'dual-role'; readonly nodes: number }
  | { readonly mode: 'separate'; readonly controllers: number; readonly brokers: number };

/** The Kafka platform. */
export interface KafkaSettings {
  /** Kafka version; must be supported by the pinned Strimzi release. */
  readonly version: KafkaVersion;
  /** Node pools. */
  readonly nodePools: KafkaNodePools;
  /** Size of each node's volume. */
  readonly storageSize: string;
  /** Default replicas of topics. */
  readonly topicReplicas: number;
  /** Default partitions of topics. */
  readonly topicPartitions: number;
  /** `min.insync.replicas` of the cluster and its topics. */
  readonly minInsyncReplicas: number;
  /** Expose Prometheus metrics (JMX exporter). */
  readonly metrics: boolean;
  /** Resources of each Kafka node. */
  readonly resources: ResourceSettings;
}

/**
 * Where an operator's upstream Helm chart comes from. Its version is not an environment setting: it is pinned
 * in code with the CRDs imported from the same release (charts/operators.ts, cdk8s.yaml), because bindings,
 * validation and the image list are generated from that release.
 */
export interface HelmChartSettings {
  /** Chart repository (an air-gapped cluster points this at its mirror). */
  readonly repoURL: string;
}

/** How Argo CD reads the rendered branch. */
export interface GitOpsSettings {
  /** Repository holding the rendered-manifests branch. */
  readonly repoURL: string;
  /**
   * Rendered-manifests branch (layout `shared`), or the prefix of the environments' own branches
   * (`<branch>/<env>`, layouts `per-environment` and `promoter`; tools/publish/branches.ts).
   */
  readonly branch: string;
  /**
   * How environments are spread over rendered branches: `shared` (one branch), `per-environment` (one each) or
   * `promoter` (GitOps Promoter: Argo CD reads `<branch>/<env>`, publish writes `<branch>/<env>-next`).
   * @default 'shared'
   */
  readonly layout?: BranchLayout;
  /** Namespace where Argo CD runs (and where Applications live). */
  readonly argocdNamespace: string;
  /** Cluster API server Applications deploy to. */
  readonly destinationServer: string;
  /** `applications`: one generated Application per directory, with sync waves; `applicationset`: one git-directory ApplicationSet. */
  readonly mode: 'applications' | 'applicationset';
}

/** Ingress defaults. */
export interface IngressSettings {
  /** IngressClass. */
  readonly className: string;
  /** cert-manager ClusterIssuer issuing TLS certificates. */
  readonly clusterIssuer: string;
}

/** A complete, validated environment. */
export interface EnvironmentConfig {
  /** Environment name: the directory `dist/<name>/`. */
  readonly name: string;
  /** Source file, for error messages (`environments/<name>.ts`). */
  readonly source: string;
  /** Life-cycle stage; staging and production refuse floating image tags. */
  readonly stage: Stage;
  /** Platform name (`app.kubernetes.io/part-of`, Argo CD project prefix). */
  readonly platform: string;
  /** Namespace of the platform's applications. */
  readonly namespace: string;
  /** Namespaces the platform uses but does not render (Argo CD's own, ingress controller, ...). */
  readonly externalNamespaces: readonly string[];
  /** Every image, in one place. */
  readonly images: Readonly<Record<ImageName, ImageSettings>>;
  /** Pull policy of every container (`IfNotPresent` or `Never` on air-gapped nodes). */
  readonly imagePullPolicy: PullPolicy;
  /**
   * Registry (host, optional path) every image is pulled through, upstream registry kept in the path
   * (`<mirror>/docker.io/library/postgres`). @default - images are pulled from their own registries
   */
  readonly registryMirror?: string;
  /** Defaults for every application workload. */
  readonly workloadDefaults: WorkloadSettings;
  /** Per-application overrides. */
  readonly apps: AppsSettings;
  readonly ingress: IngressSettings;
  readonly storage: StorageSettings;
  readonly postgres: PostgresSettings;
  readonly redis: RedisSettings;
  readonly kafka: KafkaSettings;
  /** Operators delivered as upstream Helm charts. */
  readonly operators: { readonly strimzi: HelmChartSettings; readonly cloudnativePg: HelmChartSettings };
  readonly gitops: GitOpsSettings;
}

/**
 * The shared defaults: an environment without name, source, stage and storage. Storage is a property of each
 * cluster (its nodes, its provisioner), so every environment file declares its own, whole.
 */
export type BaseEnvironment = Omit<EnvironmentConfig, 'name' | 'source' | 'stage' | 'storage'>;

/** What an environment file writes: its name, stage and storage, and only its differences from `base`. */
export type EnvironmentOverrides = { readonly name: string; readonly stage: Stage; readonly storage: StorageSettings } & DeepPartial<BaseEnvironment>;

/**
 * Layer `overrides` over `base`, validate the result, and return it frozen.
 *
 * Throws a `ConfigError` listing every problem, each naming the environment file, the application and the
 * field, the value received and the fix.
 */
export function defineEnvironment(base: BaseEnvironment, overrides: EnvironmentOverrides): EnvironmentConfig {
  const name = typeof overrides.name === 'string' ? overrides.name : String(overrides.name);
  const merged = deepMerge<EnvironmentConfig>(
    { ...base, name, source: `environments/${name}.ts`, stage: overrides.stage, storage: overrides.storage } as EnvironmentConfig,
    overrides as DeepPartial<EnvironmentConfig>,
  );
  validateEnvironment(merged);
  return deepFreeze(merged);
}

/** The effective workload settings of an application: `workloadDefaults` with the application's override merged in. */
export function workloadSettings(env: EnvironmentConfig, app: AppName): WorkloadSettings {
  const { replicas, resources, env: vars } = env.apps[app];
  return deepMerge<WorkloadSettings>(env.workloadDefaults, { replicas, resources, env: vars });
}

/** The environment facts constructs read (through their `ApplicationChart`). */
export function platformContext(env: EnvironmentConfig): PlatformContext {
  return {
    environment: env.name,
    source: env.source,
    stage: env.stage,
    platform: env.platform,
    imagePullPolicy: env.imagePullPolicy,
    registryMirror: env.registryMirror,
    externalNamespaces: env.externalNamespaces,
    externalStorageClasses: env.storage.mode === 'dynamic' ? [env.storage.storageClassName] : [],
    renderedSource: { repoURL: env.gitops.repoURL, branch: branchFor(env.name, env.gitops) },
  };
}
