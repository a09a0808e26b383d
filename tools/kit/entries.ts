/**
 * The kit's entry kinds: one function per construct, taking the construct's options (what environments may
 * override) plus typed references to other entries (`backends: { API_URL: api }`, `kafka: { cluster: kafka,
 * topics: { events: kafka.topic('events') } }`), and building the construct in its own application chart.
 */
import type { App } from 'cdk8s';
import { CloudNativePgOperator } from '../../constructs/cloudnative-pg-operator';
import { Frontend, FrontendOptions, FrontendOptionsSchema } from '../../constructs/frontend';
import { HelmApplication, HelmApplicationOptions, HelmApplicationOptionsSchema, OperatorProps } from '../../constructs/helm-application';
import { IKafkaCluster, KafkaPlatform, KafkaPlatformOptions, KafkaPlatformOptionsSchema } from '../../constructs/kafka-platform';
import { KafkaTopic, KafkaTopicOptions, KafkaTopicOptionsSchema } from '../../constructs/kafka-topic';
import { LinkerdControlPlane, LinkerdControlPlaneOptions, LinkerdControlPlaneOptionsSchema } from '../../constructs/linkerd-control-plane';
import type { IServiceMesh, OpaqueDependency } from '../../constructs/lib/mesh';
import { DEFAULT_KAFKA_VERSION } from '../../constructs/lib/kafka-rules';
import type { ApplicationChart } from '../../constructs/application-chart';
import type { IApplication } from '../../constructs/lib/context';
import type { IConnectable } from '../../constructs/lib/connections';
import type { ImageSettings } from '../../constructs/lib/images';
import type { GroupKind } from '../../constructs/lib/kinds';
import { mapChildOptions } from '../../constructs/lib/context';
import { fieldPath, pickOptions, z } from '../../constructs/lib/options';
import type { IHttpBackend } from '../../constructs/lib/workload';
import { HealthCheck, Microservice, MicroserviceOptions, MicroserviceOptionsSchema } from '../../constructs/microservice';
import type { PostgresDatabaseOptions } from '../../constructs/postgres-database';
import { KafkaClientOptions, KafkaClientOptionsSchema, ServiceWithPostgres, ServiceWithPostgresOptions, ServiceWithPostgresOptionsSchema } from '../../constructs/service-with-postgres';
import { StrimziOperator } from '../../constructs/strimzi-operator';
import { AppEntry, AppScope, BuildContext, BuildTarget, defineEntry, derivedRef, Enabled, ImageDeclaration, Ref, resolveAll } from './entry';
import { without } from '../../constructs/lib/json';

/** What every entry may say besides its construct's options. */
export interface EntryProps {
  /**
   * Whether environments run it unless they say otherwise (`'when-used'`: only when another application uses it).
   * @default true
   */
  readonly enabled?: Enabled;
  /**
   * Namespace of the application (a function of the environment when environments share a cluster and must not
   * collide).
   * @default - the environment's namespace
   */
  readonly namespace?: string | ((target: BuildTarget) => string);
}

/** Peers admitted to a workload (its NetworkPolicy admits nobody else). */
export interface ConnectionsProps {
  /**
   * Workloads that may connect to this one: the workload gets a NetworkPolicy admitting only them. A function
   * when a peer is declared after this entry (`allowFrom: () => [api]`).
   * @default - no NetworkPolicy
   */
  readonly allowFrom?: readonly Ref<IConnectable>[] | (() => readonly Ref<IConnectable>[]);
}

function admit(context: BuildContext & { defer(work: () => void): void }, workload: { connections: Microservice['connections'] }, peers: ConnectionsProps['allowFrom']): void {
  if (peers === undefined) return;
  // After every application is built: the peer may itself use this workload.
  context.defer(() => {
    for (const peer of typeof peers === 'function' ? peers() : peers) workload.connections.allowFrom(context.resolve(peer));
  });
}

// ---------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------

/** What every workload entry has besides its construct's options: its image and its references. */
export interface WorkloadEntryProps extends EntryProps, ConnectionsProps {
  /** The application's image (environments pin its tag in `images`). */
  readonly image: ImageDeclaration;
  /**
   * Backends whose in-cluster URL is injected, keyed by environment variable (`{ API_URL: api }`).
   * @default {}
   */
  readonly backends?: Readonly<Record<string, Ref<IHttpBackend>>>;
}

/** A `Microservice` catalog entry: its options, its image and its references. */
export interface MicroserviceEntryProps extends MicroserviceOptions, WorkloadEntryProps {
  /**
   * The service mesh the workload joins (`linkerdControlPlane()`): it is synced after the mesh, its pods carry the
   * mesh's annotations, and a namespace that would refuse meshed pods is an error. Environments may set
   * `meshed: false`.
   * @default - not meshed
   */
  readonly mesh?: Ref<IServiceMesh>;
  /**
   * Applications the workload connects to over a protocol of its own (a `kafkaPlatform()`): their ports bypass
   * the mesh proxy (`config.linkerd.io/skip-outbound-ports`), and the workload is synced after them.
   * @default []
   */
  readonly connectsTo?: readonly Ref<OpaqueDependency>[];
}

/** A `Frontend` catalog entry. */
export interface FrontendEntryProps extends FrontendOptions, WorkloadEntryProps {}

/** The mesh references of a microservice entry (frontends have none). */
type MeshWiring = Pick<MicroserviceEntryProps, 'mesh' | 'connectsTo'>;

/** A construct a workload entry builds from its options, image and backends. */
type WorkloadConstruct<O, T> = new (scope: ApplicationChart, id: string, props: O & { image: ImageSettings; backends?: Record<string, IHttpBackend> }) => T;

/** The entry of a workload kind: the construct in a chart of its own, its backends resolved, its peers admitted. */
function workloadEntry<O extends object, T extends { connections: Microservice['connections'] }, K extends string>(
  kind: K, schema: z.ZodType, construct: WorkloadConstruct<O, T>, props: O & WorkloadEntryProps,
): AppEntry<O, T, K> {
  return defineEntry({
    kind,
    schema,
    options: without(props as O & WorkloadEntryProps & MeshWiring, 'image', 'backends', 'enabled', 'namespace', 'allowFrom', 'mesh', 'connectsTo') as unknown as O,
    image: props.image,
    enabled: props.enabled,
    namespace: props.namespace,
    workload: true,
    build: (context) => {
      const { mesh, connectsTo } = props as MeshWiring;
      const workload = new construct(context.chart(), context.name, {
        ...context.options,
        image: context.ownImage(),
        backends: resolveAll(context, props.backends),
        ...(mesh !== undefined ? { mesh: context.resolve(mesh) } : {}),
        ...(connectsTo !== undefined ? { connectsTo: connectsTo.map((ref) => context.resolve(ref)) } : {}),
      });
      admit(context, workload, props.allowFrom);
      return workload;
    },
  });
}

/** A workload of any kind (HTTP API, gRPC service, TCP worker) in an application of its own. */
export function microservice(props: MicroserviceEntryProps): AppEntry<MicroserviceOptions, Microservice, 'microservice'> {
  return workloadEntry<MicroserviceOptions, Microservice, 'microservice'>('microservice', MicroserviceOptionsSchema, Microservice, props);
}

/** A web frontend (Deployment, Service, Ingress with TLS) in an application of its own. */
export function frontend(props: FrontendEntryProps): AppEntry<FrontendOptions, Frontend, 'frontend'> {
  return workloadEntry<FrontendOptions, Frontend, 'frontend'>('frontend', FrontendOptionsSchema, Frontend, props);
}

/** Kafka client references of a service (its options are `KafkaClientOptions`). */
export interface KafkaClientEntryProps extends KafkaClientOptions {
  /** The cluster. */
  readonly cluster: Ref<IKafkaCluster>;
  /** Topics by camelCase env key (`{ identityEvents: kafka.topic('identity.events') }`). */
  readonly topics: Readonly<Record<string, Ref<KafkaTopic>>>;
}

/** A `ServiceWithPostgres` catalog entry. */
export interface ServiceWithPostgresEntryProps extends ServiceWithPostgresOptions, EntryProps, ConnectionsProps {
  /** The application's image. */
  readonly image: ImageDeclaration;
  /** Health probe paths (there is no default). */
  readonly healthCheck: HealthCheck;
  /** The service's own PostgreSQL (its database name at least). */
  readonly database: PostgresDatabaseOptions & { readonly databaseName: string };
  /** The PostgreSQL image of each engine (platform images, pinned per environment). */
  readonly databaseImages: { readonly statefulset: Ref<ImageSettings>; readonly 'cloudnative-pg': Ref<ImageSettings> };
  /**
   * The CloudNativePG operator (used, and so run, only where the database engine is `cloudnative-pg`).
   * @default - installed by other means
   */
  readonly postgresOperator?: Ref<IApplication>;
  /**
   * The Redis image (required with `redis`).
   * @default - no Redis
   */
  readonly redisImage?: Ref<ImageSettings>;
  /**
   * Kafka client settings and references.
   * @default - Kafka off
   */
  readonly kafka?: KafkaClientEntryProps;
  /**
   * Backends whose in-cluster URL is injected.
   * @default {}
   */
  readonly backends?: Readonly<Record<string, Ref<IHttpBackend>>>;
  /**
   * The service mesh the workload joins (its database, Redis and Kafka connections bypass the proxy).
   * @default - not meshed
   */
  readonly mesh?: Ref<IServiceMesh>;
}

/** A backend service with its own PostgreSQL (and optional Redis and Kafka client) in an application of its own. */
export function serviceWithPostgres(props: ServiceWithPostgresEntryProps): AppEntry<ServiceWithPostgresOptions, ServiceWithPostgres, 'service-with-postgres'> {
  const options: ServiceWithPostgresOptions = {
    ...without(props, 'image', 'backends', 'enabled', 'namespace', 'allowFrom', 'databaseImages', 'postgresOperator', 'redisImage', 'kafka', 'mesh'),
    ...(props.kafka !== undefined ? { kafka: pickOptions(KafkaClientOptionsSchema, props.kafka) as KafkaClientOptions } : {}),
  };
  return defineEntry({
    kind: 'service-with-postgres',
    schema: ServiceWithPostgresOptionsSchema,
    options,
    image: props.image,
    enabled: props.enabled,
    namespace: props.namespace,
    workload: true,
    build: (context) => {
      const o = context.options;
      const database = o.database ?? props.database;
      const engine = database.engine ?? 'statefulset';
      if (o.redis !== undefined && props.redisImage === undefined) {
        throw new Error(`application '${context.name}': 'redis' needs 'redisImage' in the catalog entry`);
      }
      const chart = context.chart();
      const service = new ServiceWithPostgres(chart, context.name, {
        ...o,
        image: context.ownImage(),
        healthCheck: o.healthCheck ?? props.healthCheck,
        database: {
          ...database,
          databaseName: database.databaseName ?? props.database.databaseName,
          image: context.resolve(props.databaseImages[engine]),
          storage: context.storage,
          operator: engine === 'cloudnative-pg' && props.postgresOperator !== undefined ? context.resolve(props.postgresOperator) : undefined,
        },
        redis: o.redis !== undefined && props.redisImage !== undefined ? { ...o.redis, image: context.resolve(props.redisImage) } : undefined,
        kafka: props.kafka !== undefined ? { ...o.kafka, cluster: context.resolve(props.kafka.cluster), topics: resolveAll(context, props.kafka.topics) ?? {} } : undefined,
        backends: resolveAll(context, props.backends),
        mesh: props.mesh !== undefined ? context.resolve(props.mesh) : undefined,
      });
      admit(context, service, props.allowFrom);
      return service;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Kafka
// ---------------------------------------------------------------------------------------------

/** What an environment or a catalog entry may set on a Kafka platform: the cluster and its topics. */
export const KafkaEntryOptionsSchema = KafkaPlatformOptionsSchema.extend({
  /**
   * Topics by Kafka topic name, with their options.
   * @default {}
   */
  topics: z.record(z.string(), KafkaTopicOptionsSchema).optional(),
});

/** What an environment or a catalog entry may set on a Kafka platform. */
export type KafkaEntryOptions = z.infer<typeof KafkaEntryOptionsSchema>;

/** A Kafka platform catalog entry (`namespace` is the cluster's: environments sharing a cluster override it). */
export interface KafkaEntryProps<T extends string> extends KafkaPlatformOptions {
  /**
   * Whether environments run it unless they say otherwise.
   * @default true
   */
  readonly enabled?: Enabled;
  /** Topics by Kafka topic name (`{ 'identity.events': {} }`), each with its options. */
  readonly topics: Readonly<Record<T, KafkaTopicOptions>>;
  /**
   * The application delivering the Strimzi operator; the cluster is synced after it.
   * @default - installed by other means
   */
  readonly operator?: Ref<IApplication>;
}

/** A Kafka platform entry, with typed references to its topics. */
export interface KafkaEntry<T extends string> extends AppEntry<KafkaEntryOptions, KafkaPlatform, 'kafka'> {
  /** A reference to topic `topicName` of this cluster (only the catalog's topics: a typo is a compile error). */
  topic(topicName: T): Ref<KafkaTopic>;
}

/** A Strimzi Kafka cluster (KRaft) and its topics, in an application of its own. */
export function kafkaPlatform<T extends string>(props: KafkaEntryProps<T>): KafkaEntry<T> {
  const options = without(props, 'enabled', 'operator') as KafkaEntryOptions;
  const entry = defineEntry({
    kind: 'kafka',
    schema: KafkaEntryOptionsSchema,
    options,
    enabled: props.enabled,
    build: (context) => {
      const o = context.options;
      const chart = context.chart({ namespace: o.namespace, version: o.version ?? DEFAULT_KAFKA_VERSION, podSecurity: 'baseline' });
      const kafka = new KafkaPlatform(chart, o.name ?? context.name, {
        ...without(o, 'topics'),
        namespace: chart.namespace,
        storage: context.storage,
        operator: props.operator !== undefined ? context.resolve(props.operator) : undefined,
      });
      for (const [topicName, topicOptions] of Object.entries(o.topics ?? {})) {
        // Its problems name the catalog's `topics["<name>"]` block.
        mapChildOptions(kafka, `Topic-${topicName}`, fieldPath(['topics', topicName]));
        kafka.addTopic(topicName, topicOptions);
      }
      return kafka;
    },
  });
  const topic = (topicName: T): Ref<KafkaTopic> => derivedRef(entry, `topic '${topicName}'`, (kafka: KafkaPlatform, context) => {
    const found = kafka.findTopic(topicName);
    return found ?? context.fail(`uses topic '${topicName}', which Kafka cluster '${kafka.clusterName}' does not define (topics: ${kafka.topics.map((t) => t.topicName).join(', ') || 'none'})`, topicName,
      `add '${topicName}' to the topics of the Kafka entry, or use one of its topics`);
  });
  return Object.assign(entry, { topic });
}

// ---------------------------------------------------------------------------------------------
// Helm charts (operators and other add-ons)
// ---------------------------------------------------------------------------------------------

/** An operator's catalog entry: where its chart comes from and where it runs. */
export interface OperatorEntryProps extends HelmApplicationOptions {
  /**
   * Whether environments run it unless they say otherwise.
   * @default 'when-used'
   */
  readonly enabled?: Enabled;
  /**
   * Once per environment or once per cluster.
   * @default 'cluster'
   */
  readonly scope?: AppScope;
}

/** An operator construct: a `HelmApplication` of a pinned chart, built from its options and the environment. */
type OperatorConstruct<T> = new (scope: App, id: string, props: OperatorProps) => T;

/**
 * The entry of an operator kind: its pinned chart as a cluster add-on (unless `scope` says otherwise), run where
 * something uses it (unless `enabled` says otherwise); environments may set its `HelmApplicationOptions`.
 */
export function operatorEntry<T extends HelmApplication, K extends string>(kind: K, construct: OperatorConstruct<T>, props: OperatorEntryProps = {}, enabled: Enabled = 'when-used'): AppEntry<HelmApplicationOptions, T, K> {
  return defineEntry({
    kind,
    scope: props.scope ?? 'cluster',
    schema: HelmApplicationOptionsSchema,
    options: without(props, 'enabled', 'scope'),
    enabled: props.enabled ?? enabled,
    build: (context) => new construct(context.app, context.id, { ...context.options, appName: context.name, context: context.context, locate: context.locate }),
  });
}

/** The Strimzi operator at the release whose CRDs are imported (a cluster add-on, run when something uses it). */
export function strimziOperator(props: OperatorEntryProps = {}): AppEntry<HelmApplicationOptions, StrimziOperator, 'strimzi-operator'> {
  return operatorEntry('strimzi-operator', StrimziOperator, props);
}

/** The CloudNativePG operator (a cluster add-on, run when something uses it). */
export function cloudnativePgOperator(props: OperatorEntryProps = {}): AppEntry<HelmApplicationOptions, CloudNativePgOperator, 'cloudnative-pg-operator'> {
  return operatorEntry('cloudnative-pg-operator', CloudNativePgOperator, props);
}

/** A pinned upstream Helm chart's catalog entry. */
export interface HelmChartEntryProps extends HelmApplicationOptions, OperatorEntryProps {
  /** Chart repository. */
  readonly repoURL: string;
  /** Chart name. */
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /** Namespace the chart is installed into. */
  readonly namespace: string;
  /**
   * Images the chart runs (for the air-gap image list).
   * @default []
   */
  readonly images?: readonly string[];
  /**
   * Cluster-scoped kinds the chart installs (for the Argo CD project).
   * @default []
   */
  readonly clusterScopedKinds?: readonly GroupKind[];
  /**
   * API groups whose CRDs the chart installs: applications using them are synced after it.
   * @default []
   */
  readonly providesApiGroups?: readonly string[];
  /**
   * Pod Security Standards level the chart's pods need.
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'baseline';
  /**
   * Apply with server-side apply (CRDs over 256 KiB).
   * @default false
   */
  readonly serverSideApply?: boolean;
  /**
   * Applications that must be running before this chart is synced (a CSI provider after its driver, a mesh
   * extension after the control plane): typed references, so the sync order is derived, not numbered.
   * @default []
   */
  readonly dependsOn?: readonly Ref<IApplication>[];
}

/** A pinned upstream Helm chart delivered by Argo CD (a cluster add-on unless `scope` says otherwise). */
export function helmChart(props: HelmChartEntryProps): AppEntry<HelmApplicationOptions, HelmApplication, 'helm-chart'> {
  return defineEntry({
    kind: 'helm-chart',
    scope: props.scope ?? 'cluster',
    schema: HelmApplicationOptionsSchema,
    options: { repoURL: props.repoURL, values: props.values, namespace: props.namespace, releaseName: props.releaseName },
    enabled: props.enabled ?? true,
    build: (context) => withDependencies(context, props.dependsOn, new HelmApplication(context.app, context.id, {
      ...context.options,
      appName: context.name,
      context: context.context,
      locate: context.locate,
      namespace: context.options.namespace ?? props.namespace,
      repoURL: context.options.repoURL ?? props.repoURL,
      chart: props.chart,
      version: props.version,
      images: props.images,
      clusterScopedKinds: props.clusterScopedKinds,
      providesApiGroups: props.providesApiGroups,
      podSecurity: props.podSecurity,
      serverSideApply: props.serverSideApply,
    })),
  });
}

function withDependencies<T extends IApplication>(context: BuildContext, refs: readonly Ref<IApplication>[] | undefined, app: T): T {
  for (const ref of refs ?? []) app.dependsOn(context.resolve(ref));
  return app;
}

/** The Linkerd control plane's catalog entry. */
export interface LinkerdControlPlaneEntryProps extends LinkerdControlPlaneOptions {
  /**
   * Whether environments run it unless they say otherwise.
   * @default true
   */
  readonly enabled?: Enabled;
  /**
   * Applications it is synced after: Linkerd's CRDs chart and, with `cni`, the CNI plugin's (Linkerd's install
   * order).
   * @default []
   */
  readonly dependsOn?: readonly Ref<IApplication>[];
}

/** The Linkerd control plane (a cluster add-on), the mesh microservices name in `mesh`. */
export function linkerdControlPlane(props: LinkerdControlPlaneEntryProps = {}): AppEntry<LinkerdControlPlaneOptions, LinkerdControlPlane, 'linkerd-control-plane'> {
  return defineEntry({
    kind: 'linkerd-control-plane',
    scope: 'cluster',
    schema: LinkerdControlPlaneOptionsSchema,
    options: without(props, 'enabled', 'dependsOn'),
    enabled: props.enabled ?? true,
    build: (context) => withDependencies(context, props.dependsOn,
      new LinkerdControlPlane(context.app, context.id, { ...context.options, appName: context.name, context: context.context, locate: context.locate })),
  });
}
