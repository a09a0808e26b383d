import { createHash } from 'node:crypto';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IKafkaCluster } from './kafka-platform';
import { KafkaTopic } from './kafka-topic';
import { contextOf, recordDependency } from './lib/context';
import { ImageSettings, imageReference, imageVersion } from './lib/images';
import * as k8s from './lib/k8s';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { deepMerge, DeepPartial } from './lib/merge';
import { joinName } from './lib/names';
import { httpProbe, probePathProblem, probeTimingsProblem, ProbeSchedule } from './lib/probes';
import { ResourceSettings } from './lib/resources';
import { Runtime, RUNTIME_PRESETS } from './lib/runtimes';
import { RunAsUser, runAsUserProblem } from './lib/security';
import { PropsValidator } from './lib/validation';
import { IHttpBackend, renderDeployment, renderDisruptionBudget, renderPodTemplate, renderService } from './lib/workload';
import { POSTGRES_PORT, PostgresDatabase, PostgresDatabaseProps } from './postgres-database';
import { Redis, REDIS_PORT, RedisProps } from './redis';

/** HTTP paths of the health probes. */
export interface HealthCheck {
  /** Path answering 2xx when the process is healthy; used by every probe unless overridden. */
  readonly path: string;
  /** @default - `path` */
  readonly livenessPath?: string;
  /** @default - `path` */
  readonly readinessPath?: string;
  /** @default - `path` */
  readonly startupPath?: string;
  /**
   * Container port the probes call, for services that answer health checks on a management port of their own
   * (Spring Boot's actuator, for example). It is declared on the container as `health`, not on the Service.
   * @default - the service port
   */
  readonly port?: number;
}

/** Kafka client settings, rendered as the `KAFKA_*` environment contract. */
export interface KafkaClientOptions {
  /** The cluster to connect to (`KAFKA_BROKERS` is its bootstrap address). */
  readonly cluster: IKafkaCluster;
  /**
   * Topics the service uses, keyed by a camelCase name that becomes the env suffix
   * (`{ identityEvents: topic }` sets `KAFKA_TOPIC_IDENTITY_EVENTS`). Values are topics of `cluster` or their names.
   */
  readonly topics: Readonly<Record<string, KafkaTopic | string>>;
  /**
   * `KAFKA_CLIENT_ID`.
   * @default - the service name
   */
  readonly clientId?: string;
  /**
   * `KAFKA_CONSUMER_GROUP_ID`, for services that consume.
   * @default - not set (producer only)
   */
  readonly consumerGroupId?: string;
  /**
   * Listener to connect to.
   * @default 'plain'
   */
  readonly listener?: 'plain' | 'tls';
}

/** Props of `ServiceWithPostgres`. */
export interface ServiceWithPostgresProps {
  /** Application image. */
  readonly image: ImageSettings;
  /** Health probe paths (there is no default: an assumed `/health` once failed a whole platform). */
  readonly healthCheck: HealthCheck;
  /** The service's own PostgreSQL (name, clients and namespace are filled in). */
  readonly database: Omit<PostgresDatabaseProps, 'name' | 'clients'>;
  /**
   * Name of the Deployment, Service and ConfigMap prefix.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Runtime preset for port, probe timings, resources, env and writable paths.
   * @default 'node'
   */
  readonly runtime?: Runtime;
  /**
   * Container port (and Service port).
   * @default - the runtime's port (node 3000, java 8080, python 8000)
   */
  readonly port?: number;
  /**
   * Probe timings, merged over the runtime's.
   * @default - the runtime's
   */
  readonly probes?: DeepPartial<ProbeSchedule>;
  /**
   * Pod replicas.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * CPU and memory, merged over the runtime's.
   * @default - the runtime's
   */
  readonly resources?: DeepPartial<ResourceSettings>;
  /**
   * Extra non-secret environment variables (rendered into the ConfigMap), merged over the runtime's.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Paths the process writes to.
   * @default - the runtime's (['/tmp'])
   */
  readonly writablePaths?: readonly string[];
  /**
   * User the pod runs as.
   * @default - the runtime's ({ uid: 1000, gid: 1000, fsGroup: 1000 })
   */
  readonly runAsUser?: RunAsUser;
  /**
   * Also expose the Service on this fixed node port (30000-32767).
   * @default - ClusterIP only
   */
  readonly nodePort?: number;
  /**
   * A Redis cache for the service (`REDIS_HOST`, `REDIS_PORT`).
   * @default - no Redis
   */
  readonly redis?: Omit<RedisProps, 'name' | 'clients'>;
  /**
   * Kafka client settings.
   * @default - Kafka off (`KAFKA_ENABLED: "false"`)
   */
  readonly kafka?: KafkaClientOptions;
}

const GENERATED_ENV = /^(PORT|DATABASE_[A-Z_]+|REDIS_[A-Z_]+|KAFKA_[A-Z_]+)$/;

/** `identityEvents` -> `IDENTITY_EVENTS`; `undefined` when the key cannot be an env suffix. */
export function topicEnvSuffix(key: string): string | undefined {
  if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) return undefined;
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * A backend service with its own PostgreSQL: Deployment, Service (ClusterIP, or NodePort when asked), a
 * ConfigMap of non-secret settings consumed with `envFrom`, the database (`PostgresDatabase`), optional
 * Redis, and the Kafka client contract.
 *
 * Connection settings come from typed references: `DATABASE_HOST`/`PORT`/`NAME` from the database construct,
 * `DATABASE_USER`/`PASSWORD` from its credentials Secret (never a literal), `REDIS_*` from the Redis construct,
 * `KAFKA_BROKERS` and `KAFKA_TOPIC_*` from the Kafka cluster and its topics. Pods restart when the ConfigMap
 * changes (checksum annotation).
 */
export class ServiceWithPostgres extends Construct implements IHttpBackend {
  public readonly name: string;
  public readonly runtime: Runtime;
  public readonly port: number;
  public readonly replicas: number;
  public readonly identity: ComponentIdentity;
  /** `http://<name>.<namespace>.svc:<port>` */
  public readonly url: string;
  public readonly database: PostgresDatabase;
  public readonly redis?: Redis;
  /** The non-secret settings rendered into `<name>-config`. */
  public readonly config: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: ServiceWithPostgresProps) {
    super(scope, id);
    const context = contextOf(this);
    this.name = props.name ?? id;
    this.runtime = props.runtime ?? 'node';
    const preset = RUNTIME_PRESETS[this.runtime] ?? RUNTIME_PRESETS.node;
    this.port = props.port ?? preset.port;
    this.replicas = props.replicas ?? 2;
    const probes = deepMerge<ProbeSchedule>(preset.probes, props.probes);
    const resources = deepMerge<ResourceSettings>(preset.resources, props.resources);
    const user = props.runAsUser ?? preset.runAsUser;
    const userEnv = props.env ?? {};
    const namespace = Chart.of(this).namespace;

    const check = new PropsValidator(this, `ServiceWithPostgres '${this.name}'`);
    check.dnsLabel('name', this.name);
    check.check(RUNTIME_PRESETS[this.runtime] !== undefined, 'runtime', `'runtime' must be one of ${Object.keys(RUNTIME_PRESETS).join(', ')}`, this.runtime, "use 'node', 'java' or 'python'");
    check.port('port', this.port);
    check.integer('replicas', this.replicas, 1);
    check.resources('resources', resources);
    check.check(namespace !== undefined, 'namespace', 'the service must be in a chart with a namespace', namespace, "give the application chart a namespace (e.g. 'healthxcape')");
    const health = props.healthCheck ?? { path: undefined as unknown as string };
    for (const field of ['path', 'livenessPath', 'readinessPath', 'startupPath'] as const) {
      const value = health[field];
      if (field !== 'path' && value === undefined) continue;
      const problem = probePathProblem(value);
      if (problem) check.add(`healthCheck.${field}`, `'healthCheck.${field}' ${problem}`, value, "use the path the service answers with 2xx, e.g. '/identity/health'");
    }
    for (const [probe, timings] of Object.entries(probes)) {
      const problem = probeTimingsProblem(timings);
      if (problem) check.add(`probes.${probe}`, problem, timings, 'fix the probe timings');
    }
    const healthPort = health.port ?? this.port;
    if (health.port !== undefined) check.port('healthCheck.port', health.port);
    const userProblem = runAsUserProblem(user);
    if (userProblem) check.add('runAsUser', userProblem, user, 'run as a non-root user, e.g. { uid: 1000, gid: 1000, fsGroup: 1000 }');
    if (props.nodePort !== undefined) check.integer('nodePort', props.nodePort, 30000, 32767, "choose a port in the node-port range 30000-32767, or remove 'nodePort'");
    if (this.port === POSTGRES_PORT) {
      check.add('port', `port ${this.port} clashes with the database port ${POSTGRES_PORT}`, this.port, 'the application and its PostgreSQL must listen on different ports; use e.g. 3000');
    }
    if (props.redis && this.port === REDIS_PORT) {
      check.add('port', `port ${this.port} clashes with the Redis port ${REDIS_PORT}`, this.port, 'use a different application port, e.g. 3000');
    }
    check.envVars('env', userEnv, GENERATED_ENV);
    const kafkaEnv = this.kafkaEnvironment(props.kafka, check);
    check.throwIfInvalid();

    this.identity = { name: this.name, instance: this.name, component: 'backend', version: imageVersion(props.image) };
    this.url = `http://${this.name}.${namespace as string}.svc:${this.port}`;
    if (props.kafka) recordDependency(this, props.kafka.cluster);

    this.database = new PostgresDatabase(this, 'Postgres', {
      ...props.database,
      name: joinName(this.name, 'postgres'),
      clients: [this.identity],
    });
    if (props.redis) {
      this.redis = new Redis(this, 'Redis', { ...props.redis, name: joinName(this.name, 'redis'), clients: [this.identity] });
    }

    this.config = {
      ...preset.env,
      ...userEnv,
      PORT: String(this.port),
      DATABASE_HOST: this.database.host,
      DATABASE_PORT: String(this.database.port),
      DATABASE_NAME: this.database.databaseName,
      ...(this.redis ? { REDIS_HOST: this.redis.host, REDIS_PORT: String(this.redis.port) } : {}),
      ...kafkaEnv,
    };
    const sortedConfig = Object.fromEntries(Object.keys(this.config).sort().map((k) => [k, this.config[k] as string]));
    const configName = joinName(this.name, 'config');
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: configName, labels: componentLabels(this.identity) },
      data: sortedConfig,
    });
    const checksum = createHash('sha256').update(JSON.stringify(sortedConfig)).digest('hex').slice(0, 16);

    const probePort = healthPort !== this.port ? 'health' : 'http';
    const paths = {
      liveness: health.livenessPath ?? health.path,
      readiness: health.readinessPath ?? health.path,
      startup: health.startupPath ?? health.path,
    };
    const template = renderPodTemplate(this, {
      identity: this.identity,
      user,
      // Roll the pods when the settings change (a ConfigMap change alone does not restart them).
      annotations: { 'checksum/config': checksum },
      containers: [{
        name: this.name,
        image: imageReference(props.image, context.registryMirror),
        imagePullPolicy: context.imagePullPolicy,
        ports: [{ name: 'http', containerPort: this.port }, ...(healthPort !== this.port ? [{ name: 'health', containerPort: healthPort }] : [])],
        envFrom: [{ configMapRef: { name: configName } }],
        envRefs: [
          { name: 'DATABASE_USER', valueFrom: { secretKeyRef: { name: this.database.credentials.secretName, key: this.database.credentials.usernameKey } } },
          { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: this.database.credentials.secretName, key: this.database.credentials.passwordKey } } },
        ],
        resources,
        startupProbe: httpProbe(paths.startup, probePort, probes.startup),
        livenessProbe: httpProbe(paths.liveness, probePort, probes.liveness),
        readinessProbe: httpProbe(paths.readiness, probePort, probes.readiness),
        writablePaths: props.writablePaths ?? preset.writablePaths,
      }],
    });
    renderDeployment(this, 'Deployment', { name: this.name, identity: this.identity, replicas: this.replicas, template });
    renderService(this, 'Service', {
      name: this.name,
      identity: this.identity,
      type: props.nodePort !== undefined ? 'NodePort' : 'ClusterIP',
      ports: [{ name: 'http', port: this.port, targetPort: 'http', nodePort: props.nodePort }],
    });
    if (this.replicas > 1) renderDisruptionBudget(this, 'DisruptionBudget', this.name, this.identity);
  }

  /** The `KAFKA_*` contract, validating topics against the cluster. */
  private kafkaEnvironment(kafka: KafkaClientOptions | undefined, check: PropsValidator): Record<string, string> {
    if (kafka === undefined) return { KAFKA_ENABLED: 'false' };
    const env: Record<string, string> = {
      KAFKA_ENABLED: 'true',
      KAFKA_BROKERS: kafka.listener === 'tls' ? kafka.cluster.bootstrap.tls : kafka.cluster.bootstrap.plain,
      KAFKA_CLIENT_ID: kafka.clientId ?? this.name,
      ...(kafka.consumerGroupId !== undefined ? { KAFKA_CONSUMER_GROUP_ID: kafka.consumerGroupId } : {}),
    };
    if (kafka.consumerGroupId !== undefined && (typeof kafka.consumerGroupId !== 'string' || kafka.consumerGroupId.trim() === '')) {
      check.add('kafka.consumerGroupId', "'kafka.consumerGroupId' must be a non-empty string", kafka.consumerGroupId, "use a group such as 'user-service-group'");
    }
    if (kafka.topics === null || typeof kafka.topics !== 'object' || Array.isArray(kafka.topics)) {
      check.add('kafka.topics', "'kafka.topics' must be a map of camelCase keys to topics, not a list", kafka.topics, "write it as { identityEvents: platform.topic('identity.events') }");
      return env;
    }
    for (const [key, value] of Object.entries(kafka.topics)) {
      const suffix = topicEnvSuffix(key);
      if (suffix === undefined) {
        check.add(`kafka.topics.${key}`, `topic key '${key}' is not a valid env suffix (it must be camelCase: a lower-case letter followed by letters and digits)`, key, "use a key such as 'identityEvents' (becomes KAFKA_TOPIC_IDENTITY_EVENTS)");
        continue;
      }
      if (typeof value === 'string') {
        if (value.trim() === '') {
          check.add(`kafka.topics.${key}`, `topic '${key}' has an empty name`, value, "name a topic defined on the cluster, e.g. 'identity.events'");
          continue;
        }
        try {
          env[`KAFKA_TOPIC_${suffix}`] = kafka.cluster.topic(value).topicName;
        } catch {
          check.add(`kafka.topics.${key}`, `topic '${value}' is not defined on Kafka cluster '${kafka.cluster.clusterName}'`, value, `add it with addTopic('${value}') on the platform, or fix the name`);
        }
      } else if (value instanceof KafkaTopic) {
        if (!kafka.cluster.hasTopic(value)) {
          check.add(`kafka.topics.${key}`, `topic '${value.topicName}' belongs to cluster '${value.cluster.clusterName}', not to '${kafka.cluster.clusterName}'`, value.topicName, 'use a topic of the cluster the service connects to');
        } else {
          env[`KAFKA_TOPIC_${suffix}`] = value.topicName;
        }
      } else {
        check.add(`kafka.topics.${key}`, `topic '${key}' must be a KafkaTopic or a topic name`, value, "pass platform.topic('identity.events') or the name");
      }
    }
    return env;
  }
}
