/**
 * Platform services and the services that use them, as catalog entries: databases, caches, brokers and search
 * clusters are applications of their own (each with its operator as a pinned cluster add-on); a service names
 * the platform services it uses as typed references and gets their connection settings (host, port, database,
 * credentials Secret) as environment variables, and is synced after them. A service is delivered either as a
 * rendered workload (`Microservice`, the default) or as a Helm chart from an OCI registry whose values the
 * platform computes from the same entry (`ChartApplication`), chosen per entry and per environment.
 */
import { ChartApplication, ChartApplicationOptionsSchema, ChartDefinition } from '../../constructs/chart-application';
import { EckOperator } from '../../constructs/eck-operator';
import { Elasticsearch, ElasticsearchOptions, ElasticsearchOptionsSchema } from '../../constructs/elasticsearch';
import type { HelmApplicationOptions } from '../../constructs/helm-application';
import type { IKafkaCluster } from '../../constructs/kafka-platform';
import { BINDING_PREFIX, BindingSecretKey, bindingEnv, IServiceBinding } from '../../constructs/lib/bindings';
import { IApplication, PullPolicy, recordDependency, Stage } from '../../constructs/lib/context';
import { ImageSettings, imageReference } from '../../constructs/lib/images';
import { ConfigError, PlatformError } from '../../constructs/lib/errors';
import { deepMerge } from '../../constructs/lib/merge';
import { joinName } from '../../constructs/lib/names';
import { dnsLabelSchema, quantitySchema, resourcesOverrideSchema, withFix, z } from '../../constructs/lib/options';
import { ResourceSettings } from '../../constructs/lib/resources';
import { Runtime, RUNTIME_PRESETS } from '../../constructs/lib/runtimes';
import type { IHttpBackend } from '../../constructs/lib/workload';
import { HealthCheck, Microservice, MicroserviceOptionsSchema } from '../../constructs/microservice';
import { MongoDbCommunity, MongoDbCommunityOptions, MongoDbCommunityOptionsSchema } from '../../constructs/mongodb-community';
import { MongoDbCommunityOperator } from '../../constructs/mongodb-community-operator';
import { GeneratedSecret } from '../../constructs/generated-secret';
import type { IPasswordGenerator } from '../../constructs/password-generator';
import type { IRabbitmqCluster } from '../../constructs/rabbitmq';
import type { IConstruct } from 'constructs';
import { PostgresDatabase, PostgresDatabaseOptions, PostgresDatabaseOptionsSchema } from '../../constructs/postgres-database';
import { ConnectionsProps, EntryProps, OperatorEntryProps, operatorEntry } from './entries';
import { AppEntry, defineEntry, derivedRef, EntryContext, ImageDeclaration, Ref, resolveAll } from './entry';
import type { ApplicationChart } from '../../constructs/application-chart';
import type { IVolumeProvider } from '../../constructs/volume-provider';

function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of keys) delete out[key as string];
  return out as Omit<T, K>;
}

// ---------------------------------------------------------------------------------------------
// Operators (cluster add-ons, run where something uses them)
// ---------------------------------------------------------------------------------------------

/** The MongoDB Community operator (a cluster add-on, run when a MongoDB uses it). */
export function mongodbCommunityOperator(props: OperatorEntryProps = {}): AppEntry<HelmApplicationOptions, MongoDbCommunityOperator, 'mongodb-community-operator'> {
  return operatorEntry('mongodb-community-operator', MongoDbCommunityOperator, props);
}

/** The ECK operator (a cluster add-on, run when an Elasticsearch uses it). */
export function eckOperator(props: OperatorEntryProps = {}): AppEntry<HelmApplicationOptions, EckOperator, 'eck-operator'> {
  return operatorEntry('eck-operator', EckOperator, props);
}

// ---------------------------------------------------------------------------------------------
// Platform services
// ---------------------------------------------------------------------------------------------

/** A CloudNativePG database entry: its options and references. */
export interface PostgresClusterEntryProps extends Omit<PostgresDatabaseOptions, 'engine' | 'credentials'>, EntryProps {
  /** Database created at initialisation. */
  readonly databaseName: string;
  /** The PostgreSQL operand image (a platform image, pinned per environment). */
  readonly image: Ref<ImageSettings>;
  /**
   * The CloudNativePG operator; the database is synced after it.
   * @default - installed by other means
   */
  readonly operator?: Ref<IApplication>;
}

const PostgresClusterOptionsSchema = PostgresDatabaseOptionsSchema.omit({ engine: true, credentials: true });

/**
 * A PostgreSQL database of its own (a CloudNativePG `Cluster`, credentials generated by the operator into
 * `<name>-app`), in an application of its own; services use it with `uses: { DATABASE: db }`.
 */
export function postgresCluster(props: PostgresClusterEntryProps): AppEntry<Omit<PostgresDatabaseOptions, 'engine' | 'credentials'>, IServiceBinding, 'postgresql'> {
  return defineEntry({
    kind: 'postgresql',
    schema: PostgresClusterOptionsSchema,
    options: without(props, 'image', 'operator', 'enabled', 'namespace'),
    enabled: props.enabled,
    namespace: props.namespace,
    build: (context) => {
      const o = context.options;
      const database = new PostgresDatabase(context.chart(), o.name ?? context.name, {
        ...o,
        engine: 'cloudnative-pg',
        credentials: { mode: 'cnpg' },
        databaseName: o.databaseName ?? props.databaseName,
        image: context.resolve(props.image),
        storage: context.storage,
        operator: props.operator !== undefined ? context.resolve(props.operator) : undefined,
      });
      const secret = database.credentials.secretName;
      return {
        owner: database,
        connection: {
          type: 'postgresql', host: database.host, port: database.port, database: database.databaseName,
          username: { secret, key: database.credentials.usernameKey }, password: { secret, key: database.credentials.passwordKey },
        },
      };
    },
  });
}

/** A platform service run by an operator: its options, and the application delivering the operator. */
export interface OperatedEntryProps extends EntryProps {
  /**
   * The operator's application; the service is synced after it.
   * @default - installed by other means
   */
  readonly operator?: Ref<IApplication>;
}

/** What an operated platform service's construct takes besides its options. */
interface OperatedWiring {
  readonly storage: IVolumeProvider;
  readonly operator?: IApplication;
}

/**
 * The entry of a platform service an operator runs: its construct in a chart of its own (Pod Security
 * `baseline`: the operators' pods set no seccomp profile), with the environment's storage and the operator.
 */
function operatedEntry<O extends { readonly name?: string; readonly version?: string }, T, K extends string>(
  kind: K, schema: z.ZodType, props: O & OperatedEntryProps, create: (chart: ApplicationChart, name: string, options: O, wiring: OperatedWiring, context: EntryContext<O>) => T,
): AppEntry<O, T, K> {
  return defineEntry({
    kind,
    schema,
    options: without(props, 'operator', 'enabled', 'namespace') as unknown as O,
    enabled: props.enabled,
    namespace: props.namespace,
    build: (context) => {
      const o = context.options;
      const chart = context.chart({ version: o.version, podSecurity: 'baseline' });
      const operator = props.operator !== undefined ? context.resolve(props.operator) : undefined;
      return create(chart, o.name ?? context.name, o, { storage: context.storage, operator }, context);
    },
  });
}

/** A MongoDB entry. */
export interface MongoDbEntryProps extends MongoDbCommunityOptions, OperatedEntryProps {
  /**
   * Generate the application user's password in the cluster from this generator (a `GeneratedSecret`
   * `<name>-<username>-password`, key `password`).
   * @default - the Secret `<name>-<username>-password` (key `password`) is created out of band
   */
  readonly passwordGenerator?: Ref<IPasswordGenerator & IConstruct>;
}

/** A MongoDB replica set (MongoDB Community operator) in an application of its own, its user's password generated in the cluster. */
export function mongodb(props: MongoDbEntryProps = {}): AppEntry<MongoDbCommunityOptions, MongoDbCommunity, 'mongodb'> {
  return operatedEntry<MongoDbCommunityOptions, MongoDbCommunity, 'mongodb'>('mongodb', MongoDbCommunityOptionsSchema, without(props, 'passwordGenerator'), (chart, name, o, wiring, context) => {
    const username = o.username ?? o.database ?? context.name;
    const secretName = joinName(name, username.toLowerCase().replace(/_/g, '-'), 'password');
    let password = { secret: secretName, key: 'password' };
    if (props.passwordGenerator !== undefined) {
      const generator = context.resolve(props.passwordGenerator);
      const secret = new GeneratedSecret(chart, 'Password', { name: secretName, generator });
      recordDependency(secret, generator);
      password = secret.password;
    }
    return new MongoDbCommunity(chart, name, { ...o, database: o.database ?? context.name, password, ...wiring });
  });
}

/** An Elasticsearch entry. */
export interface ElasticsearchEntryProps extends ElasticsearchOptions, OperatedEntryProps {}

/** An Elasticsearch cluster (ECK) in an application of its own. */
export function elasticsearch(props: ElasticsearchEntryProps = {}): AppEntry<ElasticsearchOptions, Elasticsearch, 'elasticsearch'> {
  return operatedEntry<ElasticsearchOptions, Elasticsearch, 'elasticsearch'>('elasticsearch', ElasticsearchOptionsSchema, props, (chart, name, o, wiring) => new Elasticsearch(chart, name, { ...o, ...wiring }));
}

/** What an environment or a catalog entry may set on a persistent Redis. */
export const RedisStoreOptionsSchema = z.strictObject({
  /**
   * Name of the StatefulSet and Service.
   * @default - the application name
   */
  name: dnsLabelSchema.optional(),
  /**
   * Size of the append-only file's volume.
   * @default '1Gi'
   */
  storageSize: quantitySchema('storage').optional(),
  /**
   * CPU and memory, merged over requests 50m / 128Mi and limits 250m / 256Mi.
   * @default - requests 50m / 128Mi, limits 250m / 256Mi
   */
  resources: resourcesOverrideSchema.optional(),
  /**
   * `appendfsync` policy of the append-only file.
   * @default 'everysec'
   */
  appendfsync: withFix(z.enum(['always', 'everysec', 'no']), "use 'always', 'everysec' or 'no'").optional(),
});

/** What an environment or a catalog entry may set on a persistent Redis. */
export type RedisStoreOptions = z.infer<typeof RedisStoreOptionsSchema>;

/** A persistent Redis entry. */
export interface RedisStoreEntryProps extends RedisStoreOptions, EntryProps {
  /** The Redis image (a platform image, pinned per environment). */
  readonly image: Ref<ImageSettings>;
}

/** Redis's port. */
const REDIS_PORT = 6379;

/**
 * Redis with persistence, in an application of its own: a one-replica `Microservice` StatefulSet running
 * `redis-server` with the append-only file on a data volume from the environment's storage (local volumes are
 * derived from its claim), probed with `redis-cli ping`, as the redis image's own non-root user.
 */
export function redisStore(props: RedisStoreEntryProps): AppEntry<RedisStoreOptions, IServiceBinding, 'redis'> {
  return defineEntry({
    kind: 'redis',
    schema: RedisStoreOptionsSchema,
    options: without(props, 'image', 'enabled', 'namespace'),
    enabled: props.enabled,
    namespace: props.namespace,
    build: (context) => {
      const o = context.options;
      const image = context.resolve(props.image);
      const chart = context.chart({ version: image.tag });
      const ping = { exec: { command: ['redis-cli', '-p', String(REDIS_PORT), 'ping'] } };
      const redis = new Microservice(chart, o.name ?? context.name, {
        image,
        component: 'cache',
        workload: 'StatefulSet',
        replicas: 1,
        command: ['redis-server'],
        args: ['--appendonly', 'yes', '--appendfsync', o.appendfsync ?? 'everysec', '--dir', '/data'],
        ports: { redis: { port: REDIS_PORT, protocol: 'tcp' } },
        probes: { startup: ping, liveness: ping, readiness: ping },
        resources: deepMerge<ResourceSettings>({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '250m', memory: '256Mi' } }, o.resources),
        // The redis image's own user.
        runAsUser: { uid: 999, gid: 1000, fsGroup: 1000 },
        writablePaths: ['/tmp'],
        volumes: { data: { mountPath: '/data', size: o.storageSize ?? '1Gi' } },
        storage: context.storage,
      });
      return { owner: redis, connection: { type: 'redis', host: `${redis.name}.${redis.namespace}.svc`, port: REDIS_PORT } };
    },
  });
}

/** The Kafka cluster of a `kafkaPlatform()` entry as a platform service (its plain listener). */
export function kafkaService(kafka: Ref<IKafkaCluster>): Ref<IServiceBinding> {
  return derivedRef(kafka, `the bootstrap address of ${kafka.description}`, (cluster: IKafkaCluster) => ({
    owner: cluster,
    connection: { type: 'kafka', host: cluster.bootstrap.host, port: 9092 },
  }));
}

/** A `rabbitmqCluster()` entry as a platform service: AMQP host and port, the operator's default-user Secret. */
export function rabbitmqService(rabbitmq: Ref<IRabbitmqCluster>): Ref<IServiceBinding> {
  return derivedRef(rabbitmq, `the AMQP endpoint of ${rabbitmq.description}`, (cluster: IRabbitmqCluster) => {
    const { host, port, credentials } = cluster.connection;
    return {
      owner: cluster,
      connection: {
        type: 'rabbitmq', host, port,
        username: { secret: credentials.secretName, key: credentials.usernameKey }, password: { secret: credentials.secretName, key: credentials.passwordKey },
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Services: rendered workloads or OCI Helm charts
// ---------------------------------------------------------------------------------------------

/** How a service is delivered: rendered by the product's constructs, or as a Helm chart from an OCI registry. */
export type Delivery = 'rendered' | 'chart';

/** The service as a chart's values function sees it: everything the entry and the environment settled. */
export interface ChartWorkload {
  /** The application (and release) name. */
  readonly name: string;
  readonly namespace: string;
  /** The environment's stage. */
  readonly stage: Stage;
  /** The image as the environment pins it, under the cluster's registry mirror when it has one. */
  readonly image: ImageSettings;
  /** The cluster's image pull policy. */
  readonly imagePullPolicy: PullPolicy;
  readonly replicas: number;
  /** The `http` port. */
  readonly port: number;
  /** CPU and memory (the runtime's, merged with the entry's and the environment's). */
  readonly resources: ResourceSettings;
  /** Literal environment variables (settings and the platform services' hosts, ports and names). */
  readonly env: Readonly<Record<string, string>>;
  /** Environment variables from Secrets in the cluster (the platform services' credentials). */
  readonly secretEnv: Readonly<Record<string, BindingSecretKey>>;
  /** Health probe paths. */
  readonly healthCheck?: HealthCheck;
}

/** A chart a service may be delivered as, and how its values follow from the service. */
export interface ChartDelivery<V extends object> {
  /** The chart and the interface of its values. */
  readonly chart: ChartDefinition<V>;
  /** The chart's values for `workload`. */
  values(workload: ChartWorkload): V;
}

/** What an environment or a catalog entry may set on a service. */
export const ServiceOptionsSchema = MicroserviceOptionsSchema.extend({
  /**
   * `rendered`: a `Microservice` (Deployment, Service, ...) in `dist/<env>/<app>/`; `chart`: the entry's chart
   * from its OCI registry, with values computed from these options.
   * @default 'rendered'
   */
  delivery: withFix(z.enum(['rendered', 'chart']), "use 'rendered' or 'chart'").optional(),
  /**
   * The chart's registry and release name (with `delivery: 'chart'`).
   * @default - the chart's registry, the application name
   */
  chart: ChartApplicationOptionsSchema.optional(),
});

/** What an environment or a catalog entry may set on a service. */
export type ServiceOptions = z.infer<typeof ServiceOptionsSchema>;

/** A service entry: its options, its image, the platform services it uses and the chart it may be delivered as. */
export interface ServiceEntryProps<V extends object> extends ServiceOptions, EntryProps, ConnectionsProps {
  /** The service's image (environments pin its tag in `images`). */
  readonly image: ImageDeclaration;
  /**
   * Platform services by environment-variable prefix (`{ DATABASE: productDb, CACHE: redis }` sets
   * `DATABASE_HOST`, `DATABASE_PORT`, `DATABASE_NAME`, `DATABASE_USER`, `DATABASE_PASSWORD`, `CACHE_HOST`, ...);
   * the service is synced after them.
   * @default {}
   */
  readonly uses?: Readonly<Record<string, Ref<IServiceBinding>>>;
  /**
   * Backends whose in-cluster URL is injected (rendered delivery).
   * @default {}
   */
  readonly backends?: Readonly<Record<string, Ref<IHttpBackend>>>;
  /**
   * The chart the service is delivered as with `delivery: 'chart'`.
   * @default - only rendered delivery
   */
  readonly deliverAs?: ChartDelivery<V>;
}

/** The settings a chart delivery passes to the chart's values function (`ChartWorkload`). */
const CHART_SETTINGS: readonly string[] = ['name', 'runtime', 'replicas', 'port', 'resources', 'env', 'secretEnv', 'healthCheck', 'delivery', 'chart'];

/** What a reference to a service resolves to: its workload, or its chart application. */
export type ServiceResult = Microservice | ChartApplication<object>;

/**
 * A microservice in an application of its own, delivered as a rendered workload (default) or as its OCI Helm
 * chart (`delivery: 'chart'`, per entry or per environment), wired to the platform services it `uses`.
 */
export function service<V extends object>(props: ServiceEntryProps<V>): AppEntry<ServiceOptions, ServiceResult, 'service'> {
  for (const prefix of Object.keys(props.uses ?? {})) {
    if (!BINDING_PREFIX.test(prefix)) throw new PlatformError(`service: 'uses.${prefix}' must be an upper-case environment-variable prefix such as DATABASE (got "${prefix}"). Fix: rename it to '${prefix.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}'`);
  }
  return defineEntry({
    kind: 'service',
    schema: ServiceOptionsSchema,
    options: without(props, 'image', 'uses', 'backends', 'deliverAs', 'enabled', 'namespace', 'allowFrom'),
    image: props.image,
    enabled: props.enabled,
    namespace: props.namespace,
    workload: true,
    build: (context) => {
      const o = context.options;
      const bindings = resolveAll(context, props.uses) ?? {};
      const literals: Record<string, string> = {};
      const secrets: Record<string, BindingSecretKey> = {};
      for (const [prefix, binding] of Object.entries(bindings).sort(([a], [b]) => a.localeCompare(b))) {
        const env = bindingEnv(prefix, binding.connection);
        Object.assign(literals, env.literals);
        Object.assign(secrets, env.secrets);
      }
      const owners = Object.values(bindings).map((b) => b.owner);
      if ((o.delivery ?? 'rendered') === 'chart') {
        const delivery = props.deliverAs;
        if (delivery === undefined) {
          return context.fail(`sets delivery 'chart', but its catalog entry names no chart to deliver it as`, 'chart', 'add deliverAs: { chart, values } to the service entry, or keep delivery \'rendered\'');
        }
        // A setting the chart's values never see would be silently dropped: refuse it, naming where it was set.
        const ignored = Object.keys(o).filter((key) => (o as Record<string, unknown>)[key] !== undefined && !CHART_SETTINGS.includes(key)).sort();
        if (ignored.length > 0) {
          throw new ConfigError(ignored.map((key) => ({
            ...context.locate(key),
            message: `is a setting of the rendered workload; with delivery 'chart' the chart's values are computed from ${CHART_SETTINGS.filter((k) => k !== 'delivery' && k !== 'chart').join(', ')} only`,
            value: (o as Record<string, unknown>)[key],
            fix: `remove it for this environment (or keep delivery 'rendered'), or express it in the chart's values function (deliverAs.values)`,
          })), `application '${context.name}': settings a chart delivery would ignore`);
        }
        const image = context.ownImage();
        const preset = o.runtime !== undefined ? RUNTIME_PRESETS[o.runtime as Runtime] : undefined;
        const namespace = typeof props.namespace === 'function' ? props.namespace(context.target) : props.namespace ?? context.target.namespace;
        const workload: ChartWorkload = {
          name: o.name ?? context.name,
          namespace,
          stage: context.target.stage,
          image: { ...image, repository: imageReference({ repository: image.repository }, context.context.registryMirror) },
          imagePullPolicy: context.context.imagePullPolicy,
          replicas: o.replicas ?? 2,
          port: o.port ?? preset?.port ?? 8080,
          resources: deepMerge<ResourceSettings>(preset?.resources ?? ({} as ResourceSettings), o.resources),
          env: { ...preset?.env, ...literals, ...o.env },
          secretEnv: { ...secrets, ...o.secretEnv },
          healthCheck: o.healthCheck,
        };
        return new ChartApplication<V>(context.app, context.id, {
          ...o.chart,
          appName: context.name,
          context: context.context,
          locate: context.locate,
          namespace,
          chart: delivery.chart,
          values: delivery.values(workload),
          uses: owners,
          // The values are computed by the catalog's chart delivery from the entry's settings.
          valuesLocation: { environment: context.target.name, file: context.locate('deliverAs').file, application: context.name },
        }) as unknown as ChartApplication<object>;
      }
      const workload = new Microservice(context.chart(), context.name, {
        ...without(o, 'delivery', 'chart'),
        image: context.ownImage(),
        env: { ...literals, ...o.env },
        secretEnv: { ...secrets, ...o.secretEnv },
        backends: resolveAll(context, props.backends),
      });
      for (const owner of owners) recordDependency(workload, owner);
      for (const binding of Object.values(bindings)) binding.admit?.(workload);
      if (props.allowFrom !== undefined) {
        const peers = props.allowFrom;
        context.defer(() => {
          for (const peer of typeof peers === 'function' ? peers() : peers) workload.connections.allowFrom(context.resolve(peer));
        });
      }
      return workload;
    },
  });
}
