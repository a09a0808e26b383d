import { Construct } from 'constructs';
import { IKafkaCluster } from './kafka-platform';
import { KafkaTopic } from './kafka-topic';
import { mapChildOptions, recordDependency } from './lib/context';
import { IConnectable } from './lib/connections';
import { ComponentIdentity } from './lib/labels';
import { joinName } from './lib/names';
import { envVarsSchema, optionKeys, pickOptions, withFix, z } from './lib/options';
import { Runtime, RUNTIME_PRESETS } from './lib/runtimes';
import { PropsValidator } from './lib/validation';
import { IHttpBackend } from './lib/workload';
import { HealthCheck, Microservice, MicroserviceOptionsSchema, MicroserviceProps } from './microservice';
import { POSTGRES_PORT, PostgresDatabase, PostgresDatabaseOptionsSchema, PostgresDatabaseProps } from './postgres-database';
import { Redis, REDIS_PORT, RedisOptionsSchema, RedisProps } from './redis';

/** Kafka client settings an environment or a catalog entry may set (the cluster and topics are wired in code). */
export const KafkaClientOptionsSchema = z.strictObject({
  /**
   * `KAFKA_CLIENT_ID`.
   * @default - the service name
   */
  clientId: z.string().min(1).optional(),
  /**
   * `KAFKA_CONSUMER_GROUP_ID`, for services that consume.
   * @default - not set (producer only)
   */
  consumerGroupId: withFix(z.string().trim().min(1, { error: 'must be a non-empty string' }), "use a group such as 'user-service-group'").optional(),
  /**
   * Listener to connect to.
   * @default 'plain'
   */
  listener: withFix(z.enum(['plain', 'tls']), "use 'plain' or 'tls'").optional(),
});

/** Kafka client settings an environment or a catalog entry may set. */
export type KafkaClientOptions = z.infer<typeof KafkaClientOptionsSchema>;

/** Kafka client settings, rendered as the `KAFKA_*` environment contract. */
export interface KafkaClientProps extends KafkaClientOptions {
  /** The cluster to connect to (`KAFKA_BROKERS` is its bootstrap address). */
  readonly cluster: IKafkaCluster;
  /**
   * Topics the service uses, keyed by a camelCase name that becomes the env suffix
   * (`{ identityEvents: topic }` sets `KAFKA_TOPIC_IDENTITY_EVENTS`). Topics of `cluster`, as `addTopic()` returns them.
   */
  readonly topics: Readonly<Record<string, KafkaTopic>>;
}

/** Environment variables the construct sets itself from typed references. */
const GENERATED_ENV = /^(PORT|DATABASE_[A-Z_]+|REDIS_[A-Z_]+|KAFKA_[A-Z_]+)$/;

/** What an environment or a catalog entry may set on a `ServiceWithPostgres`. */
export const ServiceWithPostgresOptionsSchema = MicroserviceOptionsSchema.extend({
  /**
   * Extra non-secret environment variables (rendered into the ConfigMap), merged over the runtime's; the
   * `DATABASE_*`, `REDIS_*`, `KAFKA_*` and `PORT` variables come from typed references.
   * @default {}
   */
  env: envVarsSchema(GENERATED_ENV).optional(),
  /** The service's own PostgreSQL. */
  database: PostgresDatabaseOptionsSchema.optional(),
  /**
   * A Redis cache for the service (`REDIS_HOST`, `REDIS_PORT`).
   * @default - no Redis
   */
  redis: RedisOptionsSchema.optional(),
  /**
   * Kafka client settings.
   * @default - Kafka off (`KAFKA_ENABLED: "false"`)
   */
  kafka: KafkaClientOptionsSchema.optional(),
});

const OWN_OPTIONS = ServiceWithPostgresOptionsSchema.pick({ env: true, kafka: true });

/** What an environment or a catalog entry may set on a `ServiceWithPostgres`. */
export type ServiceWithPostgresOptions = z.infer<typeof ServiceWithPostgresOptionsSchema>;

/** Props of `ServiceWithPostgres`. */
export interface ServiceWithPostgresProps extends ServiceWithPostgresOptions {
  /** Application image. */
  readonly image: ImageSettings;
  /** Health probe paths (there is no default: an assumed `/health` once failed a whole platform). */
  readonly healthCheck: HealthCheck;
  /** The service's own PostgreSQL (named `<service>-postgres` unless named here). */
  readonly database: PostgresDatabaseProps;
  /**
   * A Redis cache for the service (`REDIS_HOST`, `REDIS_PORT`), named `<service>-redis`.
   * @default - no Redis
   */
  readonly redis?: RedisProps;
  /**
   * Kafka client settings.
   * @default - Kafka off (`KAFKA_ENABLED: "false"`)
   */
  readonly kafka?: KafkaClientProps;
  /**
   * Backends whose in-cluster URL is injected, keyed by environment variable.
   * @default {}
   */
  readonly backends?: MicroserviceProps['backends'];
  /**
   * The service mesh the workload joins: connections to its database, Redis and Kafka bypass the proxy
   * (their ports are derived from those constructs), everything else is meshed.
   * @default - not meshed
   */
  readonly mesh?: MicroserviceProps['mesh'];
}

type ImageSettings = MicroserviceProps['image'];

/** `identityEvents` -> `IDENTITY_EVENTS`; `undefined` when the key cannot be an env suffix. */
export function topicEnvSuffix(key: string): string | undefined {
  if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) return undefined;
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * A backend service with its own PostgreSQL: a `Microservice` (Deployment, Service: ClusterIP or NodePort, a
 * ConfigMap of non-secret settings consumed with `envFrom`), the database (`PostgresDatabase`), optional
 * Redis, and the Kafka client contract.
 *
 * Connection settings come from typed references: `DATABASE_HOST`/`PORT`/`NAME` from the database construct,
 * `DATABASE_USER`/`PASSWORD` from its credentials Secret (never a literal), `REDIS_*` from the Redis construct,
 * `KAFKA_BROKERS` and `KAFKA_TOPIC_*` from the Kafka cluster and its topics. The database and Redis admit only
 * this service's pods (`connections`). Pods restart when the ConfigMap changes (checksum annotation).
 */
export class ServiceWithPostgres extends Construct implements IHttpBackend, IConnectable {
  public readonly name: string;
  public readonly runtime: Runtime;
  public readonly port: number;
  public readonly replicas: number;
  public readonly namespace: string;
  public readonly identity: ComponentIdentity;
  /** `http://<name>.<namespace>.svc:<port>` */
  public readonly url: string;
  public readonly database: PostgresDatabase;
  public readonly redis?: Redis;
  /** The workload (Deployment, Service, ConfigMap). */
  public readonly workload: Microservice;
  /** The non-secret settings rendered into `<name>-config`. */
  public readonly config: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: ServiceWithPostgresProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.runtime = props.runtime ?? 'node';
    const preset = RUNTIME_PRESETS[this.runtime] ?? RUNTIME_PRESETS.node;
    this.port = props.port ?? preset.port;

    const check = new PropsValidator(this, `ServiceWithPostgres '${this.name}'`);
    // The workload's, the database's and Redis's options are checked by their constructs; these are this one's.
    check.options('', OWN_OPTIONS, { env: props.env, kafka: props.kafka && pickOptions(KafkaClientOptionsSchema, props.kafka) }, `ServiceWithPostgres '${this.name}'`);
    check.unknownKeys(props, [...optionKeys(ServiceWithPostgresOptionsSchema), 'image', 'backends', 'mesh'], `ServiceWithPostgres '${this.name}'`);
    check.check(props.healthCheck !== undefined, 'healthCheck', "'healthCheck' is required (there is no default: an assumed /health once failed a whole platform)", props.healthCheck, "set healthCheck: { path: '/<service>/health' }");
    if (this.port === POSTGRES_PORT) {
      check.add('port', `port ${this.port} clashes with the database port ${POSTGRES_PORT}`, this.port, 'the application and its PostgreSQL must listen on different ports; use e.g. 3000');
    }
    if (props.redis && this.port === REDIS_PORT) {
      check.add('port', `port ${this.port} clashes with the Redis port ${REDIS_PORT}`, this.port, 'use a different application port, e.g. 3000');
    }
    const kafkaEnv = this.kafkaEnvironment(props.kafka, check);
    check.throwIfInvalid();
    if (props.kafka) recordDependency(this, props.kafka.cluster);

    mapChildOptions(this, 'Postgres', 'database');
    this.database = new PostgresDatabase(this, 'Postgres', { ...props.database, name: props.database.name ?? joinName(this.name, 'postgres') });
    if (props.redis) {
      mapChildOptions(this, 'Redis', 'redis');
      this.redis = new Redis(this, 'Redis', { ...props.redis, name: props.redis.name ?? joinName(this.name, 'redis') });
    }

    const env = {
      ...props.env,
      PORT: String(this.port),
      DATABASE_HOST: this.database.host,
      DATABASE_PORT: String(this.database.port),
      DATABASE_NAME: this.database.databaseName,
      ...(this.redis ? { REDIS_HOST: this.redis.host, REDIS_PORT: String(this.redis.port) } : {}),
      ...kafkaEnv,
    };
    mapChildOptions(this, 'Workload', '');
    this.workload = new Microservice(this, 'Workload', {
      ...pickOptions(MicroserviceOptionsSchema, props),
      name: this.name,
      runtime: this.runtime,
      port: props.ports === undefined ? this.port : undefined,
      image: props.image,
      healthCheck: props.healthCheck,
      env,
      envConfigMap: true,
      backends: props.backends,
      mesh: props.mesh,
      connectsTo: [this.database, ...(this.redis ? [this.redis] : []), ...(props.kafka ? [props.kafka.cluster] : [])],
      envRefs: [
        { name: 'DATABASE_USER', valueFrom: { secretKeyRef: { name: this.database.credentials.secretName, key: this.database.credentials.usernameKey } } },
        { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: this.database.credentials.secretName, key: this.database.credentials.passwordKey } } },
      ],
    });
    this.replicas = this.workload.replicas;
    this.namespace = this.workload.namespace;
    this.identity = this.workload.identity;
    this.url = this.workload.url;
    this.config = this.workload.env;
    this.database.connections.allowFrom(this.workload);
    this.redis?.connections.allowFrom(this.workload);
  }

  /** Who may connect to the service itself. */
  public get connections(): Microservice['connections'] {
    return this.workload.connections;
  }

  /** The `KAFKA_*` contract, validating topics against the cluster. */
  private kafkaEnvironment(kafka: KafkaClientProps | undefined, check: PropsValidator): Record<string, string> {
    if (kafka === undefined) return { KAFKA_ENABLED: 'false' };
    const env: Record<string, string> = {
      KAFKA_ENABLED: 'true',
      KAFKA_BROKERS: kafka.listener === 'tls' ? kafka.cluster.bootstrap.tls : kafka.cluster.bootstrap.plain,
      KAFKA_CLIENT_ID: kafka.clientId ?? this.name,
      ...(kafka.consumerGroupId !== undefined ? { KAFKA_CONSUMER_GROUP_ID: kafka.consumerGroupId } : {}),
    };
    if (kafka.topics === null || typeof kafka.topics !== 'object' || Array.isArray(kafka.topics)) {
      check.add('kafka.topics', "'kafka.topics' must be a map of camelCase keys to topics, not a list", kafka.topics, "write it as { identityEvents: platform.addTopic('identity.events') }");
      return env;
    }
    for (const [key, value] of Object.entries(kafka.topics)) {
      const suffix = topicEnvSuffix(key);
      if (suffix === undefined) {
        check.add(`kafka.topics.${key}`, `topic key '${key}' is not a valid env suffix (it must be camelCase: a lower-case letter followed by letters and digits)`, key, "use a key such as 'identityEvents' (becomes KAFKA_TOPIC_IDENTITY_EVENTS)");
      } else if (!(value instanceof KafkaTopic)) {
        check.add(`kafka.topics.${key}`, `topic '${key}' must be a KafkaTopic (the object addTopic() returns), not a name`, value, "pass the topic object: kafka.addTopic('identity.events')");
      } else if (!kafka.cluster.hasTopic(value)) {
        check.add(`kafka.topics.${key}`, `topic '${value.topicName}' belongs to cluster '${value.cluster.clusterName}', not to '${kafka.cluster.clusterName}'`, value.topicName, 'use a topic of the cluster the service connects to');
      } else {
        env[`KAFKA_TOPIC_${suffix}`] = value.topicName;
      }
    }
    return env;
  }
}
