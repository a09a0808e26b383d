import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as strimzi from '../imports/kafka.strimzi.io';
import { KafkaTopic, KafkaTopicOptions, topicResourceName } from './kafka-topic';
import { IApplication, recordDependency } from './lib/context';
import {
  brokerCountProblem,
  controllerCountProblem,
  DEFAULT_KAFKA_VERSION,
  kafkaVersionProblem,
  replicationProblems,
  strimziConfigProblem,
  brokerConfigProblem,
} from './lib/kafka-rules';
import { DEFAULT_KAFKA_LISTENERS, KafkaListener, KafkaListenerRef, KafkaListenersSchema, listenerBrokerProblems, renderKafkaListeners } from './lib/kafka-listeners';
import { componentLabels } from './lib/labels';
import { joinName } from './lib/names';
import { canonicalResources, ResourceSettings } from './lib/resources';
import { deepMerge } from './lib/merge';
import { kafkaMetricsConfig, KafkaMetricsSchema } from './lib/kafka-metrics';
import { dnsLabelSchema, intSchema, quantitySchema, resourcesOverrideSchema, withFix, z } from './lib/options';
import { requireConfirmedDeletion } from './lib/retention';
import { PropsValidator } from './lib/validation';
import { IVolumeProvider } from './volume-provider';

/** How Kafka nodes are grouped: one dual-role pool, or separate controller and broker pools. */
export const KafkaNodePoolLayoutSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('dual-role'),
    /** Nodes with both the controller and the broker role (1 for development, 3 for fault tolerance). */
    nodes: z.number(),
  }),
  z.strictObject({
    mode: z.literal('separate'),
    /** Controller nodes (an odd number: 3 or 5). */
    controllers: z.number(),
    /** Broker nodes. */
    brokers: z.number(),
  }),
]);

/** How Kafka nodes are grouped. */
export type KafkaNodePoolLayout = z.infer<typeof KafkaNodePoolLayoutSchema>;

/** Addresses of the cluster's bootstrap Service (created by Strimzi as `<cluster>-kafka-bootstrap`). */
export interface KafkaBootstrap {
  /** `<cluster>-kafka-bootstrap.<namespace>` */
  readonly host: string;
  /** `host:9092`, the `plain` listener. */
  readonly plain: string;
  /** `host:9093`, the `tls` listener. */
  readonly tls: string;
}

/** A Kafka cluster services can connect to (implemented by `KafkaPlatform`). */
export interface IKafkaCluster extends IConstruct {
  readonly clusterName: string;
  readonly namespace: string;
  readonly bootstrap: KafkaBootstrap;
  /** The topic named `topicName`; throws a clear error when the cluster does not define it. */
  topic(topicName: string): KafkaTopic;
  /** True when `topic` is one of this cluster's topics. */
  hasTopic(topic: KafkaTopic): boolean;
  /** Authentication clients need (a `KafkaUser` each); `undefined` when the listeners admit anyone. */
  readonly authentication?: 'scram-sha-512';
}

/** What an environment or a catalog entry may set on a `KafkaPlatform`. */
export const KafkaPlatformOptionsSchema = z.strictObject({
  /**
   * Name of the Strimzi `Kafka` resource; the bootstrap Service is `<name>-kafka-bootstrap`.
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * Namespace of the cluster and its topics.
   * @default - the chart's namespace
   */
  namespace: dnsLabelSchema.optional(),
  /**
   * Kafka version; must be supported by the pinned Strimzi (1.2.0: 4.2.0, 4.2.1, 4.3.0, 4.3.1).
   * @default '4.3.1'
   */
  version: z.string().optional(),
  /**
   * Node pools.
   * @default { mode: 'dual-role', nodes: 1 }
   */
  nodePools: KafkaNodePoolLayoutSchema.optional(),
  /**
   * Size of each node's volume.
   * @default '10Gi'
   */
  storageSize: quantitySchema('storage').optional(),
  /**
   * Default replicas of topics (and `default.replication.factor`).
   * @default - min(3, brokers)
   */
  defaultReplicas: z.number().optional(),
  /**
   * `min.insync.replicas` of the cluster and the default of topics.
   * @default - replicas - 1 (1 for a single replica)
   */
  minInsyncReplicas: z.number().optional(),
  /**
   * Default partitions of topics.
   * @default 3
   */
  defaultPartitions: intSchema(1, 10000, 'set defaultPartitions to 1 or more').optional(),
  /**
   * Prometheus metrics: `true` for the Strimzi metrics reporter, or `{ exporter: 'jmx-prometheus', rules? }` for the
   * JMX Prometheus exporter with typed rules (rendered into the ConfigMap `<name>-kafka-metrics`).
   * @default false
   */
  metrics: KafkaMetricsSchema.optional(),
  /**
   * SCRAM-SHA-512 authentication on both listeners, with simple ACL authorization and the User Operator: clients
   * then need a `KafkaUser` (constructs/kafka-user.ts).
   * @default - no authentication
   */
  authentication: withFix(z.enum(['scram-sha-512']), "use 'scram-sha-512', or leave it out").optional(),
  /**
   * Resources of each Kafka node, merged over requests 250m / 1Gi and limits 1 / 2Gi.
   * @default - requests 250m / 1Gi, limits 1 / 2Gi
   */
  resources: resourcesOverrideSchema.optional(),
  /**
   * Further broker configuration. Replication settings are derived from the broker count and cannot be set here.
   * @default {}
   */
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /**
   * Listeners (constructs/lib/kafka-listeners.ts): internal, TLS and external ones with per-broker advertised hosts.
   * @default - `plain` (9092) and `tls` (9093), both internal
   */
  listeners: KafkaListenersSchema.optional(),
});

/** What an environment or a catalog entry may set on a `KafkaPlatform`. */
export type KafkaPlatformOptions = z.infer<typeof KafkaPlatformOptionsSchema>;

/** Props of `KafkaPlatform`. */
export interface KafkaPlatformProps extends KafkaPlatformOptions {
  /** Where the nodes' volumes come from (local PersistentVolumes are rendered per node). */
  readonly storage: IVolumeProvider;
  /**
   * The application delivering the Strimzi operator (and its CRDs); the cluster is synced after it.
   * @default - the operator is installed by other means
   */
  readonly operator?: IApplication;
}

/**
 * First node id of the broker pool when controllers have a pool of their own (controllers start at 0). Fixed,
 * not the controller count: scaling the controllers must not renumber the brokers, whose volume claims
 * (`data-<cluster>-broker-<id>`) and local PersistentVolumes are named by node id.
 */
export const BROKER_POOL_FIRST_NODE_ID = 100;

const DERIVED_CONFIG = [
  'default.replication.factor',
  'min.insync.replicas',
  'offsets.topic.replication.factor',
  'transaction.state.log.replication.factor',
  'transaction.state.log.min.isr',
];

/**
 * A Kafka cluster on Strimzi in KRaft mode (`kafka.strimzi.io/v1`): the `Kafka` resource, its
 * `KafkaNodePool`s and `KafkaTopic`s, with listeners `plain` (9092) and `tls` (9093).
 *
 * Replication settings are derived from the broker count and checked at synth time: the Kafka version must be
 * supported by the pinned Strimzi, the controller quorum must be odd, topic replicas must not exceed the
 * brokers and `min.insync.replicas` must stay below the replicas.
 *
 * @see https://strimzi.io/docs/operators/latest/configuring.html
 */
export class KafkaPlatform extends Construct implements IKafkaCluster {
  public readonly clusterName: string;
  public readonly namespace: string;
  public readonly version: string;
  public readonly brokers: number;
  public readonly controllers: number;
  public readonly defaultReplicas: number;
  public readonly minInsyncReplicas: number;
  public readonly defaultPartitions: number;
  public readonly bootstrap: KafkaBootstrap;
  /** The listeners (default `plain` and `tls`). */
  public readonly listeners: readonly KafkaListener[];
  /** The application delivering the operator, if given. */
  public readonly operator?: IApplication;
  /** Authentication clients need (a `KafkaUser` each), if any. */
  public readonly authentication?: 'scram-sha-512';
  private readonly topicsByName = new Map<string, KafkaTopic>();
  private readonly collisionKeys = new Map<string, string>();

  public constructor(scope: Construct, id: string, props: KafkaPlatformProps) {
    super(scope, id);
    const layout: KafkaNodePoolLayout = props.nodePools ?? { mode: 'dual-role', nodes: 1 };
    this.clusterName = props.name ?? id;
    const namespace = props.namespace ?? Chart.of(this).namespace;
    this.version = props.version ?? DEFAULT_KAFKA_VERSION;
    this.controllers = layout.mode === 'dual-role' ? layout.nodes : layout.controllers;
    this.brokers = layout.mode === 'dual-role' ? layout.nodes : layout.brokers;
    this.defaultReplicas = props.defaultReplicas ?? Math.min(3, Math.max(1, this.brokers));
    this.minInsyncReplicas = props.minInsyncReplicas ?? Math.max(1, this.defaultReplicas - 1);
    this.defaultPartitions = props.defaultPartitions ?? 3;
    const storageSize = props.storageSize ?? '10Gi';
    const resources = canonicalResources(deepMerge<ResourceSettings>({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } }, props.resources));

    const check = new PropsValidator(this, `KafkaPlatform '${this.clusterName}'`);
    check.props(KafkaPlatformOptionsSchema, props, ['storage', 'operator'], `KafkaPlatform '${this.clusterName}'`);
    check.check(namespace !== undefined, 'namespace', "'namespace' is required when the chart has no namespace", namespace, "set 'namespace' (e.g. 'kafka')");
    const versionProblem = kafkaVersionProblem(this.version);
    if (versionProblem) check.add('version', versionProblem, this.version, 'use a supported version (4.3.1 is the default), or upgrade Strimzi and re-run `npm run import`');
    if (layout.mode === 'dual-role') {
      const problem = controllerCountProblem(layout.nodes);
      if (problem) check.add('nodePools.nodes', `dual-role pool: ${problem}`, layout.nodes, 'use 1 node for development or 3 for fault tolerance');
    } else if (layout.mode === 'separate') {
      const cp = controllerCountProblem(layout.controllers);
      if (cp) check.add('nodePools.controllers', cp, layout.controllers, 'use 3 controllers');
      const bp = brokerCountProblem(layout.brokers);
      if (bp) check.add('nodePools.brokers', bp, layout.brokers, 'add at least one broker');
    } else {
      check.add('nodePools.mode', "'nodePools.mode' must be 'dual-role' or 'separate'", (layout as { mode?: unknown }).mode, "use { mode: 'dual-role', nodes: 1 } or { mode: 'separate', controllers: 3, brokers: 3 }");
    }
    for (const problem of replicationProblems(this.defaultReplicas, this.minInsyncReplicas, this.brokers)) {
      const field = problem.startsWith('min.insync') ? 'minInsyncReplicas' : 'defaultReplicas';
      check.add(field, problem, field === 'minInsyncReplicas' ? this.minInsyncReplicas : this.defaultReplicas, `keep replicas <= ${this.brokers} (the brokers) and min.insync.replicas < replicas`);
    }
    check.resources('resources', resources);
    for (const key of Object.keys(props.config ?? {})) {
      const managed = strimziConfigProblem(key);
      if (DERIVED_CONFIG.includes(key)) {
        check.add(`config.${key}`, `'${key}' is derived from the broker count and topic defaults`, props.config?.[key], "set 'defaultReplicas' / 'minInsyncReplicas' instead");
      } else if (managed) {
        check.add(`config.${key}`, managed, props.config?.[key], 'remove it: listeners, security, node ids and storage are configured through the construct and Strimzi');
      } else if (brokerConfigProblem(key)) {
        check.add(`config.${key}`, brokerConfigProblem(key) as string, props.config?.[key], 'use a broker option from https://kafka.apache.org/documentation/#brokerconfigs');
      }
    }
    this.listeners = props.listeners ?? DEFAULT_KAFKA_LISTENERS;
    const firstBroker = layout.mode === 'dual-role' ? 0 : BROKER_POOL_FIRST_NODE_ID;
    const brokerIds = Array.from({ length: Math.max(0, this.brokers) }, (_, i) => firstBroker + i);
    if (check.count === 0) for (const p of listenerBrokerProblems(this.listeners, brokerIds)) check.add(p.field, p.message, p.value, p.fix);
    check.throwIfInvalid();

    this.namespace = namespace as string;
    const host = `${this.clusterName}-kafka-bootstrap.${this.namespace}`;
    this.bootstrap = { host, plain: `${host}:9092`, tls: `${host}:9093` };
    this.operator = props.operator;
    if (props.operator) recordDependency(this, props.operator);
    this.authentication = props.authentication;
    const scram = props.authentication === 'scram-sha-512' ? { authentication: { type: strimzi.KafkaSpecKafkaListenersAuthenticationType.SCRAM_HYPHEN_SHA_HYPHEN_512 } } : {};
    const metricsConfig = kafkaMetricsConfig(this, { name: this.clusterName, namespace: this.namespace, version: this.version }, props.metrics);

    const labels = (instance: string): Record<string, string> =>
      componentLabels({ name: 'kafka', instance, component: 'messaging', version: this.version });
    const replicationCap = Math.min(3, this.brokers);

    const kafka = new strimzi.Kafka(this, 'Resource', {
      metadata: { name: this.clusterName, namespace: this.namespace, labels: labels(this.clusterName) },
      spec: {
        kafka: {
          version: this.version,
          listeners: renderKafkaListeners(this.listeners).map((listener) => ({ ...listener, ...scram })),
          ...(props.authentication !== undefined ? { authorization: { type: strimzi.KafkaSpecKafkaAuthorizationType.SIMPLE } } : {}),
          config: {
            ...props.config,
            'auto.create.topics.enable': false,
            'default.replication.factor': this.defaultReplicas,
            'min.insync.replicas': this.minInsyncReplicas,
            'offsets.topic.replication.factor': replicationCap,
            'transaction.state.log.replication.factor': replicationCap,
            'transaction.state.log.min.isr': Math.max(1, Math.min(2, replicationCap - 1)),
          },
          ...(metricsConfig !== undefined ? { metricsConfig } : {}),
        },
        entityOperator: {
          topicOperator: {
            resources: {
              requests: { cpu: strimzi.KafkaSpecEntityOperatorTopicOperatorResourcesRequests.fromString('100m'), memory: strimzi.KafkaSpecEntityOperatorTopicOperatorResourcesRequests.fromString('256Mi') },
              limits: { cpu: strimzi.KafkaSpecEntityOperatorTopicOperatorResourcesLimits.fromString('500m'), memory: strimzi.KafkaSpecEntityOperatorTopicOperatorResourcesLimits.fromString('512Mi') },
            },
          },
          // The User Operator turns KafkaUsers into SCRAM credentials (Secrets named after the users).
          ...(props.authentication !== undefined ? {
            userOperator: {
              resources: {
                requests: { cpu: strimzi.KafkaSpecEntityOperatorUserOperatorResourcesRequests.fromString('100m'), memory: strimzi.KafkaSpecEntityOperatorUserOperatorResourcesRequests.fromString('256Mi') },
                limits: { cpu: strimzi.KafkaSpecEntityOperatorUserOperatorResourcesLimits.fromString('500m'), memory: strimzi.KafkaSpecEntityOperatorUserOperatorResourcesLimits.fromString('512Mi') },
              },
            },
          } : {}),
        },
      },
    });
    requireConfirmedDeletion(kafka);

    const pools = layout.mode === 'dual-role'
      ? [{ pool: 'dual-role', roles: [strimzi.KafkaNodePoolSpecRoles.CONTROLLER, strimzi.KafkaNodePoolSpecRoles.BROKER], replicas: layout.nodes, firstId: 0 }]
      : [
        { pool: 'controller', roles: [strimzi.KafkaNodePoolSpecRoles.CONTROLLER], replicas: layout.controllers, firstId: 0 },
        { pool: 'broker', roles: [strimzi.KafkaNodePoolSpecRoles.BROKER], replicas: layout.brokers, firstId: BROKER_POOL_FIRST_NODE_ID },
      ];
    for (const { pool, roles, replicas, firstId } of pools) {
      const poolName = pool;
      // Pods are <cluster>-<pool>-<id>: the name must stay a valid DNS label.
      joinName(this.clusterName, poolName, String(firstId + replicas - 1));
      const nodePool = new strimzi.KafkaNodePool(this, `Pool-${pool}`, {
        metadata: {
          name: poolName,
          namespace: this.namespace,
          labels: { ...labels(joinName(this.clusterName, pool)), 'strimzi.io/cluster': this.clusterName },
          // Pin node ids, so pod and volume claim names (data-<cluster>-<pool>-<id>) are known in advance.
          annotations: { 'strimzi.io/next-node-ids': `[${firstId}-${firstId + replicas - 1}]` },
        },
        spec: {
          replicas,
          roles,
          storage: {
            type: strimzi.KafkaNodePoolSpecStorageType.PERSISTENT_HYPHEN_CLAIM,
            size: storageSize,
            class: props.storage.storageClassName,
            deleteClaim: false,
          },
          resources: {
            requests: {
              cpu: strimzi.KafkaNodePoolSpecResourcesRequests.fromString(resources.requests.cpu),
              memory: strimzi.KafkaNodePoolSpecResourcesRequests.fromString(resources.requests.memory),
            },
            limits: {
              cpu: strimzi.KafkaNodePoolSpecResourcesLimits.fromString(resources.limits.cpu),
              memory: strimzi.KafkaNodePoolSpecResourcesLimits.fromString(resources.limits.memory),
            },
          },
        },
      });
      requireConfirmedDeletion(nodePool);
      for (let id = firstId; id < firstId + replicas; id++) {
        props.storage.registerClaim(this, {
          namespace: this.namespace,
          claimName: `data-${this.clusterName}-${poolName}-${id}`,
          size: storageSize,
          owner: { name: 'kafka', instance: `${this.clusterName}-${poolName}`, component: 'messaging', version: this.version },
          replica: id - firstId,
        });
      }
    }
  }

  /** Topics of the cluster, in the order they were added. */
  public get topics(): readonly KafkaTopic[] {
    return [...this.topicsByName.values()];
  }

  /** Add a topic; names must be valid and unique, replicas at most the broker count. */
  public addTopic(topicName: string, options: KafkaTopicOptions = {}): KafkaTopic {
    const check = new PropsValidator(this, `KafkaPlatform '${this.clusterName}'`);
    if (this.topicsByName.has(topicName)) {
      check.add('addTopic', `topic '${topicName}' is defined twice`, topicName, 'define each topic once and pass the returned object around');
    }
    const collisionKey = topicResourceName(typeof topicName === 'string' ? topicName : '');
    const clash = this.collisionKeys.get(collisionKey);
    if (clash !== undefined && clash !== topicName) {
      check.add('addTopic', `topic '${topicName}' collides with '${clash}' (both map to the KafkaTopic resource name '${collisionKey}', and Kafka treats '.' and '_' alike in metric names)`, topicName, 'rename one of the topics');
    }
    check.throwIfInvalid();
    const topic = new KafkaTopic(this, `Topic-${topicName}`, { ...options, cluster: this, topicName });
    this.topicsByName.set(topicName, topic);
    this.collisionKeys.set(collisionKey, topicName);
    return topic;
  }

  /** The topic named `topicName`, or undefined when the cluster has none of that name (a lookup, not a copy of `topics`). */
  public findTopic(topicName: string): KafkaTopic | undefined {
    return this.topicsByName.get(topicName);
  }

  public topic(topicName: string): KafkaTopic {
    const topic = this.findTopic(topicName);
    if (topic === undefined) {
      const check = new PropsValidator(this, `KafkaPlatform '${this.clusterName}'`);
      const known = [...this.topicsByName.keys()];
      check.add('topic', `topic '${topicName}' is not defined on this cluster (defined: ${known.length > 0 ? known.join(', ') : 'none'})`, topicName, `add it with addTopic('${topicName}') or use one of the defined topics`);
      check.throwIfInvalid();
    }
    return topic as KafkaTopic;
  }

  public hasTopic(topic: KafkaTopic): boolean {
    return this.topicsByName.get(topic.topicName) === topic;
  }

  /** The listener named `name`, for a client to connect through; a clear error when there is none. */
  public listener(name: string): KafkaListenerRef {
    const listener = this.listeners.find((l) => l.name === name);
    if (listener === undefined) {
      const check = new PropsValidator(this, `KafkaPlatform '${this.clusterName}'`);
      check.add('listeners', `listener '${name}' is not defined on this cluster (listeners: ${this.listeners.map((l) => l.name).join(', ')})`, name, 'use one of its listeners, or add it to listeners');
      check.throwIfInvalid();
    }
    const l = listener as KafkaListener;
    return { name: l.name, bootstrap: `${this.bootstrap.host}:${l.port}`, tls: l.tls, type: l.type };
  }
}
